"""Four writers on one SQLite file, each with its own engine: no "database is locked".

Every transaction begins IMMEDIATE (see ``skael_adapters.sql.engine``); a deferred one
fails as soon as two writers that both read first try to write.
"""

from __future__ import annotations

import asyncio

from adapters.sql.sql_support import SqlTarget, person, posting
from skael_adapters.sql import SqlDatabase, upgrade
from skael_core.model import Activity, JobFilter, SavedJob

WRITERS = 4
ROUNDS = 25
SHARED = 20


async def _writer(target: SqlTarget, w: int, user_id: int, shared: list[int]) -> None:
    db = SqlDatabase.from_url(target.url)
    try:
        for i in range(ROUNDS):
            async with db.unit_of_work() as uow:
                # read first, then write: the pattern a deferred BEGIN cannot survive
                await uow.jobs.list(JobFilter(country_code="FR"), 0, 5)
                fresh = [posting(10_000 * (w + 1) + i, source=f"writer{w}"), posting(i % SHARED)]
                report = await uow.jobs.upsert_many(fresh)
                await uow.activities.add(
                    Activity(
                        user_id=user_id,
                        job_id=report.ids[0],
                        action_type="JOBS_FETCHED",
                        created_at=posting(i).discovered_at,
                    )  # type: ignore[arg-type]
                )
                await uow.commit()
            job_id = shared[i % SHARED]
            async with db.unit_of_work() as uow:
                await uow.saved_jobs.add(
                    SavedJob(user_id=user_id, job_id=job_id, saved_at=posting(i).discovered_at)  # type: ignore[arg-type]
                )
                await uow.commit()
            if i % 2:
                async with db.unit_of_work() as uow:
                    assert await uow.saved_jobs.remove(user_id, job_id)
                    await uow.commit()
    finally:
        await db.dispose()


async def test_four_engines_write_one_sqlite_file_without_errors(sqlite_target: SqlTarget) -> None:
    await upgrade(sqlite_target.url)
    setup = SqlDatabase.from_url(sqlite_target.url)
    async with setup.unit_of_work() as uow:
        users = [await uow.users.add(person(w)) for w in range(WRITERS)]
        shared = list((await uow.jobs.upsert_many([posting(n) for n in range(SHARED)])).ids)
        await uow.commit()

    outcomes = await asyncio.gather(
        *(_writer(sqlite_target, w, users[w].id, shared) for w in range(WRITERS)),
        return_exceptions=True,
    )

    assert [o for o in outcomes if o is not None] == []
    kept = sorted(shared[i % SHARED] for i in range(0, ROUNDS, 2) if i < SHARED)
    async with setup.unit_of_work() as uow:
        assert await uow.jobs.count() == SHARED + WRITERS * ROUNDS
        for user in users:
            saved = await uow.saved_jobs.list(user.id, 0, 100)
            assert sorted(s.job_id for s in saved.items) == kept
            assert (await uow.activities.list(user.id, None, 0, 1)).total == ROUNDS
    await setup.dispose()
