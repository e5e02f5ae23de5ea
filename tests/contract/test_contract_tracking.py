"""Saved jobs, analyses, documents, applications and activity: per user, newest first."""

from __future__ import annotations

import msgspec
import pytest

from contract.contract_builders import (
    activity,
    analysis,
    application,
    at,
    document,
    job,
    saved,
    stored_jobs,
    stored_user,
)
from skael_core.model import ApplicationStatus, DocumentKind, StatusChange
from skael_core.ports import UnitOfWorkFactory


@pytest.fixture
async def people_and_jobs(uow_factory: UnitOfWorkFactory) -> tuple[int, int, list[int]]:
    first, second = await stored_user(uow_factory, 1), await stored_user(uow_factory, 2)
    job_ids = await stored_jobs(uow_factory, *(job(n) for n in range(1, 6)))
    return first.id, second.id, job_ids


async def test_saving_twice_is_saving_once(
    uow_factory: UnitOfWorkFactory, people_and_jobs: tuple[int, int, list[int]]
) -> None:
    me, _, jobs = people_and_jobs
    async with uow_factory() as uow:
        assert await uow.saved_jobs.add(saved(me, jobs[0], 1)) is True
        assert await uow.saved_jobs.add(saved(me, jobs[0], 5)) is False
        await uow.commit()
    async with uow_factory() as uow:
        page = await uow.saved_jobs.list(me, 0, 10)
    assert page.total == 1
    assert [(s.user_id, s.job_id, s.saved_at) for s in page.items] == [(me, jobs[0], at(1))]
    assert page.items[0].id > 0


async def test_unsave_removes_once(
    uow_factory: UnitOfWorkFactory, people_and_jobs: tuple[int, int, list[int]]
) -> None:
    me, other, jobs = people_and_jobs
    async with uow_factory() as uow:
        await uow.saved_jobs.add(saved(me, jobs[0]))
        await uow.saved_jobs.add(saved(other, jobs[0]))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.saved_jobs.remove(me, jobs[0]) is True
        assert await uow.saved_jobs.remove(me, jobs[0]) is False
        assert await uow.saved_jobs.remove(me, jobs[1]) is False
        await uow.commit()
    async with uow_factory() as uow:
        assert (await uow.saved_jobs.list(me, 0, 10)).total == 0
        assert (await uow.saved_jobs.list(other, 0, 10)).total == 1
        assert await uow.saved_jobs.add(saved(me, jobs[0])) is True


async def test_saved_jobs_list_most_recent_first_ties_by_id(
    uow_factory: UnitOfWorkFactory, people_and_jobs: tuple[int, int, list[int]]
) -> None:
    me, other, jobs = people_and_jobs
    async with uow_factory() as uow:
        for job_id, minutes in zip(jobs, (3, 1, 3, 7, 1), strict=True):
            await uow.saved_jobs.add(saved(me, job_id, minutes))
        await uow.saved_jobs.add(saved(other, jobs[0], 99))
        await uow.commit()
    async with uow_factory() as uow:
        page = await uow.saved_jobs.list(me, 0, 3)
        rest = await uow.saved_jobs.list(me, 3, 3)
    assert [s.job_id for s in page.items + rest.items] == [jobs[i] for i in (3, 2, 0, 4, 1)]
    assert (page.total, rest.total) == (5, 5)


async def test_latest_analysis_is_the_newest_with_ties_by_id(
    uow_factory: UnitOfWorkFactory, people_and_jobs: tuple[int, int, list[int]]
) -> None:
    me, other, jobs = people_and_jobs
    async with uow_factory() as uow:
        assert await uow.analyses.latest(me, jobs[0]) is None
        older = await uow.analyses.add(analysis(me, jobs[0], 1, score=10))
        tied_a = await uow.analyses.add(analysis(me, jobs[0], 5, score=20))
        tied_b = await uow.analyses.add(analysis(me, jobs[0], 5, score=30))
        await uow.analyses.add(analysis(me, jobs[1], 9, score=40))
        await uow.analyses.add(analysis(other, jobs[0], 9, score=50))
        await uow.commit()
    assert older.id < tied_a.id < tied_b.id
    async with uow_factory() as uow:
        assert await uow.analyses.latest(me, jobs[0]) == tied_b
        assert await uow.analyses.latest(me, jobs[2]) is None


async def test_documents_by_id_and_by_kind_newest_first(
    uow_factory: UnitOfWorkFactory, people_and_jobs: tuple[int, int, list[int]]
) -> None:
    me, other, jobs = people_and_jobs
    letter = DocumentKind.COVER_LETTER
    async with uow_factory() as uow:
        a = await uow.documents.add(document(me, 1))
        b = await uow.documents.add(document(me, 4, letter, job_id=jobs[0]))
        c = await uow.documents.add(document(me, 4))
        d = await uow.documents.add(document(me, 2, letter))
        mine_elsewhere = await uow.documents.add(document(other, 9))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.documents.get(b.id) == b
        assert await uow.documents.get(mine_elsewhere.id + 100) is None
        everything = await uow.documents.list(me, None, 0, 10)
        letters = await uow.documents.list(me, letter, 0, 1)
        resumes = await uow.documents.list(me, DocumentKind.RESUME, 0, 10)
    assert everything.items == [c, b, d, a]
    assert (letters.items, letters.total) == ([b], 2)
    assert (resumes.items, resumes.total) == ([c, a], 2)


