"""The tracker's depth: interviews and reminders of an application, its timeline, the
calendar feed of a person, the funnel figures and the exports of their lists.

Every change logs its activity in the unit of work of the change. Interviews and
reminders hang off an application: the caller's application to the job must exist.
An interview or reminder of another person is ``Forbidden``; one of another of the
caller's applications is ``NotFound`` under this one.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any, TypeVar

import msgspec
from msgspec import UNSET, UnsetType

from .. import normalize as norm
from ..agenda import (
    MAX_DURATION_MINUTES,
    MAX_ROUND,
    CalendarFeed,
    Funnel,
    Interview,
    InterviewKind,
    Reminder,
    TimelineEntry,
    due_day,
    funnel,
    timeline,
    zoned_start,
)
from ..errors import Forbidden, InvalidInput, NotFound
from ..model import ActionType, Application, ApplicationStatus, Document, Job, Page, SavedJob
from ..ports import UnitOfWork
from .common import UseCase, owner

T = TypeVar("T")
Owned = TypeVar("Owned", Interview, Reminder)

MAX_LINK = 2000
EXPORT_PAGE = 500
"""Rows read per statement while gathering a whole list (exports, feed, funnel)."""
TOKEN_BYTES = 32
"""Random bytes of a calendar token: 256 bits, 43 URL-safe characters."""


# --------------------------------------------------------------------------- inputs


class InterviewDraft(msgspec.Struct, frozen=True, kw_only=True):
    """A new interview as asked for; checked by :class:`ScheduleInterview`."""

    kind: InterviewKind
    starts_at: datetime
    round: int = 1
    time_zone: str | None = None
    duration_minutes: int = 60
    place: str | None = None
    link: str | None = None
    notes: str | None = None


class InterviewChanges(msgspec.Struct, frozen=True, kw_only=True):
    """The fields of an interview to change; UNSET leaves one as it is."""

    kind: InterviewKind | UnsetType = UNSET
    starts_at: datetime | UnsetType = UNSET
    round: int | UnsetType = UNSET
    time_zone: str | None | UnsetType = UNSET
    duration_minutes: int | UnsetType = UNSET
    place: str | None | UnsetType = UNSET
    link: str | None | UnsetType = UNSET
    notes: str | None | UnsetType = UNSET


class ReminderChanges(msgspec.Struct, frozen=True, kw_only=True):
    """The fields of a reminder to change; UNSET leaves one as it is."""

    due_date: date | UnsetType = UNSET
    note: str | None | UnsetType = UNSET
    done: bool | UnsetType = UNSET


def _given(changes: msgspec.Struct) -> dict[str, Any]:
    return {
        name: value
        for name in changes.__struct_fields__
        if (value := getattr(changes, name)) is not UNSET
    }


def _interview_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` of an interview checked and cleaned; ``InvalidInput`` names each bad one."""
    errors: dict[str, str] = {}
    if "round" in fields and not 1 <= fields["round"] <= MAX_ROUND:
        errors["round"] = f"must be between 1 and {MAX_ROUND}"
    duration = fields.get("duration_minutes")
    if duration is not None and not 1 <= duration <= MAX_DURATION_MINUTES:
        errors["duration_minutes"] = f"must be between 1 and {MAX_DURATION_MINUTES} (30 days)"
    if errors:
        raise InvalidInput(errors)
    cleaned = dict(fields)
    for name, limit in (
        ("place", norm.MAX_SHORT_TEXT),
        ("link", MAX_LINK),
        ("notes", norm.MAX_TEXT),
    ):
        if name in cleaned:
            cleaned[name] = norm.text(cleaned[name], name, limit)
    if "time_zone" in cleaned:
        cleaned["time_zone"] = norm.text(cleaned["time_zone"], "time_zone", 64)
    return cleaned


def _check_start(fields: dict[str, Any], known: Interview | None = None) -> None:
    """The start and zone an interview will have agree (see :func:`zoned_start`)."""
    if "starts_at" in fields or "time_zone" in fields:
        starts_at = fields.get("starts_at", known.starts_at if known else None)
        zone = fields.get("time_zone", known.time_zone if known else None)
        assert starts_at is not None
        zoned_start(starts_at, zone)


# --------------------------------------------------------------------------- helpers


async def _application(uow: UnitOfWork, user_id: int, job_id: int) -> Application:
    found = await uow.applications.get(user_id, job_id)
    if found is None:
        raise NotFound("application for job", job_id)
    return found


