"""Test support: a PostgreSQL schema of one's own, created and dropped around a test.

Several test runs (and tests) can share one PostgreSQL database: each gets a fresh
schema, made the connection's ``search_path`` through asyncpg's ``server_settings``,
so unqualified table names (and Alembic's version table) land in it.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool


class IsolatedSchema(msgspec.Struct, frozen=True, kw_only=True):
    url: str
    name: str

    @property
    def engine_options(self) -> dict[str, Any]:
        """Keyword arguments for ``create_engine`` / ``SqlDatabase.from_url`` / ``upgrade``."""
        return {"connect_args": {"server_settings": {"search_path": self.name}}}


@asynccontextmanager
async def isolated_postgres_schema(
    url: str, prefix: str = "skael_test"
) -> AsyncIterator[IsolatedSchema]:
    """A new empty schema on the PostgreSQL database at ``url``, dropped on exit."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(url, poolclass=NullPool)
    try:
        async with admin.begin() as connection:
            await connection.execute(sa.text(f'CREATE SCHEMA "{name}"'))
        try:
            yield IsolatedSchema(url=url, name=name)
        finally:
            async with admin.begin() as connection:
                await connection.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
    finally:
        await admin.dispose()
