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
            # waits (up to 5 s) for each backend to end: its socket is closed on return
            query = (
                f"SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity WHERE {where}"
            )
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


async def test_a_rested_connection_is_pinged_in_one_round_trip(
    postgres_target: SqlTarget,
) -> None:
    sent: list[str] = []
    db = SqlDatabase.from_url(postgres_target.url, ping_after=0.0)
    try:
        async with db.engine.connect() as connection:
            raw = await connection.get_raw_connection()
            raw.driver_connection.add_query_logger(lambda record: sent.append(record.query))
        async with db.engine.connect() as connection:  # the same connection again
            await asyncio.sleep(0.05)  # asyncpg calls its query loggers soon after, not at once
            assert sent == ["SELECT 1"]  # no transaction around it: BEGIN, ping, ROLLBACK
            await connection.execute(sa.text("SELECT 2"))
    finally:
        await db.dispose()


async def test_a_connection_used_again_soon_is_not_pinged(pg_database: SqlDatabase) -> None:
    sent: list[str] = []
    async with pg_database.engine.connect() as connection:
        first = (await connection.get_raw_connection()).driver_connection
        first.add_query_logger(lambda record: sent.append(record.query))
    async with pg_database.engine.connect() as connection:  # within DEFAULT_PING_AFTER
        assert (await connection.get_raw_connection()).driver_connection is first
        await connection.execute(sa.text("SELECT 2"))
    await asyncio.sleep(0.05)
    assert "SELECT 1" not in sent and sent, sent  # the logger saw BEGIN and ROLLBACK


async def test_a_connection_the_server_closed_is_replaced_without_a_ping(
    pg_database: SqlDatabase, postgres_target: SqlTarget
) -> None:
    sent: list[str] = []
    async with pg_database.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        raw.driver_connection.add_query_logger(lambda record: sent.append(record.query))
        pid = (await connection.execute(sa.text("SELECT pg_backend_pid()"))).scalar_one()
    assert await _kill(postgres_target.url, "pid = :pid", pid=pid) == 1
    await asyncio.sleep(0.05)
    sent.clear()
    async with pg_database.unit_of_work(read_only=True) as uow:  # at once: no rest
        assert await uow.jobs.count() == 0
        other = (await uow.connection.execute(sa.text("SELECT pg_backend_pid()"))).scalar_one()
    await asyncio.sleep(0.05)
    assert other != pid
    assert sent == []  # the closed connection was not asked again: refused on checkout
