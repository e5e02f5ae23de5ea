"""PostgreSQL: what a unit of work sends besides its own statements."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from adapters.sql.sql_support import SqlTarget, counting_statements, person
from skael_adapters.sql import SqlDatabase, upgrade

pytestmark = pytest.mark.postgres


@pytest.fixture
async def pg_database(postgres_target: SqlTarget) -> AsyncIterator[SqlDatabase]:
    await upgrade(postgres_target.url, **postgres_target.engine_options)
    db = SqlDatabase.from_url(postgres_target.url, **postgres_target.engine_options, pool_size=1)
    try:
        yield db
    finally:
        await db.dispose()


async def _transactions(db: SqlDatabase) -> list[str]:
    """What the pool's one connection sends outside prepared statements from now on
    (asyncpg's query logger sees BEGIN, COMMIT, ROLLBACK and pings, not the statements
    SQLAlchemy prepares)."""
    sent: list[str] = []
    async with db.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        raw.driver_connection.add_query_logger(lambda record: sent.append(record.query))
    await asyncio.sleep(0.05)  # asyncpg calls its query loggers soon after, not at once
    sent.clear()
    return sent


async def test_a_read_only_unit_of_work_sends_no_begin_or_rollback(
    pg_database: SqlDatabase,
) -> None:
    sent = await _transactions(pg_database)
    with counting_statements(pg_database) as statements:
        async with pg_database.unit_of_work(read_only=True) as uow:
            assert await uow.users.get_by_email("nobody@example.com") is None
            assert await uow.jobs.count() == 0
    await asyncio.sleep(0.05)
    assert len(statements) == 2 and sent == [], (statements, sent)

    async with pg_database.unit_of_work() as uow:  # one that may write has its transaction
        await uow.users.add(person(1))
    await asyncio.sleep(0.05)
    assert len(sent) == 2 and sent[0].startswith("BEGIN") and sent[1] == "ROLLBACK;", sent
    async with pg_database.unit_of_work(read_only=True) as uow:
        assert await uow.users.get_by_email(person(1).email) is None  # rolled back


async def test_a_read_only_unit_of_work_sees_each_commit_at_once(
    pg_database: SqlDatabase,
) -> None:
    """Each statement sees what was committed before it began, as in READ COMMITTED."""
    async with pg_database.unit_of_work(read_only=True) as reader:
        assert await reader.users.get_by_email(person(1).email) is None
        async with pg_database.unit_of_work() as writer:
            await writer.users.add(person(1))
            await writer.commit()
        assert await reader.users.get_by_email(person(1).email) is not None
