"""Wire shapes of the tracker's agenda: interviews, reminders, the timeline, the
calendar address and the funnel.

An interview's ``starts_at`` is answered at the offset it was given
("2026-12-10T09:30:00+01:00"), with ``starts_at_utc`` and ``ends_at`` beside it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Final, Literal, Self

import msgspec
from msgspec import UNSET, Meta, UnsetType

from skael_core.agenda import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_DURATION_MINUTES,
    MAX_ROUND,
    Funnel,
    Interview,
    InterviewKind,
    Reminder,
    TimelineEntry,
    TimelineKind,
)
from skael_core.model import ApplicationStatus, DocumentKind
from skael_core.usecases.agenda import MAX_LINK, InterviewChanges, InterviewDraft, ReminderChanges

from .schemas import LongText, ShortText, Success, Wire
from .wording import choice, chosen

INTERVIEW_KINDS: Final = tuple(k.value for k in InterviewKind)
InterviewKindText = Annotated[str, choice(INTERVIEW_KINDS)]
"""An interview kind, in any letter case."""
YEARS: Final = "^(?:19|2[0-9])[0-9][0-9]-"
"""Years FIRST_YEAR to LAST_YEAR, as JSON Schema states them (the core checks them)."""
StartTime = Annotated[
    datetime,
    Meta(
        tz=True,
        description="a date and time with its UTC offset (ISO 8601), such as "
        f"2026-12-10T09:30:00+01:00, in the years {FIRST_YEAR}-{LAST_YEAR}",
        extra_json_schema={"extra": {"pattern": YEARS}},
    ),
]
Round = Annotated[int, Meta(ge=1, le=MAX_ROUND, description=f"1 to {MAX_ROUND}")]
Duration = Annotated[
    int,
    Meta(ge=1, le=MAX_DURATION_MINUTES, description=f"minutes, 1 to {MAX_DURATION_MINUTES}"),
]
ZoneName = Annotated[str, Meta(max_length=64, description="an IANA time zone such as Europe/Paris")]
Link = Annotated[str, Meta(max_length=MAX_LINK)]
DATE_WORDS: Final = (
    f"a date as YYYY-MM-DD, such as 2026-12-10, in the years {FIRST_YEAR}-{LAST_YEAR}"
)
DueDay = Annotated[
    date, Meta(description=DATE_WORDS, extra_json_schema={"extra": {"pattern": YEARS}})
]


class InterviewIn(Wire, kw_only=True):
    """A new interview: ``kind`` and ``starts_at`` (with its offset) are required."""

    kind: InterviewKindText
    starts_at: StartTime
    round: Round = 1
    duration_minutes: Duration = 60
    time_zone: ZoneName | None = None
    place: ShortText | None = None
    link: Link | None = None
    notes: LongText | None = None

    def draft(self) -> InterviewDraft:
        return InterviewDraft(
            kind=chosen(InterviewKind, self.kind),
            starts_at=self.starts_at,
            round=self.round,
            duration_minutes=self.duration_minutes,
            time_zone=self.time_zone,
            place=self.place,
            link=self.link,
            notes=self.notes,
        )


class InterviewChangeIn(Wire, kw_only=True):
    """Any subset of an interview's fields; null clears ``time_zone``, ``place``,
    ``link`` and ``notes``."""

    kind: InterviewKindText | UnsetType = UNSET
    starts_at: StartTime | UnsetType = UNSET
    round: Round | UnsetType = UNSET
    duration_minutes: Duration | UnsetType = UNSET
    time_zone: ZoneName | None | UnsetType = UNSET
    place: ShortText | None | UnsetType = UNSET
    link: Link | None | UnsetType = UNSET
    notes: LongText | None | UnsetType = UNSET

    def changes(self) -> InterviewChanges:
        kind = self.kind if isinstance(self.kind, UnsetType) else chosen(InterviewKind, self.kind)
        return InterviewChanges(
            kind=kind,
            starts_at=self.starts_at,
            round=self.round,
            duration_minutes=self.duration_minutes,
            time_zone=self.time_zone,
            place=self.place,
            link=self.link,
            notes=self.notes,
        )


class InterviewOut(Wire, kw_only=True):
    id: int
    job_id: int
    round: int
    kind: InterviewKind
    starts_at: datetime
    starts_at_utc: datetime
    ends_at: datetime
    time_zone: str | None
    duration_minutes: int
    place: str | None
    link: str | None
    notes: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, interview: Interview) -> Self:
        fields = msgspec.structs.asdict(interview)
        del fields["user_id"]
        return cls(
            **fields,
            starts_at_utc=interview.starts_at.astimezone(UTC),
            ends_at=interview.ends_at,
        )


class InterviewResponse(InterviewOut, kw_only=True):
    """One interview at the top level."""

    messages: Literal["success"] = "success"


class InterviewsOut(Success, kw_only=True):
    interviews: list[InterviewOut]
    total: int | None = None


class InterviewIdOut(Success, kw_only=True):
    interview_id: int


class ReminderIn(Wire, kw_only=True):
    due_date: DueDay
    note: LongText | None = None


class ReminderChangeIn(Wire, kw_only=True):
    """Any subset of ``due_date``, ``note`` (null clears it) and ``done``."""

    due_date: DueDay | UnsetType = UNSET
    note: LongText | None | UnsetType = UNSET
    done: bool | UnsetType = UNSET

    def changes(self) -> ReminderChanges:
        return ReminderChanges(due_date=self.due_date, note=self.note, done=self.done)


class ReminderOut(Wire, kw_only=True):
    id: int
    job_id: int
    due_date: date
    note: str | None
    done: bool
    done_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, reminder: Reminder) -> Self:
        fields = msgspec.structs.asdict(reminder)
        del fields["user_id"]
        return cls(**fields)


class ReminderResponse(ReminderOut, kw_only=True):
    """One reminder at the top level."""

    messages: Literal["success"] = "success"


class RemindersOut(Success, kw_only=True):
    reminders: list[ReminderOut]
    total: int | None = None


class ReminderIdOut(Success, kw_only=True):
    reminder_id: int


class TimelineEntryOut(Wire, kw_only=True):
    """One entry; the fields of its ``kind`` are set, the others null."""

    at: datetime
    kind: TimelineKind
    status: ApplicationStatus | None = None
    previous_status: ApplicationStatus | None = None
    interview: InterviewOut | None = None
    reminder: ReminderOut | None = None
    document_id: int | None = None
    document_kind: DocumentKind | None = None

    @classmethod
    def of(cls, entry: TimelineEntry) -> Self:
        document = entry.document
        return cls(
            at=entry.at,
            kind=entry.kind,
            status=entry.status,
            previous_status=entry.previous_status,
            interview=InterviewOut.of(entry.interview) if entry.interview else None,
            reminder=ReminderOut.of(entry.reminder) if entry.reminder else None,
            document_id=document.id if document else None,
            document_kind=document.kind if document else None,
        )


class TimelineOut(Success, kw_only=True):
    job_id: int
    events: list[TimelineEntryOut]
    total: int


class CalendarOut(Success, kw_only=True):
    url: str
    """The feed's address: anyone holding it reads the feed, without a token."""


class FunnelOut(Success, kw_only=True):
    user_id: int
    saved: int
    applied: int
    interview: int
    offer: int
    rejected: int
    saved_to_applied: float | None
    applied_to_interview: float | None
    interview_to_offer: float | None
    saved_to_offer: float | None
    answered: int
    median_days_to_answer: float | None

    @classmethod
    def of(cls, user_id: int, figures: Funnel) -> Self:
        return cls(user_id=user_id, **msgspec.structs.asdict(figures))
