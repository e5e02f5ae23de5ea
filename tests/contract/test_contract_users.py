"""Users: stored whole, found by id or canonical email, emails unique, deletion cascades."""

from __future__ import annotations

import asyncio

import msgspec
import pytest

from contract.contract_builders import (
    activity,
    analysis,
    application,
    document,
    job,
    saved,
    stored_jobs,
    stored_user,
    user,
)
from skael_core.errors import Conflict
from skael_core.ports import UnitOfWorkFactory
from skael_core.usecases.accounts import ProfileChanges
from support import make_core, register


async def test_add_gives_an_id_and_get_returns_the_same_user(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        first = await uow.users.add(user(1))
        second = await uow.users.add(user(2, token_version=3, has_agreed_terms=True))
        await uow.commit()
    assert first.id > 0
    assert second.id > first.id
    async with uow_factory() as uow:
        assert await uow.users.get(first.id) == first
        assert await uow.users.get(second.id) == second
        assert await uow.users.get_by_email("person2@example.com") == second
        assert await uow.users.get(second.id + 100) is None
        assert await uow.users.get_by_email("nobody@example.com") is None


async def test_a_taken_email_is_a_conflict_and_the_work_goes_on(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await stored_user(uow_factory, 1)
    async with uow_factory() as uow:
        with pytest.raises(Conflict):
            await uow.users.add(user(9, email="person1@example.com"))
        other = await uow.users.add(user(2))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.users.get_by_email("person2@example.com") == other
        assert (await uow.users.get_by_email("person1@example.com")).profile.user_name == "Person 1"  # type: ignore[union-attr]


async def test_update_replaces_the_user(uow_factory: UnitOfWorkFactory) -> None:
    stored = await stored_user(uow_factory)
    profile = msgspec.structs.replace(stored.profile, skills=("rust",), countries=("ES",))
    changed = msgspec.structs.replace(
        stored, email="new@example.com", token_version=4, profile=profile, password_hash="h2"
    )
    async with uow_factory() as uow:
        await uow.users.update(changed)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.users.get(stored.id) == changed
        assert await uow.users.get_by_email("new@example.com") == changed
        assert await uow.users.get_by_email(stored.email) is None


async def test_update_to_a_taken_email_is_a_conflict(uow_factory: UnitOfWorkFactory) -> None:
    first = await stored_user(uow_factory, 1)
    second = await stored_user(uow_factory, 2)
    async with uow_factory() as uow:
        with pytest.raises(Conflict):
            await uow.users.update(msgspec.structs.replace(second, email=first.email))
        await uow.users.update(msgspec.structs.replace(second, token_version=7))
        await uow.commit()
    async with uow_factory() as uow:
        assert (await uow.users.get(second.id)).token_version == 7  # type: ignore[union-attr]
        assert await uow.users.get_by_email(first.email) == first


async def test_delete_removes_the_user_and_everything_they_own(
    uow_factory: UnitOfWorkFactory,
) -> None:
    gone, kept = await stored_user(uow_factory, 1), await stored_user(uow_factory, 2)
    job_ids = await stored_jobs(uow_factory, job(1), job(2))
    async with uow_factory() as uow:
        for owner in (gone, kept):
            resume = await uow.documents.add(document(owner.id, job_id=job_ids[0]))
            await uow.saved_jobs.add(saved(owner.id, job_ids[0]))
            await uow.analyses.add(analysis(owner.id, job_ids[0]))
            await uow.applications.save(application(owner.id, job_ids[1], resume_id=resume.id))
            await uow.activities.add(activity(owner.id, job_id=job_ids[1]))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.users.delete(gone.id) is True
        assert await uow.users.delete(gone.id) is False
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.users.get(gone.id) is None
        assert await uow.users.get_by_email(gone.email) is None
        assert (await uow.saved_jobs.list(gone.id, 0, 10)).total == 0
        assert await uow.analyses.latest(gone.id, job_ids[0]) is None
        assert (await uow.documents.list(gone.id, None, 0, 10)).total == 0
        assert await uow.applications.get(gone.id, job_ids[1]) is None
        assert (await uow.applications.list(gone.id, None, 0, 10)).total == 0
        assert (await uow.activities.list(gone.id, None, 0, 10)).total == 0
        assert (await uow.saved_jobs.list(kept.id, 0, 10)).total == 1
        assert await uow.analyses.latest(kept.id, job_ids[0]) is not None
        assert (await uow.documents.list(kept.id, None, 0, 10)).total == 1
        assert await uow.applications.get(kept.id, job_ids[1]) is not None
        assert (await uow.activities.list(kept.id, None, 0, 10)).total == 1
        assert await uow.jobs.count() == 2


async def test_a_deleted_email_can_register_again(uow_factory: UnitOfWorkFactory) -> None:
    old = await stored_user(uow_factory)
    async with uow_factory() as uow:
        await uow.users.delete(old.id)
        again = await uow.users.add(user())
        await uow.commit()
    assert again.id != old.id
    async with uow_factory() as uow:
        assert await uow.users.get_by_email(old.email) == again


async def test_profile_changes_at_once_all_stay(uow_factory: UnitOfWorkFactory) -> None:
    """Each change of a profile applies to what the one before it left: on PostgreSQL
    three changes of three fields at once kept one of them."""
    core = make_core(uow_factory)
    ada = await register(core, "ada@example.com")
    for n in range(3):
        changes = [
            ProfileChanges(user_name=f"Ada {n}"),
            ProfileChanges(skills=[f"go{n}"]),
            ProfileChanges(experience=n + 1),
        ]
        await asyncio.gather(*(core.update_profile.execute(ada.user_id, None, c) for c in changes))
        async with uow_factory(read_only=True) as uow:
            user = await uow.users.get(ada.user_id)
        assert user is not None
        kept = (user.profile.user_name, user.profile.skills, user.profile.experience)
        assert kept == (f"Ada {n}", (f"go{n}",), n + 1)
