"""Two ingestions of the same new postings at once, on every store: both succeed, each
posting is one job, and its technologies are stored once (on PostgreSQL the second
upsert waits for the first and refreshes the jobs it wrote)."""

from __future__ import annotations

import asyncio

from skael_adapters.system import FixedClock
from skael_core.model import JobFilter
from skael_core.ports import UnitOfWorkFactory
from skael_core.usecases.ingest import jobs_feed
from support import NOW, make_core, make_job


async def test_two_loads_of_the_same_new_postings_store_each_once(
    uow_factory: UnitOfWorkFactory,
) -> None:
    clock = FixedClock(NOW)
    cores = [make_core(uow_factory, clock=clock) for _ in range(2)]
    postings = [
        make_job(n, company=f"Company {n}", slugs=("python", "postgresql"))
        for n in range(1, 61)
    ]

    async def load(core: object, chunks: list[list[object]]) -> tuple[int, ...]:
        report = await core.ingest_postings.execute(jobs_feed(chunks))  # type: ignore[attr-defined]
        return tuple(report.ids)

    halves = [postings[:30], postings[30:]]
    first, second = await asyncio.gather(
        load(cores[0], halves), load(cores[1], list(reversed(halves)))
    )
    assert sorted(first) == sorted(second)  # the same 60 jobs, whoever stored them
    page = await cores[0].list_jobs.execute(JobFilter(), 0, 100)
    assert page.total == 60
    with_python = await cores[0].list_jobs.execute(JobFilter(technology="python"), 0, 100)
    assert with_python.total == 60
