"""Interviews, reminders, the timeline, the calendar token, the funnel and the exports."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from skael_adapters.system import FixedClock
from skael_core.agenda import InterviewKind, TimelineKind, funnel, timeline
from skael_core.errors import Forbidden, InvalidInput, NotFound
from skael_core.model import Application, ApplicationStatus, StatusChange
from skael_core.service import Skael
from skael_core.usecases.agenda import InterviewChanges, InterviewDraft, ReminderChanges
from skael_core.usecases.ingest import jobs_feed
from support import make_job, register

PARIS_WINTER = timezone(timedelta(hours=1))
T = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def draft(**changes: object) -> InterviewDraft:
    fields: dict[str, object] = {
        "kind": InterviewKind.VIDEO,
        "starts_at": datetime(2026, 12, 10, 9, 30, tzinfo=PARIS_WINTER),
        "duration_minutes": 45,
    }
    return InterviewDraft(**(fields | changes))  # type: ignore[arg-type]


@pytest.fixture
async def job_ids(core: Skael) -> tuple[int, ...]:
    report = await core.ingest_postings.execute(
        jobs_feed([[make_job(1), make_job(2), make_job(3)]])
    )
    return report.ids


async def actions(core: Skael, user_id: int) -> list[str]:
    page = await core.list_activity.execute(user_id, None, limit=100)
    return [a.action_type for a in page.items]


async def applied(core: Skael, job_id: int, email: str = "ada@example.com") -> int:
    me = (await register(core, email)).user_id
    await core.apply_to_job.execute(me, None, job_id)
    return me


async def test_an_interview_keeps_the_offset_it_was_given_and_is_logged(
    core: Skael, job_ids: tuple[int, ...]
) -> None:
    me = await applied(core, job_ids[0])
    made = await core.schedule_interview.execute(me, None, job_ids[0], draft(round=2))
    assert made.starts_at.isoformat() == "2026-12-10T09:30:00+01:00"
    assert made.offset_minutes == 60
    assert (made.round, made.kind, made.duration_minutes) == (2, InterviewKind.VIDEO, 45)
    assert await core.get_interview.execute(me, me, job_ids[0], made.id) == made
    assert (await core.list_interviews.execute(me, None, job_ids[0])).items == [made]
    assert (await actions(core, me))[0] == "INTERVIEW_SCHEDULED"


async def test_a_named_zone_must_agree_with_the_offset(
    core: Skael, job_ids: tuple[int, ...]
) -> None:
    me = await applied(core, job_ids[0])
    ok = await core.schedule_interview.execute(
        me, None, job_ids[0], draft(time_zone="Europe/Paris")
    )
    assert ok.time_zone == "Europe/Paris"
    with pytest.raises(InvalidInput, match="Europe/London is at \\+00:00"):
        await core.schedule_interview.execute(
            me, None, job_ids[0], draft(time_zone="Europe/London")
        )
    with pytest.raises(InvalidInput, match="not an IANA time zone"):
        await core.schedule_interview.execute(me, None, job_ids[0], draft(time_zone="Mars/Base"))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"starts_at": datetime(2026, 12, 10, 9, 30)}, "starts_at"),
        ({"duration_minutes": -5}, "duration_minutes"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"round": 0}, "round"),
        ({"place": "x" * 201}, "place"),
        ({"starts_at": datetime(9999, 12, 31, 23, 30, tzinfo=UTC)}, "starts_at"),
        ({"starts_at": datetime(1, 1, 1, 0, 0, tzinfo=PARIS_WINTER)}, "starts_at"),
    ],
)
async def test_bad_interviews_are_refused_and_nothing_is_stored(
    core: Skael, job_ids: tuple[int, ...], changes: dict[str, object], field: str
) -> None:
    me = await applied(core, job_ids[0])
    with pytest.raises(InvalidInput) as caught:
        await core.schedule_interview.execute(me, None, job_ids[0], draft(**changes))
    assert [e.field for e in caught.value.errors] == [field]
    assert (await core.list_interviews.execute(me, None, job_ids[0])).total == 0
    assert await actions(core, me) == ["JOB_APPLIED"]


async def test_interviews_need_the_callers_application(
    core: Skael, job_ids: tuple[int, ...]
) -> None:
    me = await applied(core, job_ids[0])
    other = await applied(core, job_ids[0], "bob@example.com")
    with pytest.raises(NotFound, match="application for job"):
        await core.schedule_interview.execute(me, None, job_ids[1], draft())
    with pytest.raises(Forbidden):
        await core.schedule_interview.execute(me, other, job_ids[0], draft())
    theirs = await core.schedule_interview.execute(other, None, job_ids[0], draft())
    with pytest.raises(Forbidden):
        await core.get_interview.execute(me, None, job_ids[0], theirs.id)
    with pytest.raises(Forbidden):
        await core.cancel_interview.execute(me, None, job_ids[0], theirs.id)
    mine = await core.schedule_interview.execute(me, None, job_ids[0], draft())
    with pytest.raises(NotFound):
        await core.get_interview.execute(me, None, job_ids[1], mine.id)


async def test_changing_and_cancelling_an_interview(
    core: Skael, clock: FixedClock, job_ids: tuple[int, ...]
) -> None:
    me = await applied(core, job_ids[0])
    made = await core.schedule_interview.execute(me, None, job_ids[0], draft())
    clock.advance(hours=1)
    later = datetime(2026, 12, 11, 14, 0, tzinfo=timezone(timedelta(hours=-5)))
    changed = await core.change_interview.execute(
        me, None, job_ids[0], made.id, InterviewChanges(starts_at=later, place="HQ")
    )
    assert (changed.starts_at, changed.place, changed.duration_minutes) == (later, "HQ", 45)
    assert changed.updated_at == made.updated_at + timedelta(hours=1)
    with pytest.raises(InvalidInput):
        await core.change_interview.execute(
            me, None, job_ids[0], made.id, InterviewChanges(time_zone="Europe/Paris")
        )
    await core.cancel_interview.execute(me, None, job_ids[0], made.id)
    with pytest.raises(NotFound):
        await core.get_interview.execute(me, None, job_ids[0], made.id)
    assert (await actions(core, me))[:3] == [
        "INTERVIEW_CANCELLED",
        "INTERVIEW_UPDATED",
        "INTERVIEW_SCHEDULED",
    ]


async def test_reminders_are_listed_by_due_date_and_marked_done(
    core: Skael, clock: FixedClock, job_ids: tuple[int, ...]
) -> None:
    me = await applied(core, job_ids[0])
    await core.apply_to_job.execute(me, None, job_ids[1])
    late = await core.add_reminder.execute(me, None, job_ids[0], date(2026, 12, 20), "Call")
    soon = await core.add_reminder.execute(me, None, job_ids[1], date(2026, 12, 5))
    due = await core.list_reminders.execute(me, None, due_before=date(2026, 12, 6))
    assert [r.id for r in due.items] == [soon.id]
    done = await core.change_reminder.execute(
        me, None, job_ids[1], soon.id, ReminderChanges(done=True)
    )
    assert (done.done, done.done_at) == (True, clock.now())
    open_ones = await core.list_reminders.execute(me, None, done=False)
    assert [r.id for r in open_ones.items] == [late.id]
    every = await core.list_reminders.execute(me, None)
    assert ([r.id for r in every.items], every.total) == ([soon.id, late.id], 2)
    for day in (date(1899, 12, 31), date(9999, 12, 31)):
        with pytest.raises(InvalidInput, match="due_date: must lie within the years 1900-2999"):
            await core.add_reminder.execute(me, None, job_ids[0], day)
        with pytest.raises(InvalidInput):
            await core.change_reminder.execute(
                me, None, job_ids[0], late.id, ReminderChanges(due_date=day)
            )
    await core.delete_reminder.execute(me, None, job_ids[0], late.id)
    assert (await core.list_reminders.execute(me, None, job_id=job_ids[0])).total == 0
    assert (await actions(core, me))[:4] == [
        "REMINDER_DELETED",
        "REMINDER_UPDATED",
        "REMINDER_ADDED",
        "REMINDER_ADDED",
    ]


async def test_the_timeline_orders_every_kind_of_entry(
    core: Skael, clock: FixedClock, job_ids: tuple[int, ...]
) -> None:
    me = (await register(core)).user_id
    resume = await core.generate_document.execute(me, None, content="My CV")
    await core.change_application_status.execute(me, None, job_ids[0], ApplicationStatus.SAVED)
    clock.advance(days=1)
    await core.apply_to_job.execute(me, None, job_ids[0], resume.id)
    clock.advance(days=1)
    reminder = await core.add_reminder.execute(
        me, None, job_ids[0], clock.today() + timedelta(days=3)
    )
    interview = await core.schedule_interview.execute(
        me, None, job_ids[0], draft(starts_at=clock.now() + timedelta(days=1))
    )
    await core.change_application_status.execute(
        me, None, job_ids[0], ApplicationStatus.INTERVIEWING
    )
    entries = await core.get_timeline.execute(me, None, job_ids[0])
    assert [e.kind for e in entries] == [
        TimelineKind.STATUS_CHANGE,
        TimelineKind.STATUS_CHANGE,
        TimelineKind.DOCUMENT_SENT,
        TimelineKind.STATUS_CHANGE,
        TimelineKind.INTERVIEW,
        TimelineKind.REMINDER,
    ]
    assert [(e.status, e.previous_status) for e in entries[:2]] == [
        (ApplicationStatus.SAVED, None),
        (ApplicationStatus.APPLIED, ApplicationStatus.SAVED),
    ]
    assert entries[2].document is not None and entries[2].document.id == resume.id
    assert entries[4].interview == interview
    assert entries[5].reminder == reminder
    assert [e.at for e in entries] == sorted(e.at for e in entries)


async def test_the_calendar_token_is_made_once_and_rotated(
    core: Skael, job_ids: tuple[int, ...]
) -> None:
    me = await applied(core, job_ids[0])
    await core.schedule_interview.execute(me, None, job_ids[0], draft())
    await core.add_reminder.execute(me, None, job_ids[0], date(2026, 12, 9), "Follow up")
    first = await core.get_calendar_token.execute(me, None)
    assert len(first) >= 40
    assert await core.get_calendar_token.execute(me, me) == first
    feed = await core.read_calendar_feed.execute(first)
    assert (len(feed.interviews), len(feed.reminders)) == (1, 1)
    assert feed.jobs[job_ids[0]][0] == (await core.get_job.execute(job_ids[0])).job_title
    second = await core.rotate_calendar_token.execute(me, None)
    assert second != first
    assert await core.get_calendar_token.execute(me, None) == second
    with pytest.raises(NotFound):
        await core.read_calendar_feed.execute(first)
    with pytest.raises(NotFound):
        await core.read_calendar_feed.execute("")
    assert (await core.read_calendar_feed.execute(second)).user_id == me
    assert (await actions(core, me))[0] == "CALENDAR_URL_ROTATED"


def _application(job_id: int, *moves: tuple[ApplicationStatus, int]) -> Application:
    history = tuple(StatusChange(status=s, at=T + timedelta(days=d)) for s, d in moves)
    applied_at = next((c.at for c in history if c.status is ApplicationStatus.APPLIED), None)
    return Application(
        user_id=1,
        job_id=job_id,
        status=history[-1].status,
        applied_date=applied_at,
        last_updated=history[-1].at,
        history=history,
    )


def test_the_funnel_counts_stages_reached_and_the_median_wait() -> None:
    s, a, i, o, r = (
        ApplicationStatus.SAVED,
        ApplicationStatus.APPLIED,
        ApplicationStatus.INTERVIEWING,
        ApplicationStatus.OFFER,
        ApplicationStatus.REJECTED,
    )
    applications = [
        _application(1, (s, 0), (a, 1), (i, 5), (o, 20)),  # answer after 4 days
        _application(2, (a, 0), (r, 10)),  # answer after 10 days
        _application(3, (a, 0)),  # no answer yet
        _application(4, (s, 0)),
        _application(5, (a, 2), (i, 3)),  # answer after 1 day
    ]
    figures = funnel([1, 6, 7], applications, [])
    assert (figures.saved, figures.applied, figures.interview, figures.offer) == (7, 4, 2, 1)
    assert figures.rejected == 1
    assert figures.saved_to_applied == round(4 / 7, 4)
    assert figures.applied_to_interview == 0.5
    assert figures.interview_to_offer == 0.5
    assert (figures.answered, figures.median_days_to_answer) == (3, 4.0)
    empty = funnel([], [], [])
    assert (empty.saved, empty.saved_to_applied, empty.median_days_to_answer) == (0, None, None)


async def test_the_funnel_and_the_exports_of_a_person(
    core: Skael, clock: FixedClock, job_ids: tuple[int, ...]
) -> None:
    me = await applied(core, job_ids[0])
    await core.save_job.execute(me, None, job_ids[1])
    await core.save_job.execute(me, None, job_ids[2])
    clock.advance(days=2)
    await core.schedule_interview.execute(me, None, job_ids[0], draft())
    figures = await core.get_funnel.execute(me, None)
    assert (figures.saved, figures.applied, figures.interview) == (3, 1, 1)
    assert figures.median_days_to_answer == 2.0
    exported = await core.export_applications.execute(me, None)
    assert [(r.application.job_id, r.job is not None) for r in exported] == [(job_ids[0], True)]
    saved = await core.export_saved_jobs.execute(me, me)
    assert [r.job.id for r in saved] == [job_ids[2], job_ids[1]]
    with pytest.raises(Forbidden):
        await core.get_funnel.execute(me, me + 1)


def test_a_timeline_of_a_bare_application_is_its_history() -> None:
    application = _application(1, (ApplicationStatus.APPLIED, 0))
    entries = timeline(application, [], [], None)
    assert [(e.kind, e.status) for e in entries] == [
        (TimelineKind.STATUS_CHANGE, ApplicationStatus.APPLIED)
    ]
