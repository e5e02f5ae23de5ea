"""A unit of work is all or nothing: commit keeps, anything else leaves no trace."""

from __future__ import annotations

import pytest

from contract.contract_builders import activity, job, stored_user, user
from skael_core.ports import UnitOfWorkFactory


async def test_commit_persists(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        stored = await uow.users.add(user())
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.users.get(stored.id) == stored


async def test_leaving_without_commit_rolls_back(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        await uow.users.add(user())
        await uow.jobs.upsert_many([job(1), job(2)])
    async with uow_factory() as uow:
        assert await uow.users.get_by_email(user().email) is None
        assert await uow.jobs.count() == 0


async def test_an_exception_inside_rolls_back_and_propagates(
    uow_factory: UnitOfWorkFactory,
) -> None:
    person = await stored_user(uow_factory)
    with pytest.raises(RuntimeError, match="boom"):
        async with uow_factory() as uow:
            await uow.jobs.upsert_many([job(n) for n in range(1, 30)])
            await uow.activities.add(activity(person.id))
            raise RuntimeError("boom")
    async with uow_factory() as uow:
        assert await uow.jobs.count() == 0
        assert (await uow.activities.list(person.id, None, 0, 10)).total == 0


async def test_a_unit_of_work_reads_its_own_writes(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        stored = await uow.users.add(user())
        report = await uow.jobs.upsert_many([job(1)])
        assert await uow.users.get_by_email(stored.email) == stored
        assert await uow.jobs.count() == 1
        assert await uow.jobs.get(report.ids[0]) is not None


async def test_rollback_discards_and_the_unit_of_work_goes_on(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        await uow.users.add(user(1))
        await uow.rollback()
        kept = await uow.users.add(user(2))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.users.get_by_email(user(1).email) is None
        assert await uow.users.get_by_email(user(2).email) == kept


async def test_writes_after_a_commit_need_their_own_commit(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        first = await uow.users.add(user(1))
        await uow.commit()
        await uow.users.add(user(2))
    async with uow_factory() as uow:
        assert await uow.users.get(first.id) == first
        assert await uow.users.get_by_email(user(2).email) is None