def _mine(item: Owned | None, name: str, key: int, user: int, job: int) -> Owned:
    if item is None:
        raise NotFound(name, key)
    if item.user_id != user:
        raise Forbidden(f"this {name} belongs to another user")
    if item.job_id != job:
        raise NotFound(f"{name} {key} of the application for job", job)
    return item


async def every(
    read: Callable[[int, int], Awaitable[Page[T]]], page: tuple[int, int] | None = None
) -> list[T]:
    """Every item of a list, read page by page; or only the page ``(skip, limit)``."""
    if page is not None:
        skip, limit = norm.page(*page)
        return list((await read(skip, limit)).items)
    found: list[T] = []
    while True:
        items = (await read(len(found), EXPORT_PAGE)).items
        found += items
        if len(items) < EXPORT_PAGE:
            return found


# --------------------------------------------------------------------------- interviews


class ScheduleInterview(UseCase):
    """An interview is added to an existing application of the caller, and logged."""

    async def execute(
        self, actor: int, user_id: int | None, job_id: int, draft: InterviewDraft
    ) -> Interview:
        target = owner(actor, user_id)
        fields = _interview_fields(msgspec.structs.asdict(draft))
        _check_start(fields)
        now = self._clock.now()
        interview = Interview(
            user_id=target, job_id=job_id, created_at=now, updated_at=now, **fields
        )
        async with self._uow() as uow:
            await _application(uow, target, job_id)
            interview = await uow.interviews.add(interview)
            meta = {
                "interview_id": interview.id,
                "round": interview.round,
                "kind": interview.kind.value,
                "starts_at": interview.starts_at.isoformat(),
            }
            await self._log(uow, target, ActionType.INTERVIEW_SCHEDULED, job_id, meta)
            await uow.commit()
        return interview


class ChangeInterview(UseCase):
    """The given fields of an interview change; the change is logged with their names."""

    async def execute(
        self,
        actor: int,
        user_id: int | None,
        job_id: int,
        interview_id: int,
        changes: InterviewChanges,
    ) -> Interview:
        target = owner(actor, user_id)
        fields = _interview_fields(_given(changes))
        async with self._uow() as uow:
            known = await uow.interviews.lock(interview_id)
            known = _mine(known, "interview", interview_id, target, job_id)
            _check_start(fields, known)
            changed = msgspec.structs.replace(known, **fields, updated_at=self._clock.now())
            await uow.interviews.update(changed)
            meta = {"interview_id": interview_id, "changed": sorted(fields)}
            await self._log(uow, target, ActionType.INTERVIEW_UPDATED, job_id, meta)
            await uow.commit()
        return changed


class CancelInterview(UseCase):
    """An interview is removed, and its removal logged."""

    async def execute(
        self, actor: int, user_id: int | None, job_id: int, interview_id: int
    ) -> Interview:
        target = owner(actor, user_id)
        async with self._uow() as uow:
            known = await uow.interviews.lock(interview_id)
            known = _mine(known, "interview", interview_id, target, job_id)
            await uow.interviews.delete(interview_id)
            meta = {"interview_id": interview_id, "starts_at": known.starts_at.isoformat()}
            await self._log(uow, target, ActionType.INTERVIEW_CANCELLED, job_id, meta)
            await uow.commit()
        return known


class GetInterview(UseCase):
    """One interview of one of the caller's applications."""

    async def execute(
        self, actor: int, user_id: int | None, job_id: int, interview_id: int
    ) -> Interview:
        target = owner(actor, user_id)
        async with self._uow(read_only=True) as uow:
            known = await uow.interviews.get(interview_id)
        return _mine(known, "interview", interview_id, target, job_id)


class ListInterviews(UseCase):
    """The interviews of one of the caller's applications, soonest first."""

    async def execute(
        self, actor: int, user_id: int | None, job_id: int, skip: int = 0, limit: int = 20
    ) -> Page[Interview]:
        target = owner(actor, user_id)
        skip, limit = norm.page(skip, limit)
        async with self._uow(read_only=True) as uow:
            await _application(uow, target, job_id)
            return await uow.interviews.list(target, job_id, skip, limit)


# --------------------------------------------------------------------------- reminders


def _note(value: str | None) -> str | None:
    return norm.text(value, "note", norm.MAX_TEXT)


