"""Links from identity-provider subjects to Skael accounts, over SQLAlchemy Core.

The table's primary key is (issuer, subject) and a unique constraint allows one subject
per (user, issuer); either clash becomes the core's ``Conflict``. Deleting a user
deletes their links (``ON DELETE CASCADE``).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from skael_core.errors import Conflict
from skael_core.model import IdentityLink
from skael_core.ports import IdentityLinkRepository

from .base import SqlRepository
from .engine import prepared
from .tables import identity_links

# Built once, as the user lookups are: read on every first request of a process.
_USER_FOR = prepared(
    sa.select(identity_links.c.user_id).where(
        identity_links.c.issuer == sa.bindparam("issuer"),
        identity_links.c.subject == sa.bindparam("subject"),
    )
)


class SqlIdentityLinkRepository(SqlRepository, IdentityLinkRepository):
    async def add(self, link: IdentityLink) -> None:
        """Insert in a savepoint, so that the unit of work stays usable after a clash."""
        row = {
            "issuer": link.issuer,
            "subject": link.subject,
            "user_id": link.user_id,
            "linked_at": link.linked_at,
        }
        try:
            async with self._conn.begin_nested():
                await self._conn.execute(sa.insert(identity_links).values(row))
        except IntegrityError as error:
            raise Conflict(
                f"subject {link.subject} of {link.issuer} or user {link.user_id} is linked already"
            ) from error

    async def user_for(self, issuer: str, subject: str) -> int | None:
        found = await self._conn.execute(_USER_FOR, {"issuer": issuer, "subject": subject})
        row = found.first()
        return None if row is None else int(row[0])
