"""A PostgreSQL connection killed under the pool costs at most the operation in flight."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import sqlalchemy as sa

from adapters.sql.sql_support import SqlTarget, person, posting
from skael_adapters.sql import SqlDatabase, upgrade
from skael_core.errors import StoreUnavailable

pytestmark = pytest.mark.postgres

APPLICATION = "skael-fault-test"


@pytest.fixture
async def pg_database(postgres_target: SqlTarget) -> AsyncIterator[SqlDatabase]:
    await upgrade(postgres_target.url, **postgres_target.engine_options)
    settings = {**postgres_target.engine_options["connect_args"]["server_settings"]}
    settings["application_name"] = APPLICATION
    db = SqlDatabase.from_url(postgres_target.url, connect_args={"server_settings": settings})
    try:
        yield db
    finally:
        await db.dispose()


async def _kill(url: str, where: str, **params: Any) -> int:
    admin = SqlDatabase.from_url(url, poolclass=sa.pool.NullPool)
    try:
        async with admin.engine.connect() as connection:
            query = f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE {where}"
            return int((await connection.execute(sa.text(query), params)).scalar_one())
    finally:
        await admin.dispose()


async def test_killed_idle_connections_are_replaced_on_checkout(
    pg_database: SqlDatabase, postgres_target: SqlTarget
) -> None:
    async with pg_database.unit_of_work() as uow:
        await uow.users.add(person(1))
        await uow.commit()
    killed = await _kill(
        postgres_target.url,
        "application_name = :name AND pid <> pg_backend_pid()",
        name=APPLICATION,
    )
    assert killed >= 1

    async with pg_database.unit_of_work() as uow:  # pre-ping finds the dead one, reconnects
        assert await uow.users.get_by_email(person(1).email) is not None
        await uow.jobs.upsert_many([posting(1)])
        await uow.commit()
    assert await pg_database.ping()


async def test_a_connection_killed_mid_work_fails_only_that_work(
    pg_database: SqlDatabase, postgres_target: SqlTarget
) -> None:
    async with pg_database.unit_of_work() as uow:
        await uow.jobs.upsert_many([posting(1)])
        await uow.commit()

    with pytest.raises(StoreUnavailable):
        async with pg_database.unit_of_work() as uow:
            await uow.jobs.upsert_many([posting(2)])
            pid = (await uow.connection.execute(sa.text("SELECT pg_backend_pid()"))).scalar_one()
            assert await _kill(postgres_target.url, "pid = :pid", pid=pid) == 1
            await uow.jobs.upsert_many([posting(3)])
            await uow.commit()

    async with pg_database.unit_of_work() as uow:
        assert await uow.jobs.count() == 1
        await uow.jobs.upsert_many([posting(4)])
        await uow.commit()
    async with pg_database.unit_of_work() as uow:
        assert await uow.jobs.known_source_ids("sample", 10) == [4, 1]


async def test_ping_says_false_when_the_server_is_unreachable() -> None:
    db = SqlDatabase.from_url(
        "postgresql+asyncpg://nobody@127.0.0.1:1/none", connect_args={"timeout": 2}
    )
    try:
        assert await db.ping() is False
    finally:
        await db.dispose()


async def test_a_pooled_connection_is_pinged_in_one_round_trip(pg_database: SqlDatabase) -> None:
    sent: list[str] = []
    async with pg_database.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        raw.driver_connection.add_query_logger(lambda record: sent.append(record.query))
    async with pg_database.engine.connect() as connection:  # the same connection again
        await asyncio.sleep(0.05)  # asyncpg calls its query loggers soon after, not at once
        assert sent == ["SELECT 1"]  # no transaction around it: BEGIN, ping, ROLLBACK
        await connection.execute(sa.text("SELECT 2"))