class AddReminder(UseCase):
    """A follow-up reminder is added to an existing application of the caller, and logged."""

    async def execute(
        self,
        actor: int,
        user_id: int | None,
        job_id: int,
        due_date: date,
        note: str | None = None,
    ) -> Reminder:
        target = owner(actor, user_id)
        reminder = Reminder(
            user_id=target,
            job_id=job_id,
            due_date=due_day(due_date),
            note=_note(note),
            created_at=self._clock.now(),
        )
        async with self._uow() as uow:
            await _application(uow, target, job_id)
            reminder = await uow.reminders.add(reminder)
            meta = {"reminder_id": reminder.id, "due_date": due_date.isoformat()}
            await self._log(uow, target, ActionType.REMINDER_ADDED, job_id, meta)
            await uow.commit()
        return reminder


class ChangeReminder(UseCase):
    """The given fields of a reminder change (marking it done records when); logged."""

    async def execute(
        self,
        actor: int,
        user_id: int | None,
        job_id: int,
        reminder_id: int,
        changes: ReminderChanges,
    ) -> Reminder:
        target = owner(actor, user_id)
        fields = _given(changes)
        if "note" in fields:
            fields["note"] = _note(fields["note"])
        if "due_date" in fields:
            due_day(fields["due_date"])
        now = self._clock.now()
        async with self._uow() as uow:
            known = _mine(
                await uow.reminders.lock(reminder_id), "reminder", reminder_id, target, job_id
            )
            if "done" in fields and fields["done"] != known.done:
                fields["done_at"] = now if fields["done"] else None
            changed = msgspec.structs.replace(known, **fields)
            await uow.reminders.update(changed)
            meta = {"reminder_id": reminder_id, "changed": sorted(_given(changes))}
            if "done" in fields:
                meta["done"] = changed.done
            await self._log(uow, target, ActionType.REMINDER_UPDATED, job_id, meta)
            await uow.commit()
        return changed


class DeleteReminder(UseCase):
    """A reminder is removed, and its removal logged."""

    async def execute(
        self, actor: int, user_id: int | None, job_id: int, reminder_id: int
    ) -> Reminder:
        target = owner(actor, user_id)
        async with self._uow() as uow:
            known = _mine(
                await uow.reminders.lock(reminder_id), "reminder", reminder_id, target, job_id
            )
            await uow.reminders.delete(reminder_id)
            meta = {"reminder_id": reminder_id}
            await self._log(uow, target, ActionType.REMINDER_DELETED, job_id, meta)
            await uow.commit()
        return known


class GetReminder(UseCase):
    """One reminder of one of the caller's applications."""

    async def execute(
        self, actor: int, user_id: int | None, job_id: int, reminder_id: int
    ) -> Reminder:
        target = owner(actor, user_id)
        async with self._uow(read_only=True) as uow:
            known = await uow.reminders.get(reminder_id)
        return _mine(known, "reminder", reminder_id, target, job_id)


class ListReminders(UseCase):
    """The caller's reminders, earliest due first: of one application (which must exist)
    when ``job_id`` is given, due strictly before ``due_before``, done or not."""

    async def execute(
        self,
        actor: int,
        user_id: int | None,
        job_id: int | None = None,
        due_before: date | None = None,
        done: bool | None = None,
        skip: int = 0,
        limit: int = 20,
    ) -> Page[Reminder]:
        target = owner(actor, user_id)
        skip, limit = norm.page(skip, limit)
        async with self._uow(read_only=True) as uow:
            if job_id is not None:
                await _application(uow, target, job_id)
            return await uow.reminders.list(target, job_id, due_before, done, skip, limit)


# --------------------------------------------------------------------------- timeline


class GetTimeline(UseCase):
    """One application's life in time order (see :func:`skael_core.agenda.timeline`)."""

    async def execute(self, actor: int, user_id: int | None, job_id: int) -> list[TimelineEntry]:
        target = owner(actor, user_id)
        async with self._uow(read_only=True) as uow:
            application = await _application(uow, target, job_id)
            interviews = await every(lambda s, n: uow.interviews.list(target, job_id, s, n))
            reminders = await every(
                lambda s, n: uow.reminders.list(target, job_id, None, None, s, n)
            )
            sent = await _sent_document(uow, application)
        return timeline(application, interviews, reminders, sent)


async def _sent_document(uow: UnitOfWork, application: Application) -> Document | None:
    if application.resume_id is None:
        return None
    document = await uow.documents.get(application.resume_id)
    return document if document is not None and document.user_id == application.user_id else None


