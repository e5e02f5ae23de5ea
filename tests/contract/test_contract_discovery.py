"""Saved searches, notifications, dismissals, blocks and credits: one contract on memory,
SQLite and PostgreSQL (issue 19, 3 and 4)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import msgspec

from contract.contract_builders import at, day, job, stored_jobs, stored_user, tech
from skael_core.model import (
    BlockedCompany,
    DismissedJob,
    Frequency,
    Hidden,
    JobFilter,
    Notification,
    SavedSearch,
    SearchFilters,
    company_key,
)
from skael_core.ports import UnitOfWorkFactory


def search(user_id: int, minutes: int = 0, **changes: object) -> SavedSearch:
    fields: dict[str, object] = {
        "user_id": user_id,
        "name": "backend",
        "filters": SearchFilters(job_title="Backend Engineer", technology=("python",)),
        "min_score": 30,
        "frequency": Frequency.WEEKLY,
        "webhook_url": "https://hooks.example.com/x",
        "webhook_secret": "s3cret",
        "created_at": at(minutes),
        "next_run_at": at(minutes),
    }
    return SavedSearch(**(fields | changes))  # type: ignore[arg-type]


def note(user_id: int, job_id: int, minutes: int = 0, **changes: object) -> Notification:
    fields: dict[str, object] = {
        "user_id": user_id,
        "job_id": job_id,
        "score": 70,
        "company": "acme",
        "created_at": at(minutes),
    }
    return Notification(**(fields | changes))  # type: ignore[arg-type]


async def test_a_saved_search_is_stored_read_changed_listed_and_removed(
    uow_factory: UnitOfWorkFactory,
) -> None:
    ada, bob = await stored_user(uow_factory, 1), await stored_user(uow_factory, 2)
    async with uow_factory() as uow:
        first = await uow.saved_searches.add(search(ada.id, 0))
        second = await uow.saved_searches.add(search(ada.id, 5, name=None, webhook_url=None))
        await uow.saved_searches.add(search(bob.id, 9))
        await uow.commit()
    assert first.id > 0 and second.id > first.id
    async with uow_factory(read_only=True) as uow:
        assert await uow.saved_searches.get(first.id) == first
        page = await uow.saved_searches.list(ada.id, 0, 10)
    assert [s.id for s in page.items] == [second.id, first.id] and page.total == 2
    changed = msgspec.structs.replace(
        first, min_score=80, last_run_at=at(30), last_error="boom", failures=2
    )
    async with uow_factory() as uow:
        assert await uow.saved_searches.update(changed)
        assert not await uow.saved_searches.update(msgspec.structs.replace(first, id=99_999))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.saved_searches.get(first.id) == changed
        assert await uow.saved_searches.remove(first.id)
        assert not await uow.saved_searches.remove(first.id)
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.saved_searches.get(first.id) is None
        assert (await uow.saved_searches.list(ada.id, 0, 10)).total == 1


async def test_due_searches_are_claimed_earliest_first_and_only_once(
    uow_factory: UnitOfWorkFactory,
) -> None:
    ada = await stored_user(uow_factory)
    async with uow_factory() as uow:
        ids = [(await uow.saved_searches.add(search(ada.id, m))).id for m in (20, 0, 10, 90)]
        await uow.commit()
    now, lease = at(60), at(70)
    async with uow_factory() as uow:
        assert await uow.saved_searches.count_due(now) == 3
        claimed = await uow.saved_searches.claim_due(now, lease, 2)
        await uow.commit()
    assert [s.id for s in claimed] == [ids[1], ids[2]]
    assert all(s.next_run_at == lease for s in claimed)
    async with uow_factory() as uow:
        rest = await uow.saved_searches.claim_due(now, lease, 10)
        await uow.commit()
    assert [s.id for s in rest] == [ids[0]]
    async with uow_factory() as uow:
        assert await uow.saved_searches.claim_due(now, lease, 10) == []
        assert (await uow.saved_searches.get(ids[1])).next_run_at == lease  # type: ignore[union-attr]
        later = await uow.saved_searches.claim_due(at(95), at(99), 10)
    assert [s.id for s in later] == [ids[0], ids[1], ids[2], ids[3]]


async def test_a_claim_not_committed_claims_nothing(uow_factory: UnitOfWorkFactory) -> None:
    ada = await stored_user(uow_factory)
    async with uow_factory() as uow:
        await uow.saved_searches.add(search(ada.id, 0))
        await uow.commit()
    async with uow_factory() as uow:
        assert len(await uow.saved_searches.claim_due(at(5), at(60), 10)) == 1
    async with uow_factory() as uow:
        assert len(await uow.saved_searches.claim_due(at(5), at(60), 10)) == 1


async def test_claims_running_at_once_share_out_the_due_searches(
    uow_factory: UnitOfWorkFactory,
) -> None:
    ada = await stored_user(uow_factory)
    async with uow_factory() as uow:
        for m in range(12):
            await uow.saved_searches.add(search(ada.id, m))
        await uow.commit()

    async def claim() -> list[int]:
        async with uow_factory() as uow:
            found = await uow.saved_searches.claim_due(at(30), at(90), 8)
            await asyncio.sleep(0.05)  # hold the claim while the other one runs
            await uow.commit()
        return [s.id for s in found]

    first, second = await asyncio.gather(claim(), claim())
    assert not set(first) & set(second)
    assert len(first) + len(second) == 12


async def test_a_notification_is_stored_once_per_person_and_job(
    uow_factory: UnitOfWorkFactory,
) -> None:
    ada, bob = await stored_user(uow_factory, 1), await stored_user(uow_factory, 2)
    jobs = await stored_jobs(uow_factory, job(1), job(2), job(3))
    async with uow_factory() as uow:
        s = await uow.saved_searches.add(search(ada.id))
        added = await uow.notifications.add_many(
            [
                note(ada.id, jobs[0], 1, search_id=s.id),
                note(ada.id, jobs[1], 2),
                note(bob.id, jobs[0]),
            ]
        )
        await uow.commit()
    assert [(n.user_id, n.job_id) for n in added] == [
        (ada.id, jobs[0]),
        (ada.id, jobs[1]),
        (bob.id, jobs[0]),
    ]
    assert all(n.id > 0 for n in added)
    async with uow_factory() as uow:
        again = await uow.notifications.add_many(
            [note(ada.id, jobs[0], 5), note(ada.id, jobs[2], 6), note(ada.id, jobs[2], 7)]
        )
        await uow.commit()
    assert [(n.job_id, n.created_at) for n in again] == [(jobs[2], at(6))]
    async with uow_factory(read_only=True) as uow:
        page = await uow.notifications.list(ada.id, JobFilter(), False, 0, 10)
        assert await uow.notifications.get(added[0].id) == added[0]
    assert [n.job_id for n in page.items] == [jobs[2], jobs[1], jobs[0]] and page.total == 3


async def test_notifications_read_and_left_out(uow_factory: UnitOfWorkFactory) -> None:
    ada = await stored_user(uow_factory)
    jobs = await stored_jobs(uow_factory, job(1), job(2), job(3))
    async with uow_factory() as uow:
        added = await uow.notifications.add_many(
            [
                note(ada.id, jobs[0], 1, company="acme"),
                note(ada.id, jobs[1], 2, company=None),
                note(ada.id, jobs[2], 3, company="globex"),
            ]
        )
        assert await uow.notifications.mark_read(added[0].id, at(10)) == at(10)
        await uow.commit()
    async with uow_factory() as uow:
        # the first read stays
        assert await uow.notifications.mark_read(added[0].id, at(20)) == at(10)
        assert await uow.notifications.mark_read(added[0].id + 1000, at(20)) is None
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        read = await uow.notifications.get(added[0].id)
        unread = await uow.notifications.list(ada.id, JobFilter(), True, 0, 10)
        blocked = JobFilter(exclude_companies=("acme",), exclude_ids=(jobs[2],))
        shown = await uow.notifications.list(ada.id, blocked, False, 0, 10)
    assert read is not None and read.read_at == at(10) and read.read
    assert [n.job_id for n in unread.items] == [jobs[2], jobs[1]]
    assert [n.job_id for n in shown.items] == [jobs[1]] and shown.total == 1


async def test_deleting_a_search_keeps_its_notifications(uow_factory: UnitOfWorkFactory) -> None:
    ada = await stored_user(uow_factory)
    (job_id,) = await stored_jobs(uow_factory, job(1))
    async with uow_factory() as uow:
        s = await uow.saved_searches.add(search(ada.id))
        (added,) = await uow.notifications.add_many([note(ada.id, job_id, search_id=s.id)])
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.saved_searches.remove(s.id)
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        kept = await uow.notifications.get(added.id)
    assert kept is not None and kept.search_id is None and kept.score == 70


async def test_dismissed_jobs_and_blocked_companies(uow_factory: UnitOfWorkFactory) -> None:
    ada, bob = await stored_user(uow_factory, 1), await stored_user(uow_factory, 2)
    jobs = await stored_jobs(uow_factory, job(1), job(2))
    async with uow_factory() as uow:
        assert await uow.dismissed_jobs.add(
            DismissedJob(user_id=ada.id, job_id=jobs[0], dismissed_at=at(1))
        )
        assert await uow.dismissed_jobs.add(
            DismissedJob(user_id=ada.id, job_id=jobs[1], dismissed_at=at(2))
        )
        assert not await uow.dismissed_jobs.add(
            DismissedJob(user_id=ada.id, job_id=jobs[0], dismissed_at=at(3))
        )
        assert await uow.blocked_companies.add(
            BlockedCompany(user_id=ada.id, key="Acme", blocked_at=at(1))
        )
        assert not await uow.blocked_companies.add(
            BlockedCompany(user_id=ada.id, key="ACME", blocked_at=at(2))
        )
        assert await uow.blocked_companies.add(
            BlockedCompany(user_id=ada.id, key="Globex Corp", blocked_at=at(3))
        )
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.dismissed_jobs.job_ids(ada.id) == [jobs[1], jobs[0]]
        assert await uow.dismissed_jobs.job_ids(bob.id) == []
        # what ada's lists leave out, read together; nothing of hers is bob's
        assert await uow.dismissed_jobs.hidden(ada.id) == Hidden(
            job_ids=tuple(sorted(jobs)), company_keys=("acme", "globex corp")
        )
        assert await uow.dismissed_jobs.hidden(bob.id) == Hidden()
        page = await uow.blocked_companies.list(ada.id, 0, 10)
        assert [b.key for b in page.items] == ["Globex Corp", "Acme"] and page.total == 2
        assert await uow.dismissed_jobs.remove(ada.id, jobs[1])
        assert not await uow.dismissed_jobs.remove(bob.id, jobs[0])
        assert await uow.blocked_companies.remove(ada.id, "globex corp")
        assert not await uow.blocked_companies.remove(ada.id, "globex corp")
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.dismissed_jobs.job_ids(ada.id) == [jobs[0]]
        assert [b.key for b in (await uow.blocked_companies.list(ada.id, 0, 10)).items] == ["Acme"]
        hidden = await uow.dismissed_jobs.hidden(ada.id)
        assert hidden == Hidden(job_ids=(jobs[0],), company_keys=("acme",))


async def test_lists_and_candidates_leave_out_the_excluded_jobs(
    uow_factory: UnitOfWorkFactory,
) -> None:
    jobs = await stored_jobs(
        uow_factory,
        job(1, company="Acme"),
        job(2, company="ACME GmbH"),
        job(3, company="Globex", technologies=(tech("python"), tech("django"))),
        job(4, company=None),
        job(5, company="Initech"),
    )
    excluded = JobFilter(exclude_ids=(jobs[4],), exclude_companies=(company_key("ACME"),))
    with_tech = msgspec.structs.replace(excluded, technology=("python",))
    async with uow_factory(read_only=True) as uow:
        listed = await uow.jobs.list(excluded, 0, 10)
        tagged = await uow.jobs.list(with_tech, 0, 10)
        ranked = await uow.jobs.candidates(excluded, ["python", "django"], 10)
        ranked_tagged = await uow.jobs.candidates(with_tech, ["python"], 10)
    expected = {jobs[1], jobs[2], jobs[3]}
    assert {j.id for j in listed.items} == expected and listed.total == 3
    assert {j.id for j in tagged.items} == expected and tagged.total == 3
    assert {j.id for j in ranked} == expected
    assert {j.id for j in ranked_tagged} == expected


async def test_credits_are_reserved_within_a_cap_and_given_back(
    uow_factory: UnitOfWorkFactory,
) -> None:
    today, tomorrow = day(0), day(0) + timedelta(days=1)
    async with uow_factory() as uow:
        assert await uow.credits.reserve(today, "all", 60, 100)
        assert not await uow.credits.reserve(today, "all", 41, 100)
        assert await uow.credits.reserve(today, "all", 40, 100)
        assert await uow.credits.reserve(tomorrow, "all", 100, 100)
        assert await uow.credits.reserve(today, "user:1", 5, 10)
        await uow.commit()
    async with uow_factory() as uow:
        await uow.credits.release(today, "all", 30)
        await uow.credits.release(today, "user:1", 50)
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.credits.spent(today, "all") == 70
        assert await uow.credits.spent(today, "user:1") == 0
        assert await uow.credits.spent(tomorrow, "all") == 100
        assert await uow.credits.spent(today, "user:2") == 0


async def test_reservations_at_once_never_pass_the_cap(uow_factory: UnitOfWorkFactory) -> None:
    async def reserve() -> bool:
        async with uow_factory() as uow:
            granted = await uow.credits.reserve(day(0), "all", 30, 100)
            await asyncio.sleep(0.01)
            await uow.commit()
        return granted

    granted = await asyncio.gather(*(reserve() for _ in range(6)))
    assert sum(granted) == 3
    async with uow_factory(read_only=True) as uow:
        assert await uow.credits.spent(day(0), "all") == 90


async def test_a_locked_user_keeps_a_count_true_until_the_commit(
    uow_factory: UnitOfWorkFactory,
) -> None:
    ada = await stored_user(uow_factory, 1)

    async def add_unless_one_is_kept() -> bool:
        async with uow_factory() as uow:
            held = await uow.users.lock(ada.id)
            assert held is not None and held.id == ada.id
            kept = (await uow.saved_searches.list(ada.id, 0, 1)).total or 0
            await asyncio.sleep(0.05)  # the others run meanwhile, if they can
            if kept:
                return False
            await uow.saved_searches.add(search(ada.id))
            await uow.commit()
        return True

    added = await asyncio.gather(*(add_unless_one_is_kept() for _ in range(6)))
    assert sum(added) == 1
    async with uow_factory(read_only=True) as uow:
        assert (await uow.saved_searches.list(ada.id, 0, 10)).total == 1
    async with uow_factory() as uow:
        assert await uow.users.lock(ada.id + 1000) is None


async def test_marks_at_once_all_tell_the_read_time_that_stands(
    uow_factory: UnitOfWorkFactory,
) -> None:
    ada = await stored_user(uow_factory)
    (job_id,) = await stored_jobs(uow_factory, job(1))
    async with uow_factory() as uow:
        (added,) = await uow.notifications.add_many([note(ada.id, job_id)])
        await uow.commit()

    async def mark(minutes: int) -> object:
        async with uow_factory() as uow:
            told = await uow.notifications.mark_read(added.id, at(minutes))
            await asyncio.sleep(0.05)  # the others mark meanwhile, if they can
            await uow.commit()
        return told

    told = await asyncio.gather(*(mark(m) for m in range(10, 16)))
    async with uow_factory(read_only=True) as uow:
        stored = await uow.notifications.get(added.id)
    assert stored is not None and stored.read_at is not None
    assert told == [stored.read_at] * len(told)
