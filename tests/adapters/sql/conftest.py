"""Fixtures of the SQL adapter's own tests: a migrated database on SQLite or PostgreSQL.

PostgreSQL tests run in a schema of their own when ``SKAEL_TEST_POSTGRES_URL`` is set;
without it they skip, unless ``CI`` is set, where they fail.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.sql.sql_support import SqlTarget, postgres_url
from skael_adapters.sql import SqlDatabase, upgrade
from skael_adapters.sql.testing import isolated_postgres_schema

TARGETS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


async def _target(name: str, tmp_path: Path) -> AsyncIterator[SqlTarget]:
    if name == "sqlite":
        yield SqlTarget(name="sqlite", url=f"sqlite+aiosqlite:///{tmp_path / 'skael.db'}")
        return
    async with isolated_postgres_schema(postgres_url()) as schema:
        yield SqlTarget(name="postgres", url=schema.url, engine_options=schema.engine_options)


@pytest.fixture(params=TARGETS)
async def sql_target(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SqlTarget]:
    """An empty, never migrated database."""
    async for target in _target(request.param, tmp_path):
        yield target


@pytest.fixture
async def sqlite_target(tmp_path: Path) -> AsyncIterator[SqlTarget]:
    async for target in _target("sqlite", tmp_path):
        yield target


@pytest.fixture
async def postgres_target(tmp_path: Path) -> AsyncIterator[SqlTarget]:
    async for target in _target("postgres", tmp_path):
        yield target


@pytest.fixture
async def database(sql_target: SqlTarget) -> AsyncIterator[SqlDatabase]:
    """A migrated database on each engine, disposed after the test."""
    await upgrade(sql_target.url, **sql_target.engine_options)
    db = SqlDatabase.from_url(sql_target.url, **sql_target.engine_options)
    try:
        yield db
    finally:
        await db.dispose()
