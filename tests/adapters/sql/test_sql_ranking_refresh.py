"""The ranking index catches up with PostgreSQL writers that commit out of order: a
job written by a transaction that began first and committed last is ranked as soon as
it commits (``jobs.revision`` holds the writer's transaction id; the index reads from
the oldest transaction running when it last looked)."""

from __future__ import annotations

import msgspec
import pytest

from adapters.sql.sql_support import SqlTarget
from ranking_support import NOW, TODAY, generated_jobs, generated_profiles, store_jobs, store_users
from skael_adapters.ranking_index import NumpyRankingIndex
from skael_adapters.sql import SqlDatabase, upgrade
from skael_adapters.system import FixedClock
from skael_core.matching import prepared, profile_features, score_job
from skael_core.model import Job, JobFilter
from skael_core.usecases.jobs import RankJobsForUser

pytestmark = pytest.mark.postgres


async def _every_job(db: SqlDatabase) -> list[Job]:
    async with db.unit_of_work(read_only=True) as uow:
        return await uow.jobs.changed_since(0, 0, 10_000)


async def test_writers_committing_out_of_order_are_both_ranked(
    postgres_target: SqlTarget,
) -> None:
    await upgrade(postgres_target.url, **postgres_target.engine_options)
    db = SqlDatabase.from_url(postgres_target.url, **postgres_target.engine_options)
    try:
        await store_jobs(db.unit_of_work, generated_jobs(300))
        profile = generated_profiles(1)[0]
        [user] = await store_users(db.unit_of_work, [profile])
        index = NumpyRankingIndex(db.unit_of_work)
        await index.load()
        rank = RankJobsForUser(db.unit_of_work, FixedClock(NOW), max_candidates=1, index=index)
        person = profile_features(profile)
        jobs = await _every_job(db)
        best = max(jobs, key=lambda j: score_job(person, j, TODAY).score)
        async with db.unit_of_work(read_only=True) as uow:
            [whole] = await uow.jobs.get_many([best.id])
        fit = msgspec.structs.replace(whole, id=0, date_posted=TODAY, job_expired=False)
        first = prepared(msgspec.structs.replace(fit, source_id=10**12 + 1))
        second = prepared(msgspec.structs.replace(fit, source_id=10**12 + 2))

        async def top(limit: int = 3) -> list[int]:
            found = await rank.execute(user, user, JobFilter(), limit=limit)
            return [r.job.id for r in found]

        async with db.unit_of_work() as early:  # begins first, commits last
            async with early.jobs.bulk_load() as load:
                await load.add([first])
            async with db.unit_of_work() as late:
                async with late.jobs.bulk_load() as load:
                    await load.add([second])
                await late.commit()
            ranked = await top()
            second_id = max(j.id for j in await _every_job(db))
            assert second_id in ranked
            await early.commit()
        ranked = await top()
        every = await _every_job(db)
        first_id = next(j.id for j in every if j.source_id == first.job.source_id)
        assert {first_id, second_id} <= set(ranked)
        scored = sorted(
            (
                (
                    score_job(person, j, TODAY).score,
                    j.date_posted.toordinal() if j.date_posted else 0,
                    j.id,
                )
                for j in every
            ),
            reverse=True,
        )
        assert await top(20) == [key[2] for key in scored[:20]]
    finally:
        await db.dispose()
