"""Saved searches over a Redis job queue (SAQ), for several worker processes.

Every worker process runs a SAQ worker on one queue. Each minute (a SAQ cron job, on
whichever worker takes it) the due searches are claimed in the database
(``RunDueSearches.claim``: each moved to the end of its lease) and one job per claimed
search is put on the queue, keyed by the search and its claim
(``search:<id>:<claimed until>``): SAQ keeps one job per key while it is queued or
running, so a claim is never queued twice, and a queued job is taken by one worker
alone. The job runs the search if its claim still holds (``run_claimed``); a worker that
dies leaves the claim to run out and the search due again.

The same cron job tries again the webhook deliveries that are due (each claimed in the
database as well). The database claim alone already keeps two workers from running one
search; the queue spreads the runs over every worker's concurrency and survives a
worker's restart (see ``docs/decisions.md``).
"""

from __future__ import annotations

import logging
from datetime import datetime

from saq import CronJob, Queue, Worker
from saq.types import Context

from skael_core.service import Skael

from .worker import deliver_due, describe

log = logging.getLogger("skael.worker")

QUEUE_NAME = "skael-searches"


class SearchContext(Context, total=False):
    """What the jobs read: the core, the queue, the claim batch and a job's timeout."""

    core: Skael
    batch: int
    timeout: int


def job_key(search_id: int, claimed_until: datetime) -> str:
    return f"search:{search_id}:{claimed_until.isoformat()}"


async def enqueue_due(ctx: SearchContext) -> int:
    """Claim the due searches and queue one job each; how many were queued."""
    core: Skael = ctx["core"]
    queue = ctx["queue"]
    queued = 0
    while claimed := await core.run_due_searches.claim(ctx["batch"]):
        for search in claimed:
            job = await queue.enqueue(
                "run_search",
                search_id=search.id,
                claimed_until=search.next_run_at.isoformat(),
                key=job_key(search.id, search.next_run_at),
                timeout=ctx["timeout"],
            )
            queued += job is not None
        if len(claimed) < ctx["batch"]:
            break
    await deliver_due(core, ctx["batch"])  # the outbox's claims are the database's too
    return queued


async def run_search(ctx: SearchContext, *, search_id: int, claimed_until: str) -> str:
    """Run one claimed search; its outcome in words (``stale`` when its claim is gone)."""
    core: Skael = ctx["core"]
    run = await core.run_due_searches.run_claimed(search_id, datetime.fromisoformat(claimed_until))
    if run is None:
        return "stale"
    line = describe(run)
    log.log(logging.WARNING if run.status == "failed" else logging.INFO, "%s", line)
    return run.status


def search_worker(
    core: Skael,
    redis_url: str,
    *,
    name: str = QUEUE_NAME,
    batch: int = 100,
    lease_seconds: int = 600,
    concurrency: int = 4,
    burst: bool = False,
) -> Worker[SearchContext]:
    """A SAQ worker running saved searches from the queue ``name`` on ``redis_url``,
    claiming due searches every minute (``burst``: stop once the queue is empty)."""
    queue = Queue.from_url(redis_url, name=name)

    async def startup(ctx: SearchContext) -> None:
        ctx["core"], ctx["queue"] = core, queue
        ctx["batch"], ctx["timeout"] = batch, lease_seconds

    return Worker(
        queue,
        functions=[run_search],
        cron_jobs=[CronJob(enqueue_due, cron="* * * * *", unique=True)],
        concurrency=concurrency,
        startup=startup,
        burst=burst,
        dequeue_timeout=1.0 if burst else 0.0,
    )
