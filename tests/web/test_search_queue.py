"""Two search workers on PostgreSQL and Redis (SAQ) run each due search exactly once
(issue 19, 3)."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

from saq import Queue

from skael_adapters.sql import SqlDatabase, upgrade
from skael_adapters.sql.testing import isolated_postgres_schema
from skael_adapters.system import FixedClock
from skael_core.usecases.discovery import SearchRequest
from skael_core.usecases.scheduling import CreditBudget
from skael_web.search_queue import enqueue_due, job_key, search_worker
from support import NOW, ListJobSource, make_core, make_job, register, server_url

SEARCHES = 16


async def test_two_workers_on_postgres_and_redis_run_each_due_search_once() -> None:
    redis_url = server_url("SKAEL_TEST_REDIS_URL")
    name = f"skael-test-{uuid.uuid4().hex[:8]}"
    async with isolated_postgres_schema(server_url("SKAEL_TEST_POSTGRES_URL")) as schema:
        await upgrade(schema.url, **schema.engine_options)
        databases = [SqlDatabase.from_url(schema.url, **schema.engine_options) for _ in range(2)]
        clock = FixedClock(NOW)
        budget = CreditBudget(daily=10_000, per_person=10_000, per_search=4)
        jobs = [make_job(n) for n in range(1, 31)]
        cores = [
            make_core(d.unit_of_work, clock=clock, source=ListJobSource(jobs), budget=budget)
            for d in databases
        ]
        workers = []
        try:
            people = [await register(cores[0], f"p{n}@example.com") for n in range(4)]
            for n in range(SEARCHES):
                request = SearchRequest(min_score=1)
                await cores[0].create_search.execute(people[n % 4].user_id, None, request)
            workers = [
                search_worker(core, redis_url, name=name, batch=5, concurrency=3, burst=True)
                for core in cores
            ]
            # both workers' crons fire at once: each claims what the other has not
            contexts = [
                {"core": core, "queue": w.queue, "batch": 5, "timeout": 600}
                for core, w in zip(cores, workers, strict=True)
            ]
            queued = await asyncio.gather(*(enqueue_due(c) for c in contexts))  # type: ignore[arg-type]
            assert sum(queued) == SEARCHES
            # queuing a claim again is refused by its key
            async with cores[0].ports.uow(read_only=True) as uow:
                first = (await uow.saved_searches.list(people[0].user_id, 0, 1)).items[0]
            again = await workers[0].queue.enqueue(
                "run_search",
                search_id=first.id,
                claimed_until=first.next_run_at.isoformat(),
                key=job_key(first.id, first.next_run_at),
            )
            assert again is None
            await asyncio.gather(*(w.start() for w in workers))
            ran = Counter[int]()
            for core in cores:
                for person in people:
                    page = await core.list_activity.execute(
                        person.user_id, None, "SEARCH_RAN", limit=100
                    )
                    ran.update(a.metadata["search_id"] for a in page.items)
                break  # one store: every worker's runs are there
            assert len(ran) == SEARCHES and set(ran.values()) == {1}
            queries = [len(core.ports.source.queries) for core in cores]  # type: ignore[attr-defined]
            assert sum(queries) == SEARCHES and all(queries)
        finally:
            for w in workers:
                await _close(w.queue)
            for d in databases:
                await d.dispose()


async def _close(queue: Queue) -> None:
    await queue.disconnect()
