"""The ranking index's bound: never below the scorer's score, keys highest first; and
the 100,000-job equivalence with scoring every job (memory store)."""

from __future__ import annotations

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
from skael_adapters.memory import MemoryDatabase
from skael_adapters.ranking_index import NumpyRankingIndex, applies
from skael_adapters.system import FixedClock
from skael_core.matching import profile_features, score_job
from skael_core.model import Job, JobFilter
from skael_core.usecases.jobs import RankJobsForUser


def _kinds(jobs: list[Job]) -> dict[str, int]:
    f = [j.features for j in jobs]
    return {
        "duties only": sum(1 for x in f if x.duty_words and not x.skills),
        "duties": sum(1 for x in f if x.duty_words),
        "expired": sum(1 for j in jobs if j.job_expired),
        "undated": sum(1 for j in jobs if j.date_posted is None),
        "no title words": sum(1 for x in f if not x.title_tokens),
        "no pay": sum(1 for x in f if x.min_pay_usd is None and x.max_pay_usd is None),
        "other currency": sum(1 for j in jobs if j.currency not in (None, "USD")),
        "no place": sum(1 for j in jobs if not (j.location or j.country or j.country_code)),
    }


async def test_the_bound_is_never_below_the_score_and_comes_highest_first() -> None:
    database = MemoryDatabase()
    await store_jobs(database.unit_of_work, generated_jobs(4000, seed=3))
    index = NumpyRankingIndex(database.unit_of_work)
    await index.load()
    async with database.unit_of_work(read_only=True) as uow:
        jobs = {j.id: j for j in await uow.jobs.changed_since(0, 0, 10_000)}
    assert all(count >= 20 for count in _kinds(list(jobs.values())).values())
    exact_bounds = 0
    for profile in generated_profiles(40, seed=8):
        person = profile_features(profile)
        keys = [key for chunk in index.ordered(person, JobFilter(), TODAY) for key in chunk]
        assert keys == sorted(keys, reverse=True)
        assert sorted(key[2] for key in keys) == sorted(jobs)
        for bound, posted, job_id in keys:
            job = jobs[job_id]
            score = score_job(person, job, TODAY).score
            assert bound >= score, (profile, job)
            assert posted == (job.date_posted.toordinal() if job.date_posted else 0)
            exact_bounds += bound == score
    assert exact_bounds > 0.95 * 40 * len(jobs)  # tight: few jobs are scored in vain


def test_filters_the_index_cannot_apply_send_the_core_elsewhere() -> None:
    assert applies(JobFilter(technology=("python",), remote=True, min_salary=1.0))
    assert applies(JobFilter(exclude_ids=(1,), exclude_companies=("acme",)))
    for other in (
        JobFilter(q="python"),
        JobFilter(seniority="senior"),
        JobFilter(company="acme"),
        JobFilter(job_title="engineer"),
        JobFilter(experience=3),
        JobFilter(posted_since=TODAY),
    ):
        assert not applies(other)


async def test_an_index_not_loaded_answers_none() -> None:
    database = MemoryDatabase()
    index = NumpyRankingIndex(database.unit_of_work)
    async with database.unit_of_work(read_only=True) as uow:
        person = profile_features(generated_profiles(1)[0])
        assert await index.order(uow, person, JobFilter(), TODAY) is None


async def test_an_index_past_its_size_stays_unused() -> None:
    database = MemoryDatabase()
    await store_jobs(database.unit_of_work, generated_jobs(50))
    index = NumpyRankingIndex(database.unit_of_work, max_jobs=10)
    await index.load()
    assert not index.ready and index.too_large


async def test_many_changes_load_the_index_afresh() -> None:
    database = MemoryDatabase()
    jobs = generated_jobs(300)
    await store_jobs(database.unit_of_work, jobs[:100])
    index = NumpyRankingIndex(database.unit_of_work, max_changed=50)
    await index.load()
    await store_jobs(database.unit_of_work, jobs[100:])
    async with database.unit_of_work(read_only=True) as uow:
        await index.catch_up(uow)
    await index.stop()  # the fresh load, started in the background, is awaited or dropped
    await index.load()
    assert index.ready


@pytest.mark.slow
async def test_100_000_jobs_50_profiles_the_first_page_is_that_of_scoring_every_job() -> None:
    database = MemoryDatabase()
    await store_jobs(database.unit_of_work, generated_jobs(100_000, seed=23))
    profiles = generated_profiles(50, seed=29)
    users = await store_users(database.unit_of_work, profiles)
    index = NumpyRankingIndex(database.unit_of_work)
    await index.load()
    rank = RankJobsForUser(database.unit_of_work, FixedClock(NOW), max_candidates=1, index=index)
    async with database.unit_of_work(read_only=True) as uow:
        jobs = await uow.jobs.changed_since(0, 0, 200_000)
    posted = [j.date_posted.toordinal() if j.date_posted else 0 for j in jobs]
    for user, profile in zip(users, profiles, strict=True):
        person = profile_features(profile)
        scored = [
            (score_job(person, job, TODAY).score, day, job.id)
            for job, day in zip(jobs, posted, strict=True)
        ]
        scored.sort(reverse=True)
        found = await rank.execute(user, user, JobFilter(), limit=20)
        assert [r.job.id for r in found] == [key[2] for key in scored[:20]], profile


def test_profile_features_keep_their_seniority_parts_per_person() -> None:
    person = profile_features(generated_profiles(1)[0])
    job = msgspec.structs.replace(generated_jobs(1)[0].job, id=1)
    first = score_job(person, job, TODAY)
    assert len(person.seniority_memo) == 1
    assert score_job(person, job, TODAY) == first
