"""Relevant jobs with a ranking cache: the same answers as without one, and never stale
about new postings or a changed profile."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from skael_adapters.caches import MemoryRankingCache
from skael_adapters.memory import MemoryDatabase
from skael_adapters.sql import SqlDatabase, migrate
from skael_core.model import JobFilter
from skael_core.ports import UnitOfWorkFactory
from skael_core.service import Skael
from skael_core.usecases.accounts import ProfileChanges
from skael_core.usecases.ingest import jobs_feed
from support import make_core, make_job, register

SKILL_SETS = [
    ("python", "django", "postgresql"),
    ("java", "spring", "kotlin"),
    ("react", "typescript", "python"),
    ("python", "aws", "docker"),
    ("excel", "sql"),
]


@pytest.fixture(params=["memory", "sqlite"])
async def uow_factory(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[UnitOfWorkFactory]:
    if request.param == "memory":
        yield MemoryDatabase().unit_of_work
        return
    url = f"sqlite+aiosqlite:///{tmp_path / 'rank.db'}"
    await migrate.ensure_schema(url)
    database = SqlDatabase.from_url(url)
    try:
        yield database.unit_of_work
    finally:
        await database.dispose()


def _jobs(first: int, count: int) -> list:
    return [
        make_job(
            n,
            slugs=SKILL_SETS[n % len(SKILL_SETS)],
            job_title=["Python Developer", "Java Engineer", "Data Analyst"][n % 3],
            days_old=n % 17,
            country_code=["DE", "FR", "IN"][n % 3],
        )
        for n in range(first, first + count)
    ]


def _summary(ranked: list) -> list[tuple[int, int, str]]:
    return [(r.job.id, r.match.score, r.match.explanation) for r in ranked]


async def _cores(uow: UnitOfWorkFactory) -> tuple[Skael, Skael, MemoryRankingCache]:
    cache = MemoryRankingCache()
    return make_core(uow, rankings=cache), make_core(uow), cache


async def test_cached_pages_equal_fresh_rankings(uow_factory: UnitOfWorkFactory) -> None:
    cached_core, plain_core, cache = await _cores(uow_factory)
    await plain_core.ingest_postings.execute(jobs_feed([_jobs(1, 120)]))
    session = await register(cached_core, skills=["Python", "Django", "AWS"])
    filters = JobFilter()
    pages = [(0, 20), (20, 20), (5, 7), (100, 50)]
    for skip, limit in pages:
        fresh = await plain_core.rank_jobs.execute(
            session.user_id, None, filters, skip=skip, limit=limit
        )
        first = await cached_core.rank_jobs.execute(
            session.user_id, None, filters, skip=skip, limit=limit
        )
        again = await cached_core.rank_jobs.execute(
            session.user_id, None, filters, skip=skip, limit=limit
        )
        assert _summary(first) == _summary(fresh) == _summary(again)
        assert all(a.job == b.job for a, b in zip(again, fresh, strict=True))
    assert len(cache) == 1  # one ranking served every page


async def test_a_new_posting_is_ranked_at_once(uow_factory: UnitOfWorkFactory) -> None:
    cached_core, plain_core, _ = await _cores(uow_factory)
    await plain_core.ingest_postings.execute(jobs_feed([_jobs(1, 60)]))
    session = await register(cached_core, skills=["Rust", "Tokio"])
    before = await cached_core.rank_jobs.execute(session.user_id, None, JobFilter(), limit=5)
    # stored through another core (another process, say): the cache hears nothing of it
    perfect = make_job(
        999, slugs=("rust", "tokio"), job_title="Rust Engineer", days_old=0, country_code="DE"
    )
    await plain_core.ingest_postings.execute(jobs_feed([[perfect]]))
    after = await cached_core.rank_jobs.execute(session.user_id, None, JobFilter(), limit=5)
    assert after[0].job.source_id == 999
    assert _summary(after)[1:] == _summary(before)[:4]


async def test_a_changed_profile_or_filter_ranks_anew(uow_factory: UnitOfWorkFactory) -> None:
    cached_core, plain_core, cache = await _cores(uow_factory)
    await plain_core.ingest_postings.execute(jobs_feed([_jobs(1, 90)]))
    session = await register(cached_core, skills=["Java", "Spring"])
    as_java = await cached_core.rank_jobs.execute(session.user_id, None, JobFilter(), limit=10)
    await cached_core.update_profile.execute(
        session.user_id, None, ProfileChanges(skills=["Excel", "SQL"])
    )
    as_analyst = await cached_core.rank_jobs.execute(session.user_id, None, JobFilter(), limit=10)
    fresh = await plain_core.rank_jobs.execute(session.user_id, None, JobFilter(), limit=10)
    assert _summary(as_analyst) == _summary(fresh) != _summary(as_java)
    in_france = JobFilter(country_code="FR")
    filtered = await cached_core.rank_jobs.execute(session.user_id, None, in_france, limit=10)
    assert {r.job.country_code for r in filtered} == {"FR"}
    assert len(cache) == 3


async def test_storing_jobs_here_forgets_every_ranking(uow_factory: UnitOfWorkFactory) -> None:
    cache = MemoryRankingCache()
    core = make_core(uow_factory, rankings=cache)
    await core.ingest_postings.execute(jobs_feed([_jobs(1, 30)]))
    session = await register(core, skills=["Python"])
    await core.rank_jobs.execute(session.user_id, None, JobFilter())
    assert len(cache) == 1
    changed = make_job(1, slugs=SKILL_SETS[1], job_title="Renamed", days_old=1)
    await core.ingest_postings.execute(jobs_feed([[changed]]))  # an update in place: same newest id
    assert len(cache) == 0


async def test_the_cache_keeps_the_most_recent_and_drops_old_entries() -> None:
    now = [0.0]
    clock: Callable[[], float] = lambda: now[0]  # noqa: E731
    cache = MemoryRankingCache(size=2, ttl=10.0, now=clock)
    await cache.put(b"a", [1, 2])
    await cache.put(b"b", [3])
    assert await cache.get(b"a") == [1, 2]  # "a" is now the most recent
    await cache.put(b"c", [4])
    assert await cache.get(b"b") is None
    assert await cache.get(b"a") == [1, 2]
    now[0] = 10.5
    assert await cache.get(b"a") is None
    assert await cache.get(b"c") is None
    assert len(cache) == 0
