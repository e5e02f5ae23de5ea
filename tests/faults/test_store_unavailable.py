"""A unit of work whose database does not answer raises ``StoreUnavailable``; a bug does not.

Real databases, no mocks: a SQLite file whose write lock another connection holds past
the busy timeout, a PostgreSQL address where nothing listens, and a constraint broken
on purpose (a driver error that is not the store's fault, left as it is).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
import sqlalchemy as sa

from skael_adapters.sql import SqlDatabase, upgrade
from skael_core.errors import StoreUnavailable

pytestmark = pytest.mark.faults


@pytest.fixture
async def sqlite_file(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'store.db'}"
    await upgrade(url)
    return url


async def test_a_write_lock_held_past_the_busy_timeout_is_unavailable(
    sqlite_file: str, tmp_path: Path
) -> None:
    database = SqlDatabase.from_url(sqlite_file, busy_timeout_ms=100)
    try:
        with closing(sqlite3.connect(tmp_path / "store.db", isolation_level=None)) as holder:
            holder.execute("BEGIN IMMEDIATE")
            with pytest.raises(StoreUnavailable) as caught:
                async with database.unit_of_work() as uow:
                    await uow.jobs.count()
            holder.execute("ROLLBACK")
        assert "database is locked" in str(caught.value.__cause__)
        async with database.unit_of_work() as uow:  # the lock is gone: work goes on
            assert await uow.jobs.count() == 0
    finally:
        await database.dispose()


async def test_a_database_nobody_listens_for_is_unavailable() -> None:
    database = SqlDatabase.from_url(
        "postgresql+asyncpg://nobody@127.0.0.1:1/none", connect_args={"timeout": 2}
    )
    try:
        with pytest.raises(StoreUnavailable):
            async with database.unit_of_work() as uow:
                await uow.jobs.count()
    finally:
        await database.dispose()


async def test_a_broken_constraint_stays_a_driver_error(sqlite_file: str) -> None:
    database = SqlDatabase.from_url(sqlite_file)
    insert = sa.text(
        "INSERT INTO users (id, email, password_hash, joined_at, profile)"
        " VALUES (1, 'a@example.com', 'x', '2026-01-01T00:00:00+00:00', '{}')"
    )
    try:
        with pytest.raises(sa.exc.IntegrityError):
            async with database.unit_of_work() as uow:
                await uow.connection.execute(insert)
                await uow.connection.execute(insert)
    finally:
        await database.dispose()