async def test_an_application_is_saved_then_replaced_keeping_its_id(
    uow_factory: UnitOfWorkFactory, people_and_jobs: tuple[int, int, list[int]]
) -> None:
    me, _, jobs = people_and_jobs
    first = application(me, jobs[0], 1, ApplicationStatus.APPLIED)
    async with uow_factory() as uow:
        assert await uow.applications.get(me, jobs[0]) is None
        stored = await uow.applications.save(first)
        await uow.commit()
    assert stored.id > 0
    assert stored == msgspec.structs.replace(first, id=stored.id)
    history = (*first.history, StatusChange(status=ApplicationStatus.INTERVIEWING, at=at(8)))
    later = application(
        me,
        jobs[0],
        8,
        ApplicationStatus.INTERVIEWING,
        notes=None,
        applied_date=at(1),
        history=history,
    )
    async with uow_factory() as uow:
        replaced = await uow.applications.save(later)
        again = await uow.applications.save(msgspec.structs.replace(later, id=stored.id))
        await uow.commit()
    assert replaced.id == again.id == stored.id
    async with uow_factory() as uow:
        assert await uow.applications.get(me, jobs[0]) == msgspec.structs.replace(
            later, id=stored.id
        )
        page = await uow.applications.list(me, None, 0, 10)
    assert page.total == 1


async def test_applications_list_by_status_most_recently_updated_first(
    uow_factory: UnitOfWorkFactory, people_and_jobs: tuple[int, int, list[int]]
) -> None:
    me, other, jobs = people_and_jobs
    statuses = [ApplicationStatus.APPLIED, ApplicationStatus.OFFER, ApplicationStatus.APPLIED]
    async with uow_factory() as uow:
        made = [
            await uow.applications.save(application(me, job_id, minutes, status))
            for job_id, minutes, status in zip(jobs, (5, 9, 5), statuses, strict=False)
        ]
        await uow.applications.save(application(other, jobs[0], 50))
        await uow.commit()
    async with uow_factory() as uow:
        everything = await uow.applications.list(me, None, 0, 10)
        applied = await uow.applications.list(me, ApplicationStatus.APPLIED, 0, 1)
        rejected = await uow.applications.list(me, ApplicationStatus.REJECTED, 0, 10)
    assert everything.items == [made[1], made[2], made[0]]
    assert (applied.items, applied.total) == ([made[2]], 2)
    assert (rejected.items, rejected.total) == ([], 0)


async def test_activity_lists_newest_first_by_type_with_metadata(
    uow_factory: UnitOfWorkFactory, people_and_jobs: tuple[int, int, list[int]]
) -> None:
    me, other, jobs = people_and_jobs
    async with uow_factory() as uow:
        a = await uow.activities.add(activity(me, 1, "JOB_SAVED", job_id=jobs[0]))
        b = await uow.activities.add(activity(me, 3, "FEEDBACK", metadata={}))
        c = await uow.activities.add(activity(me, 3, "JOB_SAVED"))
        d = await uow.activities.add(activity(me, 2, "custom-kind", metadata={"x": 1.5, "y": None}))
        await uow.activities.add(activity(other, 9))
        await uow.commit()
    assert 0 < a.id < b.id < c.id < d.id
    async with uow_factory() as uow:
        everything = await uow.activities.list(me, None, 0, 10)
        saves = await uow.activities.list(me, "JOB_SAVED", 0, 10)
        page = await uow.activities.list(me, None, 1, 2)
        none = await uow.activities.list(me, "JOB_APPLIED", 0, 10)
    assert everything.items == [c, b, d, a]
    assert (saves.items, saves.total) == ([c, a], 2)
    assert (page.items, page.total) == ([b, d], 4)
    assert (none.items, none.total) == ([], 0)


async def test_latest_given_analysis_is_the_newest_without_a_breakdown(
    uow_factory: UnitOfWorkFactory, people_and_jobs: tuple[int, int, list[int]]
) -> None:
    me, other, jobs = people_and_jobs
    given = msgspec.structs.replace(analysis(me, jobs[0], 3, score=99), breakdown={})
    async with uow_factory() as uow:
        await uow.analyses.add(analysis(me, jobs[0], 1, score=10))
        older = await uow.analyses.add(msgspec.structs.replace(given, created_at=at(2)))
        newer = await uow.analyses.add(given)
        await uow.analyses.add(analysis(me, jobs[0], 9, score=40))  # computed, later
        await uow.analyses.add(msgspec.structs.replace(given, user_id=other, created_at=at(9)))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.analyses.latest_given(me, jobs[0]) == newer != older
        assert await uow.analyses.latest_given(me, jobs[1]) is None