# --------------------------------------------------------------------------- calendar


def new_calendar_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


class GetCalendarToken(UseCase):
    """The secret token of the caller's calendar feed, made on first asking."""

    async def execute(self, actor: int, user_id: int | None) -> str:
        target = owner(actor, user_id)
        async with self._uow(read_only=True) as uow:
            token = await uow.calendar_tokens.get(target)
        if token is not None:
            return token
        async with self._uow() as uow:
            await uow.calendar_tokens.add_if_absent(target, new_calendar_token(), self._clock.now())
            token = await uow.calendar_tokens.get(target)
            await uow.commit()
        assert token is not None  # given just now, or by a call alongside
        return token


class RotateCalendarToken(UseCase):
    """The caller's feed gets a new secret token; the old one stops working at once."""

    async def execute(self, actor: int, user_id: int | None) -> str:
        target = owner(actor, user_id)
        token = new_calendar_token()
        async with self._uow() as uow:
            await uow.calendar_tokens.replace(target, token, self._clock.now())
            await self._log(uow, target, ActionType.CALENDAR_URL_ROTATED)
            await uow.commit()
        return token


class ReadCalendarFeed(UseCase):
    """What the feed of a token shows: its owner's interviews and open reminders. An
    unknown (or replaced) token is ``NotFound``, the same for every wrong token."""

    async def execute(self, token: str) -> CalendarFeed:
        async with self._uow(read_only=True) as uow:
            user_id = await uow.calendar_tokens.user_for(token) if token else None
            if user_id is None:
                raise NotFound("calendar", "for this address")
            interviews = await every(lambda s, n: uow.interviews.list(user_id, None, s, n))
            reminders = await every(
                lambda s, n: uow.reminders.list(user_id, None, None, False, s, n)
            )
            job_ids = {i.job_id for i in interviews} | {r.job_id for r in reminders}
            jobs = await uow.jobs.get_many(sorted(job_ids))
        return CalendarFeed(
            user_id=user_id,
            interviews=tuple(interviews),
            reminders=tuple(reminders),
            jobs={j.id: (j.job_title, j.company) for j in jobs},
        )


# --------------------------------------------------------------------------- figures and exports


class GetFunnel(UseCase):
    """The caller's funnel (see :class:`skael_core.agenda.Funnel`)."""

    async def execute(self, actor: int, user_id: int | None) -> Funnel:
        target = owner(actor, user_id)
        async with self._uow(read_only=True) as uow:
            saved = await every(lambda s, n: uow.saved_jobs.list(target, s, n))
            applications = await every(lambda s, n: uow.applications.list(target, None, s, n))
            interviews = await every(lambda s, n: uow.interviews.list(target, None, s, n))
        return funnel([s.job_id for s in saved], applications, interviews)


class ApplicationRecord(msgspec.Struct, frozen=True, kw_only=True):
    """An application and its job (None if the job is gone)."""

    application: Application
    job: Job | None


class SavedRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A saved job and the save."""

    saved: SavedJob
    job: Job


class ExportApplications(UseCase):
    """Every application of the caller (of one status when given), most recently
    updated first, with its job; only the page ``(skip, limit)`` when one is given."""

    async def execute(
        self,
        actor: int,
        user_id: int | None,
        status: ApplicationStatus | None = None,
        page: tuple[int, int] | None = None,
    ) -> list[ApplicationRecord]:
        target = owner(actor, user_id)
        async with self._uow(read_only=True) as uow:
            found = await every(lambda s, n: uow.applications.list(target, status, s, n), page)
            jobs = {j.id: j for j in await uow.jobs.get_many([a.job_id for a in found])}
        return [ApplicationRecord(application=a, job=jobs.get(a.job_id)) for a in found]


class ExportSavedJobs(UseCase):
    """Every saved job of the caller, most recently saved first; only the page
    ``(skip, limit)`` when one is given."""

    async def execute(
        self, actor: int, user_id: int | None, page: tuple[int, int] | None = None
    ) -> list[SavedRecord]:
        target = owner(actor, user_id)
        async with self._uow(read_only=True) as uow:
            found = await every(lambda s, n: uow.saved_jobs.list(target, s, n), page)
            jobs = {j.id: j for j in await uow.jobs.get_many([s.job_id for s in found])}
        return [SavedRecord(saved=s, job=jobs[s.job_id]) for s in found if s.job_id in jobs]
