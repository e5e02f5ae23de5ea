"""SQLite: read-only units of work run beside a writer instead of queueing for its lock."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from skael_adapters.sql import SqlDatabase, migrate
from skael_core.model import JobFilter
from support import make_job


async def test_readers_do_not_wait_for_a_writer_holding_the_lock(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'skael.db'}"
    await migrate.ensure_schema(url)
    database = SqlDatabase.from_url(url, busy_timeout_ms=3000)
    try:
        async with database.unit_of_work() as uow:
            await uow.jobs.upsert_many([make_job(1), make_job(2)])
            await uow.commit()
        writer_started = asyncio.Event()
        release = asyncio.Event()

        async def slow_writer() -> None:
            async with database.unit_of_work() as uow:
                await uow.jobs.upsert_many([make_job(3)])  # takes the write lock
                writer_started.set()
                await release.wait()
                await uow.commit()

        async def reader() -> int:
            async with database.unit_of_work(read_only=True) as uow:
                page = await uow.jobs.list(JobFilter(), 0, 10)
            assert page.total is not None
            return page.total

        writing = asyncio.create_task(slow_writer())
        await writer_started.wait()
        started = time.perf_counter()
        totals = await asyncio.gather(*(reader() for _ in range(8)))
        waited = time.perf_counter() - started
        release.set()
        await writing
        assert totals == [2] * 8, "readers see the committed state, not the open write"
        assert waited < 1.5, f"readers queued behind the writer for {waited:.1f} s"
        async with database.unit_of_work(read_only=True) as uow:
            assert (await uow.jobs.list(JobFilter(), 0, 10)).total == 3
    finally:
        await database.dispose()
