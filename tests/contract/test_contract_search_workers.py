"""Two workers on one store run each due search exactly once (issue 19, 3): on memory,
SQLite and PostgreSQL, the claim is the store's."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable

from skael_adapters.system import FixedClock
from skael_core.errors import NotFound
from skael_core.ports import UnitOfWorkFactory
from skael_core.usecases.discovery import SearchRequest
from skael_core.usecases.scheduling import CreditBudget
from support import NOW, ListJobSource, make_core, make_job, register


async def test_two_workers_run_each_due_search_once(uow_factory: UnitOfWorkFactory) -> None:
    clock = FixedClock(NOW)
    jobs = [make_job(n, company=f"Company {n % 4}") for n in range(1, 41)]
    budget = CreditBudget(daily=10_000, per_person=10_000, per_search=5)
    workers = [
        make_core(uow_factory, clock=clock, source=ListJobSource(jobs), budget=budget)
        for _ in range(2)
    ]
    people = [await register(workers[0], f"p{n}@example.com", skills=["python"]) for n in range(4)]
    for n in range(24):
        request = SearchRequest(min_score=1, country_code="DE" if n % 2 else None)
        await workers[0].create_search.execute(people[n % 4].user_id, None, request)

    async def work(core: object) -> list[int]:
        ran: list[int] = []
        while runs := await core.run_due_searches.execute(3):  # type: ignore[attr-defined]
            ran.extend(r.search_id for r in runs if r.status == "ran")
            await asyncio.sleep(0)
        return ran

    first, second = await asyncio.gather(work(workers[0]), work(workers[1]))
    counted = Counter(first + second)
    assert len(counted) == 24 and set(counted.values()) == {1}
    assert first and second  # both took a share
    queried = sum(len(w.ports.source.queries) for w in workers)  # type: ignore[attr-defined]
    assert queried == 24
    for person in people:
        page = await workers[1].list_notifications.execute(person.user_id, None, limit=100)
        assert len({v.job.id for v in page.items}) == len(page.items) == page.total


async def test_a_search_deleted_at_once_is_deleted_once(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Of deletions at once one succeeds and is logged; the others find nothing. (On
    PostgreSQL each deletion read the search first, then every one succeeded.)"""
    core = make_core(uow_factory)
    ada = await register(core, "ada@example.com")

    async def attempt(call: Awaitable[object]) -> str:
        try:
            await call
        except NotFound:
            return "not found"
        return "done"

    for _ in range(3):
        search = await core.create_search.execute(ada.user_id, None, SearchRequest())
        deletions = [core.delete_search.execute(ada.user_id, search.id) for _ in range(5)]
        outcomes = await asyncio.gather(*(attempt(d) for d in deletions))
        assert sorted(outcomes) == ["done"] + ["not found"] * 4

    log = await core.list_activity.execute(ada.user_id, None, limit=100)
    assert Counter(a.action_type for a in log.items)["SEARCH_DELETED"] == 3
