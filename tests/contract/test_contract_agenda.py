"""Interviews, reminders and calendar tokens: per user, in time order, gone with the user."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta, timezone
from typing import Any

import msgspec
import pytest

from contract.contract_builders import at, job, stored_jobs, stored_user
from skael_core.agenda import Interview, InterviewKind, Reminder
from skael_core.ports import UnitOfWorkFactory

PLUS_ONE = timezone(timedelta(hours=1))
MINUS_FIVE_THIRTY = timezone(-timedelta(hours=5, minutes=30))


def interview(user_id: int, job_id: int, minutes: int = 0, **changes: Any) -> Interview:
    fields: dict[str, Any] = {
        "user_id": user_id,
        "job_id": job_id,
        "round": 1,
        "kind": InterviewKind.VIDEO,
        "starts_at": at(minutes).astimezone(PLUS_ONE),
        "duration_minutes": 45,
        "created_at": at(0),
        "updated_at": at(0),
    }
    return Interview(**(fields | changes))


def reminder(user_id: int, job_id: int, due: date, **changes: Any) -> Reminder:
    fields: dict[str, Any] = {
        "user_id": user_id,
        "job_id": job_id,
        "due_date": due,
        "created_at": at(0),
    }
    return Reminder(**(fields | changes))


@pytest.fixture
async def people_and_jobs(uow_factory: UnitOfWorkFactory) -> tuple[int, int, list[int]]:
    first, second = await stored_user(uow_factory, 1), await stored_user(uow_factory, 2)
    job_ids = await stored_jobs(uow_factory, *(job(n) for n in range(1, 4)))
    return first.id, second.id, job_ids


async def test_an_interview_comes_back_as_stored_with_its_offset_and_zone(
    uow_factory: UnitOfWorkFactory, people_and_jobs: tuple[int, int, list[int]]
) -> None:
    me, _, jobs = people_and_jobs
    given = interview(
        me,
        jobs[0],
        starts_at=at(30).astimezone(MINUS_FIVE_THIRTY),
        time_zone="America/St_Johns",
        kind=InterviewKind.TAKE_HOME,
        round=3,
        duration_minutes=2 * 24 * 60,
        place="Home",
        link="https://meet.example.com/abc",
        notes="Bring the portfolio.\nSecond line.",
    )
    async with uow_factory() as uow:
        stored = await uow.interviews.add(given)
        await uow.commit()
    assert stored.id > 0
    async with uow_factory(read_only=True) as uow:
        found = await uow.interviews.get(stored.id)
    assert found == stored
    assert found is not None
    assert found.starts_at.utcoffset() == timedelta(hours=-5, minutes=-30)
    assert found.starts_at == at(30)


async def test_interviews_list_soonest_first_across_offsets_and_per_application(
    uow_factory: UnitOfWorkFactory, people_and_jobs: tuple[int, int, list[int]]
) -> None:
    me, other, jobs = people_and_jobs
    async with uow_factory() as uow:
        late = await uow.interviews.add(interview(me, jobs[0], 120))
        # 60 minutes, written at -05:30: earlier than the one above though its wall time is later
        early = await uow.interviews.add(
            interview(me, jobs[1], 60, starts_at=at(60).astimezone(MINUS_FIVE_THIRTY))
        )
        tie = await uow.interviews.add(interview(me, jobs[0], 60))
        await uow.interviews.add(interview(other, jobs[0], 0))
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        every = await uow.interviews.list(me, None, 0, 10)
        first_job = await uow.interviews.list(me, jobs[0], 0, 10)
        paged = await uow.interviews.list(me, None, 1, 1)
    assert [i.id for i in every.items] == [early.id, tie.id, late.id]
    assert every.total == 3
    assert [i.id for i in first_job.items] == [tie.id, late.id]
    assert ([i.id for i in paged.items], paged.total) == ([tie.id], 3)


async def test_an_interview_is_updated_and_deleted_once(
    uow_factory: UnitOfWorkFactory, people_and_jobs: tuple[int, int, list[int]]
) -> None:
    me, _, jobs = people_and_jobs
    async with uow_factory() as uow:
        stored = await uow.interviews.add(interview(me, jobs[0]))
        await uow.commit()
    changed = msgspec.structs.replace(stored, round=2, place=None, notes="moved", updated_at=at(9))
    async with uow_factory() as uow:
        assert await uow.interviews.update(changed) is True
        assert await uow.interviews.update(msgspec.structs.replace(changed, id=999)) is False
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.interviews.get(stored.id) == changed
    async with uow_factory() as uow:
        assert await uow.interviews.delete(stored.id) is True
        assert await uow.interviews.delete(stored.id) is False
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.interviews.get(stored.id) is None


async def test_leaving_without_commit_keeps_no_interview_or_reminder(
    uow_factory: UnitOfWorkFactory, people_and_jobs: tuple[int, int, list[int]]
) -> None:
    me, _, jobs = people_and_jobs
    async with uow_factory() as uow:
        await uow.interviews.add(interview(me, jobs[0]))
        await uow.reminders.add(reminder(me, jobs[0], date(2026, 1, 1)))
        await uow.calendar_tokens.replace(me, "t" * 43, at(0))
    async with uow_factory(read_only=True) as uow:
        assert (await uow.interviews.list(me, None, 0, 10)).total == 0
        assert (await uow.reminders.list(me, None, None, None, 0, 10)).total == 0
        assert await uow.calendar_tokens.get(me) is None


async def test_reminders_filter_by_due_date_done_and_application(
    uow_factory: UnitOfWorkFactory, people_and_jobs: tuple[int, int, list[int]]
) -> None:
    me, other, jobs = people_and_jobs
    days = [date(2026, 12, d) for d in (9, 7, 8, 7)]
    async with uow_factory() as uow:
        stored = [
            await uow.reminders.add(reminder(me, jobs[n % 2], due, note=f"r{n}"))
            for n, due in enumerate(days)
        ]
        done = msgspec.structs.replace(stored[2], done=True, done_at=at(5))
        assert await uow.reminders.update(done) is True
        await uow.reminders.add(reminder(other, jobs[0], date(2026, 12, 1)))
        await uow.commit()
    ids = [r.id for r in stored]
    async with uow_factory(read_only=True) as uow:
        every = await uow.reminders.list(me, None, None, None, 0, 10)
        before_9th = await uow.reminders.list(me, None, date(2026, 12, 9), None, 0, 10)
        open_ones = await uow.reminders.list(me, None, None, False, 0, 10)
        done_ones = await uow.reminders.list(me, None, None, True, 0, 10)
        second_job = await uow.reminders.list(me, jobs[1], None, None, 0, 10)
        found = await uow.reminders.get(ids[2])
    assert [r.id for r in every.items] == [ids[1], ids[3], ids[2], ids[0]]
    assert every.total == 4
    assert [r.id for r in before_9th.items] == [ids[1], ids[3], ids[2]]
    assert [r.id for r in open_ones.items] == [ids[1], ids[3], ids[0]]
    assert [r.id for r in done_ones.items] == [ids[2]]
    assert [r.id for r in second_job.items] == [ids[1], ids[3]]
    assert found == done
    assert found is not None and found.note == "r2"


async def test_a_reminder_is_deleted_once(
    uow_factory: UnitOfWorkFactory, people_and_jobs: tuple[int, int, list[int]]
) -> None:
    me, _, jobs = people_and_jobs
    async with uow_factory() as uow:
        stored = await uow.reminders.add(reminder(me, jobs[0], date(2026, 12, 9)))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.reminders.delete(stored.id) is True
        assert await uow.reminders.delete(stored.id) is False
        assert await uow.reminders.update(stored) is False
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.reminders.get(stored.id) is None


async def test_a_calendar_token_is_given_once_replaced_and_found_by_value(
    uow_factory: UnitOfWorkFactory, people_and_jobs: tuple[int, int, list[int]]
) -> None:
    me, other, _ = people_and_jobs
    async with uow_factory() as uow:
        assert await uow.calendar_tokens.add_if_absent(me, "first", at(0)) is True
        assert await uow.calendar_tokens.add_if_absent(me, "second", at(1)) is False
        assert await uow.calendar_tokens.add_if_absent(other, "theirs", at(1)) is True
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.calendar_tokens.get(me) == "first"
        assert await uow.calendar_tokens.user_for("first") == me
        await uow.calendar_tokens.replace(me, "third", at(2))
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.calendar_tokens.get(me) == "third"
        assert await uow.calendar_tokens.user_for("first") is None
        assert await uow.calendar_tokens.user_for("third") == me
        assert await uow.calendar_tokens.user_for("theirs") == other
        assert await uow.calendar_tokens.user_for("") is None


async def test_interviews_reminders_and_tokens_go_with_their_user(
    uow_factory: UnitOfWorkFactory, people_and_jobs: tuple[int, int, list[int]]
) -> None:
    me, other, jobs = people_and_jobs
    async with uow_factory() as uow:
        mine = await uow.interviews.add(interview(me, jobs[0]))
        theirs = await uow.interviews.add(interview(other, jobs[0]))
        await uow.reminders.add(reminder(me, jobs[0], date(2026, 12, 9)))
        await uow.calendar_tokens.replace(me, "mine", at(0))
        await uow.calendar_tokens.replace(other, "theirs", at(0))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.users.delete(me) is True
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.interviews.get(mine.id) is None
        assert await uow.interviews.get(theirs.id) == theirs
        assert (await uow.reminders.list(me, None, None, None, 0, 10)).total == 0
        assert await uow.calendar_tokens.user_for("mine") is None
        assert await uow.calendar_tokens.user_for("theirs") == other


async def test_changes_made_at_once_under_a_lock_all_stay(
    uow_factory: UnitOfWorkFactory, people_and_jobs: tuple[int, int, list[int]]
) -> None:
    """Each change reads what the one before it left: on PostgreSQL, reading with
    ``get`` instead, three changes of three fields at once kept one of them."""
    me, _, jobs = people_and_jobs
    async with uow_factory() as uow:
        first = await uow.reminders.add(reminder(me, jobs[0], date(2027, 1, 10)))
        meeting = await uow.interviews.add(interview(me, jobs[0]))
        await uow.commit()
    reminder_changes: list[dict[str, Any]] = [
        {"note": "call back"},
        {"done": True, "done_at": at(5)},
        {"due_date": date(2027, 2, 1)},
    ]
    interview_changes: list[dict[str, Any]] = [
        {"notes": "bring the portfolio"},
        {"place": "Berlin"},
        {"round": 2},
    ]

    async def change_reminder(fields: dict[str, Any]) -> None:
        async with uow_factory() as uow:
            known = await uow.reminders.lock(first.id)
            assert known is not None
            await asyncio.sleep(0.05)  # the others change it meanwhile, if they can
            assert await uow.reminders.update(msgspec.structs.replace(known, **fields))
            await uow.commit()

    async def change_interview(fields: dict[str, Any]) -> None:
        async with uow_factory() as uow:
            known = await uow.interviews.lock(meeting.id)
            assert known is not None
            await asyncio.sleep(0.05)
            assert await uow.interviews.update(msgspec.structs.replace(known, **fields))
            await uow.commit()

    await asyncio.gather(
        *(change_reminder(f) for f in reminder_changes),
        *(change_interview(f) for f in interview_changes),
    )
    async with uow_factory(read_only=True) as uow:
        kept = await uow.reminders.get(first.id)
        held = await uow.interviews.get(meeting.id)
    assert kept == msgspec.structs.replace(
        first, **{k: v for f in reminder_changes for k, v in f.items()}
    )
    assert held == msgspec.structs.replace(
        meeting, **{k: v for f in interview_changes for k, v in f.items()}
    )


async def test_removals_at_once_under_a_lock_find_it_once(
    uow_factory: UnitOfWorkFactory, people_and_jobs: tuple[int, int, list[int]]
) -> None:
    me, _, jobs = people_and_jobs
    async with uow_factory() as uow:
        first = await uow.reminders.add(reminder(me, jobs[0], date(2027, 1, 10)))
        await uow.commit()

    async def remove() -> bool:
        async with uow_factory() as uow:
            if await uow.reminders.lock(first.id) is None:
                return False
            await asyncio.sleep(0.05)
            assert await uow.reminders.delete(first.id)
            await uow.commit()
        return True

    assert sorted(await asyncio.gather(*(remove() for _ in range(4)))) == [False] * 3 + [True]
    async with uow_factory() as uow:
        assert await uow.interviews.lock(10_000) is None
