"""The search worker: runs the saved searches that are due, now and then.

``skael worker`` runs it in a process of its own (``--once`` for cron and tests);
with ``SKAEL_WORKER_IN_SERVE=true`` the API server runs it beside the app (one process,
the embedded SQLite default). Several workers on one database share the due searches
out: each claim is the database's (see ``SavedSearchRepository.claim_due``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from skael_core.service import Skael
from skael_core.usecases.jobs import plural
from skael_core.usecases.scheduling import SearchRun, WebhookAttempt

log = logging.getLogger("skael.worker")


def describe(run: SearchRun) -> str:
    """One line on one run, for people reading the worker's output."""
    head = f"search {run.search_id} of user {run.user_id}"
    if run.status == "ran":
        hook = f"; webhook: {run.webhook}" if run.webhook else ""
        return (
            f"{head}: fetched {plural(run.fetched, 'posting')}, "
            f"{_count(len(run.notified), 'new match', 'new matches')}, "
            f"{plural(run.credits_used, 'credit')} used{hook}"
        )
    if run.status == "failed":
        return f"{head}: failed ({run.error}); tried again at {run.next_run_at:%Y-%m-%d %H:%M}Z"
    if run.status == "waiting":
        return f"{head}: no credits left today; waits until {run.next_run_at:%Y-%m-%d %H:%M}Z"
    return f"{head}: deleted during its run"


async def run_due(core: Skael, batch: int, report: Callable[[SearchRun], None]) -> list[SearchRun]:
    """Run every search due now, ``batch`` claims at a time, until none is left; then
    try again the webhook deliveries that are due (:func:`deliver_due`)."""
    every: list[SearchRun] = []
    while True:
        runs = await core.run_due_searches.execute(batch)
        for run in runs:
            report(run)
        every.extend(runs)
        if len(runs) < batch:
            break
    await deliver_due(core, batch)
    return every


async def deliver_due(core: Skael, batch: int) -> list[WebhookAttempt]:
    """Try again every webhook delivery of the outbox that is due, ``batch`` at a time."""
    every: list[WebhookAttempt] = []
    while True:
        attempts = await core.run_due_searches.deliver_due(batch)
        every.extend(attempts)
        if len(attempts) < batch:
            break
    if every:
        failed = sum(1 for a in every if a.error is not None)
        log.info(
            "webhook deliveries tried again: %d delivered, %d failed", len(every) - failed, failed
        )
    return every


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def summary(runs: list[SearchRun]) -> str:
    ran = sum(1 for r in runs if r.status == "ran")
    failed = sum(1 for r in runs if r.status == "failed")
    waiting = sum(1 for r in runs if r.status == "waiting")
    credits = sum(r.credits_used for r in runs)
    notified = sum(len(r.notified) for r in runs)
    return (
        f"{_count(len(runs), 'search', 'searches')} due: {ran} ran, {failed} failed, "
        f"{waiting} waiting for credits; {plural(credits, 'credit')} used, "
        f"{_count(notified, 'new match', 'new matches')}"
    )


def _log(run: SearchRun) -> None:
    level = logging.WARNING if run.status == "failed" else logging.INFO
    log.log(level, "%s", describe(run))


async def run_forever(core: Skael, batch: int, interval: float) -> None:
    """Run due searches every ``interval`` seconds until cancelled; an error of one
    round is logged and the next round runs all the same."""
    while True:
        try:
            runs = await run_due(core, batch, _log)
            if runs:
                log.info("%s", summary(runs))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("a round of saved searches failed; trying again later")
        await asyncio.sleep(interval)


class BackgroundWorker:
    """The worker as a task of a running event loop (the API server's)."""

    def __init__(self, core: Skael, batch: int, interval: float) -> None:
        self._core, self._batch, self._interval = core, batch, interval
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(
            run_forever(self._core, self._batch, self._interval)
        )

    async def stop(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
