"""best_by_bounds: jobs taken by an upper bound of their score, scored exactly, and the
walk stops at the first bound that cannot enter the page."""

from __future__ import annotations

from collections.abc import Iterator

import msgspec

from ranking_support import TODAY, generated_jobs, store_jobs
from skael_adapters.memory import MemoryDatabase
from skael_core.matching import profile_features, score_job
from skael_core.model import Profile
from skael_core.ports import RankKey
from skael_core.usecases.jobs import best_by_bounds


async def test_the_walk_keeps_the_exact_best_and_stops_below_them() -> None:
    database = MemoryDatabase()
    await store_jobs(database.unit_of_work, generated_jobs(60))
    person = profile_features(
        Profile(user_name="p", desired_job_role="Nurse", skills=("patient care",))
    )
    async with database.unit_of_work(read_only=True) as uow:
        jobs = await uow.jobs.changed_since(0, 0, 100)
        exact = []
        for job in jobs:
            posted = job.date_posted.toordinal() if job.date_posted else 0
            exact.append((score_job(person, job, TODAY).score, posted, job.id))
        exact.sort(reverse=True)
        # bounds: the exact score plus 5 (never below it), in bound order
        bounds = sorted(((s + 5, p, i) for s, p, i in exact), reverse=True)
        taken: list[int] = []

        def order() -> Iterator[list[RankKey]]:
            for start in range(0, len(bounds), 4):
                chunk = bounds[start : start + 4]
                taken.append(len(chunk))
                yield chunk

        best = await best_by_bounds(uow, person, TODAY, order(), 5)
    assert list(best) == [key[2] for key in exact[:5]]
    assert sum(taken) < len(bounds)  # stopped before the end
    fifth = exact[4]
    # the last chunk taken held the first bound below the fifth best exact key
    assert any(key < fifth for key in bounds[sum(taken[:-1]) : sum(taken)])
    assert all(key >= fifth for key in bounds[: sum(taken[:-1]) - 4])


async def test_a_job_gone_since_the_bound_was_made_is_skipped() -> None:
    database = MemoryDatabase()
    await store_jobs(database.unit_of_work, generated_jobs(3))
    person = profile_features(Profile(user_name="p", skills=("python",)))
    async with database.unit_of_work(read_only=True) as uow:
        jobs = await uow.jobs.changed_since(0, 0, 10)
        keys = [(100, 0, 999_999)] + [(100, 0, j.id) for j in jobs]
        best = await best_by_bounds(uow, person, TODAY, iter([keys]), 2)
    assert 999_999 not in best and len(best) == 2
    assert msgspec.json.encode(list(best))
