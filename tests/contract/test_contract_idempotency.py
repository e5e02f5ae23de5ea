"""Saving and applying are idempotent, on memory, SQLite and PostgreSQL: the first call
records and logs; a repeat, also one running at the same time, changes and logs nothing
and answers the first call's activity.
"""

from __future__ import annotations

import asyncio

from contract.contract_builders import job as posting
from contract.contract_builders import saved, stored_jobs, stored_user
from skael_core.model import ActionType, ApplicationStatus
from skael_core.ports import UnitOfWorkFactory
from skael_core.service import Skael
from support import make_core

CONCURRENT = 10


async def _logged(core: Skael, user_id: int, action: str) -> list[int]:
    page = await core.list_activity.execute(user_id, None, action, 0, 100)
    return [a.id for a in page.items]


async def _setup(uow_factory: UnitOfWorkFactory) -> tuple[Skael, int, int]:
    me = (await stored_user(uow_factory)).id
    (job_id,) = await stored_jobs(uow_factory, posting(1))
    return make_core(uow_factory), me, job_id


async def test_saving_again_answers_the_first_save(uow_factory: UnitOfWorkFactory) -> None:
    core, me, job_id = await _setup(uow_factory)
    first = await core.save_job.execute(me, None, job_id)
    again = await core.save_job.execute(me, me, job_id, "CUSTOM_SAVE", {"from": "list"})
    assert (first.created, again.created) == (True, False)
    assert again.activity_id == first.activity_id
    assert await _logged(core, me, ActionType.JOB_SAVED) == [first.activity_id]
    assert await _logged(core, me, "CUSTOM_SAVE") == []
    await core.unsave_job.execute(me, None, job_id)
    anew = await core.save_job.execute(me, None, job_id)
    assert anew.created and anew.activity_id > first.activity_id


async def test_concurrent_saves_record_one(uow_factory: UnitOfWorkFactory) -> None:
    core, me, job_id = await _setup(uow_factory)
    outcomes = await asyncio.gather(
        *(core.save_job.execute(me, None, job_id) for _ in range(CONCURRENT))
    )
    assert sum(o.created for o in outcomes) == 1
    assert len({o.activity_id for o in outcomes}) == 1
    assert await _logged(core, me, ActionType.JOB_SAVED) == [outcomes[0].activity_id]
    assert (await core.list_saved_jobs.execute(me, None)).total == 1


async def test_applying_again_answers_the_first_application(
    uow_factory: UnitOfWorkFactory,
) -> None:
    core, me, job_id = await _setup(uow_factory)
    moved = ApplicationStatus.INTERVIEWING
    first = await core.apply_to_job.execute(me, None, job_id)
    await core.change_application_status.execute(me, None, job_id, moved)
    again = await core.apply_to_job.execute(me, None, job_id)
    assert (first.created, again.created) == (True, False)
    assert again.activity_id == first.activity_id
    assert await _logged(core, me, ActionType.JOB_APPLIED) == [first.activity_id]
    view = (await core.list_applications.execute(me, None)).items[0]
    assert view.application.status is moved
    assert [h.status for h in view.application.history] == [ApplicationStatus.APPLIED, moved]


async def test_concurrent_applications_record_one(uow_factory: UnitOfWorkFactory) -> None:
    core, me, job_id = await _setup(uow_factory)
    outcomes = await asyncio.gather(
        *(core.apply_to_job.execute(me, None, job_id) for _ in range(CONCURRENT))
    )
    assert sum(o.created for o in outcomes) == 1
    assert len({o.activity_id for o in outcomes}) == 1
    assert await _logged(core, me, ActionType.JOB_APPLIED) == [outcomes[0].activity_id]
    view = (await core.list_applications.execute(me, None)).items[0]
    assert len(view.application.history) == 1


async def test_applying_after_a_status_of_applied_is_a_first_application(
    uow_factory: UnitOfWorkFactory,
) -> None:
    core, me, job_id = await _setup(uow_factory)
    await core.change_application_status.execute(me, None, job_id, ApplicationStatus.APPLIED)
    first = await core.apply_to_job.execute(me, None, job_id)
    assert first.created
    assert await _logged(core, me, ActionType.JOB_APPLIED) == [first.activity_id]


async def test_a_save_whose_activity_is_unknown_is_saved_anew_once(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """A save stored before saves named their activity (migration 0003 found none)."""
    core, me, job_id = await _setup(uow_factory)
    async with uow_factory() as uow:
        await uow.saved_jobs.add(saved(me, job_id))
        await uow.commit()
    first = await core.save_job.execute(me, None, job_id)
    again = await core.save_job.execute(me, None, job_id)
    assert (first.created, again.created) == (True, False)
    assert again.activity_id == first.activity_id
    assert await _logged(core, me, ActionType.JOB_SAVED) == [first.activity_id]
    assert (await core.list_saved_jobs.execute(me, None)).total == 1
