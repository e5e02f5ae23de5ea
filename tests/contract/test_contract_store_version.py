"""``UnitOfWork.version``: equal versions see equal committed state; every commit that
changes something (a job changed in place included) gives another version."""

from __future__ import annotations

import msgspec

from contract.contract_builders import at, job, stored_jobs, stored_user
from skael_core.model import DismissedJob
from skael_core.ports import UnitOfWorkFactory


async def version(uow_factory: UnitOfWorkFactory) -> str:
    async with uow_factory(read_only=True) as uow:
        seen = await uow.version()
    assert seen is not None
    return seen


async def test_the_version_holds_while_nothing_is_committed(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Reads leave it as it is. (On PostgreSQL it is the server's snapshot, which
    transactions of other databases on the server move too: a few tries allow for them.)"""
    await stored_jobs(uow_factory, job(1), job(2))
    held = []
    for _ in range(20):
        first = await version(uow_factory)
        async with uow_factory(read_only=True) as uow:
            assert await uow.jobs.count() == 2
        held.append(await version(uow_factory) == first)
        if held[-1]:
            break
    assert held[-1], "every read saw another version"


async def test_every_commit_gives_another_version(uow_factory: UnitOfWorkFactory) -> None:
    seen = [await version(uow_factory)]
    person = await stored_user(uow_factory)
    seen.append(await version(uow_factory))
    ids = await stored_jobs(uow_factory, job(1), job(2))
    seen.append(await version(uow_factory))
    async with uow_factory() as uow:
        await uow.dismissed_jobs.add(
            DismissedJob(user_id=person.id, job_id=ids[0], dismissed_at=at(1))
        )
        await uow.commit()
    seen.append(await version(uow_factory))
    async with uow_factory() as uow:
        changed = msgspec.structs.replace(person.profile, desired_job_role="Nurse")
        await uow.users.update(msgspec.structs.replace(person, profile=changed))
        await uow.commit()
    seen.append(await version(uow_factory))
    assert len(set(seen)) == len(seen)


async def test_a_job_changed_in_place_gives_another_version(
    uow_factory: UnitOfWorkFactory,
) -> None:
    [job_id] = await stored_jobs(uow_factory, job(1))
    before = await version(uow_factory)
    async with uow_factory() as uow:  # the same posting again, changed: an update in place
        report = await uow.jobs.upsert_many([job(1, job_title="Staff Python Developer")])
        await uow.commit()
    assert list(report.ids) == [job_id]
    assert await version(uow_factory) != before
