"""A fetch answers with the stored postings that match (issue 16, 13), on every store."""

from __future__ import annotations

from skael_adapters.sample import SampleJobSource
from skael_adapters.system import FixedClock
from skael_core.model import FetchQuery
from skael_core.ports import UnitOfWorkFactory
from skael_core.usecases.ingest import jobs_feed
from skael_core.usecases.jobs import FetchRequest
from support import NOW, make_core, register


async def test_a_fetch_lists_the_stored_postings_that_match(uow_factory: UnitOfWorkFactory) -> None:
    clock = FixedClock(NOW)
    source = SampleJobSource(clock=clock)
    core = make_core(uow_factory, clock=clock, source=source)
    await core.ingest_postings.execute(jobs_feed([source.all_jobs()]))
    session = await register(core, skills="python")
    outcome = await core.fetch_jobs.execute(session.user_id, None, FetchRequest(limit=10))
    assert (outcome.fetched, outcome.new, outcome.already_stored) == (10, 0, 10)
    query = FetchQuery(skills=("python",), limit=100)
    matching = {job.source_id for job in (await source.fetch(query, [])).jobs}
    assert len(matching) > 10
    assert {job.source_id for job in outcome.jobs} <= matching
    assert outcome.summary() == "found 10 postings: 0 new, 10 already stored"


async def test_new_postings_come_first_then_the_stored_ones(
    uow_factory: UnitOfWorkFactory,
) -> None:
    clock = FixedClock(NOW)
    source = SampleJobSource(clock=clock)
    core = make_core(uow_factory, clock=clock, source=source)
    query = FetchQuery(skills=("python",), limit=100)
    every = [job.source_id for job in (await source.fetch(query, [])).jobs]
    assert 2 < len(every) < 100
    first = await core.collect_jobs.execute(FetchQuery(skills=("python",), limit=2))
    assert (first.fetched, first.new, first.already_stored) == (2, 2, 0)
    second = await core.collect_jobs.execute(query)
    n = len(every)
    assert (second.fetched, second.new, second.already_stored) == (n, n - 2, 2)
    assert [job.source_id for job in second.jobs[: n - 2]] == every[2:]
    assert {job.source_id for job in second.jobs[n - 2 :]} == set(every[:2])
