"""relevant_jobs through the ranking index gives the page scoring every job gives.

On every store: 10,000 generated jobs (every kind of posting the scorer meets, see
``tests/ranking_support.py``) and 50 generated profiles, the first and second page;
each relevant_jobs filter; jobs stored or refreshed in place after the index loaded.
The use case runs with ``max_candidates=1``, so only the index path can pass.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
import pytest

from ranking_support import (
    NOW,
    TODAY,
    generated_jobs,
    generated_profiles,
    store_jobs,
    store_users,
)
from skael_adapters.ranking_index import NumpyRankingIndex
from skael_adapters.system import FixedClock
from skael_core.matching import prepared, profile_features, score_job
from skael_core.model import Job, JobFilter, Profile, company_key
from skael_core.ports import UnitOfWorkFactory
from skael_core.usecases.jobs import RankJobsForUser

pytestmark = pytest.mark.slow

JOBS = generated_jobs(10_000)
PROFILES = generated_profiles(50)


async def every_job(uow_factory: UnitOfWorkFactory) -> list[Job]:
    found: list[Job] = []
    async with uow_factory(read_only=True) as uow:
        while page := await uow.jobs.changed_since(0, found[-1].id if found else 0, 5000):
            found += page
    return found


def best_of_all(
    jobs: Sequence[Job], profile: Profile, keep: Sequence[Job] | None = None
) -> list[int]:
    """Every job scored, best first (score, then newest, then id): the ids."""
    person = profile_features(profile)
    allowed = None if keep is None else {j.id for j in keep}
    scored = []
    for job in jobs:
        if allowed is None or job.id in allowed:
            posted = job.date_posted.toordinal() if job.date_posted else 0
            scored.append((score_job(person, job, TODAY).score, posted, job.id))
    scored.sort(reverse=True)
    return [key[2] for key in scored]


async def ranker(uow_factory: UnitOfWorkFactory) -> tuple[RankJobsForUser, NumpyRankingIndex]:
    index = NumpyRankingIndex(uow_factory)
    await index.load()
    assert index.ready
    rank = RankJobsForUser(uow_factory, FixedClock(NOW), max_candidates=1, index=index)
    return rank, index


async def page(
    rank: RankJobsForUser, user: int, filters: JobFilter, skip: int = 0, limit: int = 20
) -> list[int]:
    found = await rank.execute(user, user, filters, skip=skip, limit=limit)
    return [r.job.id for r in found]


async def test_the_first_pages_are_those_of_scoring_every_job(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await store_jobs(uow_factory, JOBS)
    users = await store_users(uow_factory, PROFILES)
    rank, _ = await ranker(uow_factory)
    jobs = await every_job(uow_factory)
    assert len(jobs) == len(JOBS)
    for user, profile in zip(users, PROFILES, strict=True):
        best = best_of_all(jobs, profile)
        assert await page(rank, user, JobFilter()) == best[:20], profile.user_name
        assert await page(rank, user, JobFilter(), skip=20) == best[20:40], profile.user_name


FILTERS = [
    JobFilter(technology=("python",)),
    JobFilter(technology=("excel", "sap", "no-such-technology")),
    JobFilter(location=("berlin",)),
    JobFilter(location=("united", "india")),
    JobFilter(remote=True),
    JobFilter(remote=False),
    JobFilter(country_code="DE"),
    JobFilter(country_code="ZZ"),
    JobFilter(min_salary=80_000),
    JobFilter(remote=True, technology=("python",), min_salary=50_000),
]


async def test_each_relevant_jobs_filter_keeps_the_page_exact(
    uow_factory: UnitOfWorkFactory,
) -> None:
    some = JOBS[:3000]
    await store_jobs(uow_factory, some)
    profiles = PROFILES[:12]
    users = await store_users(uow_factory, profiles)
    rank, _ = await ranker(uow_factory)
    jobs = await every_job(uow_factory)
    for filters in FILTERS:
        async with uow_factory(read_only=True) as uow:
            kept = (await uow.jobs.list(filters, 0, len(some))).items
        for user, profile in zip(users, profiles, strict=True):
            best = best_of_all(jobs, profile, kept)
            assert await page(rank, user, filters) == best[:20], (filters, profile.user_name)


async def test_dismissed_jobs_and_blocked_companies_stay_out(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await store_jobs(uow_factory, JOBS[:2000])
    [user] = await store_users(uow_factory, PROFILES[:1])
    rank, _ = await ranker(uow_factory)
    jobs = await every_job(uow_factory)
    best = best_of_all(jobs, PROFILES[0])
    by_id = {j.id: j for j in jobs}
    blocked = company_key(next(by_id[i].company for i in best if by_id[i].company))
    filters = JobFilter(exclude_ids=tuple(best[:5]), exclude_companies=(blocked,))
    kept = [j for j in jobs if j.id not in best[:5] and company_key(j.company) != blocked] + [
        j for j in jobs if j.company is None and j.id not in best[:5]
    ]
    assert await page(rank, user, filters) == best_of_all(jobs, PROFILES[0], kept)[:20]


async def test_a_job_stored_or_refreshed_after_loading_ranks_at_once(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await store_jobs(uow_factory, JOBS[:500])
    profile = PROFILES[0]
    [user] = await store_users(uow_factory, [profile])
    rank, _ = await ranker(uow_factory)
    jobs = await every_job(uow_factory)
    best = best_of_all(jobs, profile)
    assert await page(rank, user, JobFilter()) == best[:20]
    by_id = {j.id: j for j in jobs}
    # the worst job becomes the best one posted today, in place; a new copy joins it
    top, worst = by_id[best[0]], by_id[best[-1]]
    async with uow_factory(read_only=True) as uow:
        [whole] = await uow.jobs.get_many([top.id])
    today = msgspec.structs.replace(whole, id=0, date_posted=TODAY, job_expired=False)
    refreshed = msgspec.structs.replace(today, source=worst.source, source_id=worst.source_id)
    new = msgspec.structs.replace(today, source_id=worst.source_id + 10**9)
    await store_jobs(uow_factory, [prepared(refreshed), prepared(new)])
    jobs = await every_job(uow_factory)
    best = best_of_all(jobs, profile)
    assert worst.id in best[:3]
    assert max(j.id for j in jobs) in best[:3]
    assert await page(rank, user, JobFilter()) == best[:20]
