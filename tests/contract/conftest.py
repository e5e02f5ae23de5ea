"""The contract suite's store: every test here runs on memory, SQLite and PostgreSQL.

``uow_factory`` is the ``UnitOfWorkFactory`` of a fresh, empty store. PostgreSQL runs
when ``SKAEL_TEST_POSTGRES_URL`` is set (each test in a schema of its own); without it
those tests skip, unless ``CI`` is set, where they fail: CI must not go green by
skipping.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from skael_adapters.memory import MemoryDatabase
from skael_adapters.sql import SqlDatabase, upgrade
from skael_adapters.sql.testing import isolated_postgres_schema
from skael_core.ports import UnitOfWorkFactory
from support import server_url

POSTGRES_URL_VARIABLE = "SKAEL_TEST_POSTGRES_URL"

STORES = [
    pytest.param("memory", id="memory"),
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


def postgres_url() -> str:
    """The test server's URL; skips the test without one (fails it under CI)."""
    return server_url(POSTGRES_URL_VARIABLE)


@pytest.fixture(params=STORES)
async def uow_factory(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[UnitOfWorkFactory]:
    store: str = request.param
    if store == "memory":
        yield MemoryDatabase().unit_of_work
    elif store == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'contract.db'}"
        await upgrade(url)
        database = SqlDatabase.from_url(url)
        try:
            yield database.unit_of_work
        finally:
            await database.dispose()
    else:
        async with isolated_postgres_schema(postgres_url()) as schema:
            await upgrade(schema.url, **schema.engine_options)
            database = SqlDatabase.from_url(schema.url, **schema.engine_options)
            try:
                yield database.unit_of_work
            finally:
                await database.dispose()
