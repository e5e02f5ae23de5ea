"""Logged-out tokens in the store of record: ``revoked_tokens``, one row per token id.

Every authenticated request without a shared revocation store asks whether its token
is here, so the lookup is a prepared point read on the primary key.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from skael_core.ports import RevokedTokenRepository

from .base import SqlRepository
from .engine import prepared
from .tables import revoked_tokens

_REVOKED: sa.Select[tuple[int]] = prepared(
    sa.select(sa.literal_column("1")).where(revoked_tokens.c.token_id == sa.bindparam("id"))
)


class SqlRevokedTokenRepository(SqlRepository, RevokedTokenRepository):
    async def add(self, token_id: str, expires_at: datetime) -> None:
        statement = (
            self._insert(revoked_tokens)
            .values(token_id=token_id, expires_at=expires_at)
            .on_conflict_do_nothing(index_elements=[revoked_tokens.c.token_id])
        )
        await self._conn.execute(statement)

    async def contains(self, token_id: str) -> bool:
        return (await self._conn.execute(_REVOKED, {"id": token_id})).first() is not None

    async def purge(self, now: datetime) -> int:
        statement = sa.delete(revoked_tokens).where(revoked_tokens.c.expires_at <= now)
        return (await self._conn.execute(statement)).rowcount
