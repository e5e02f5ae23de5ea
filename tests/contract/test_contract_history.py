"""Status history under concurrency: every acknowledged change is one history entry and
one activity naming the status it moved from, on memory, SQLite and PostgreSQL.

Before history became rows appended under a lock, twelve concurrent changes of one
application on PostgreSQL all succeeded and logged twelve activities, and the stored
history kept two entries.
"""

from __future__ import annotations

import asyncio
import itertools

from contract.contract_builders import application, at, stored_jobs, stored_user
from contract.contract_builders import job as posting
from skael_core.model import Activity, ApplicationStatus, StatusChange
from skael_core.ports import UnitOfWorkFactory
from skael_core.service import Skael
from support import make_core

CONCURRENT = 12
STATUSES = list(ApplicationStatus)


async def _activities(core: Skael, user_id: int) -> list[Activity]:
    page = await core.list_activity.execute(user_id, None, "APPLICATION_STATUS_UPDATED", 0, 100)
    return sorted(page.items, key=lambda a: a.id)


def _agree(history: tuple[StatusChange, ...], log: list[Activity]) -> None:
    """History and activities tell the same changes, in the same order, each activity
    naming the entry before its own as the previous status."""
    assert [h.status.value for h in history] == [a.metadata["status"] for a in log]
    previous = [None, *(h.status.value for h in history[:-1])]
    assert [a.metadata["previous_status"] for a in log] == previous


async def test_concurrent_status_changes_keep_every_entry(uow_factory: UnitOfWorkFactory) -> None:
    core = make_core(uow_factory)
    me = (await stored_user(uow_factory)).id
    (job_id,) = await stored_jobs(uow_factory, posting(1))
    statuses = list(itertools.islice(itertools.cycle(STATUSES), CONCURRENT))
    changes = [core.change_application_status.execute(me, None, job_id, s) for s in statuses]
    done = await asyncio.gather(*changes)
    assert len(done) == CONCURRENT
    async with uow_factory(read_only=True) as uow:
        stored = await uow.applications.get(me, job_id)
    assert stored is not None
    log = await _activities(core, me)
    assert (len(stored.history), len(log)) == (CONCURRENT, CONCURRENT)
    _agree(stored.history, log)
    assert stored.status == stored.history[-1].status


async def test_concurrent_changes_of_a_stored_application_keep_every_entry(
    uow_factory: UnitOfWorkFactory,
) -> None:
    core = make_core(uow_factory)
    me = (await stored_user(uow_factory)).id
    (job_id,) = await stored_jobs(uow_factory, posting(1))
    await core.change_application_status.execute(me, None, job_id, ApplicationStatus.SAVED)
    for batch in range(3):
        status = STATUSES[batch]
        await asyncio.gather(
            *(core.change_application_status.execute(me, None, job_id, status) for _ in range(8))
        )
    async with uow_factory(read_only=True) as uow:
        stored = await uow.applications.get(me, job_id)
    assert stored is not None
    log = await _activities(core, me)
    assert len(stored.history) == len(log) == 1 + 3 * 8
    _agree(stored.history, log)


async def test_history_is_appended_and_read_back_in_order(uow_factory: UnitOfWorkFactory) -> None:
    me = (await stored_user(uow_factory)).id
    jobs = await stored_jobs(uow_factory, posting(1), posting(2))
    first = application(me, jobs[0], 1, ApplicationStatus.INTERESTED)
    async with uow_factory() as uow:
        stored = await uow.applications.save(first)
        await uow.commit()
    entries = [StatusChange(status=s, at=at(n)) for n, s in enumerate(STATUSES, start=2)]
    grown = first
    for entry in entries:
        grown = application(
            me, jobs[0], 9, entry.status, history=(*grown.history, entry), id=stored.id
        )
        async with uow_factory() as uow:
            locked = await uow.applications.lock(me, jobs[0])
            assert locked is not None and len(locked.history) == len(grown.history) - 1
            await uow.applications.save(grown)
            await uow.commit()
    async with uow_factory() as uow:
        assert await uow.applications.lock(me, jobs[1]) is None
    async with uow_factory(read_only=True) as uow:
        read = await uow.applications.get(me, jobs[0])
        listed = await uow.applications.list(me, None, 0, 10)
    assert read == grown
    assert listed.items == [grown]
    assert [h.status for h in read.history] == [ApplicationStatus.INTERESTED, *STATUSES]
