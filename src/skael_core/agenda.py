"""The tracker's agenda: interviews and follow-up reminders of an application, the
application's timeline, and the funnel figures of a person's search.

Domain Structs and the pure rules over them; the use cases are in
``usecases/agenda.py``.

An interview's start keeps the offset it was given ("09:30 at +01:00" stays 09:30 at
+01:00, not 08:30 UTC), and, when one was named, the IANA time zone it was given in.
"""

from __future__ import annotations

import enum
import statistics
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import InvalidInput
from .model import Application, ApplicationStatus, Document, Domain

MAX_ROUND = 100
FIRST_YEAR = 1900
LAST_YEAR = 2999
"""Interviews start, and reminders fall due, within these years (as written): far
enough either way for any search, and short of the ends of Python's calendar, where a
start plus its duration, or a due day plus one, would not exist."""
MAX_DURATION_MINUTES = 30 * 24 * 60
"""The longest interview (a take-home task may run for days): 30 days."""


class InterviewKind(enum.StrEnum):
    PHONE = "phone"
    VIDEO = "video"
    ONSITE = "onsite"
    TAKE_HOME = "take_home"


class Interview(Domain, frozen=True, kw_only=True):
    """One interview of an application (the user's application to ``job_id``).

    ``starts_at`` is timezone-aware and keeps the offset it was given; ``time_zone``
    is the IANA zone it was given in, if any (its offset at ``starts_at`` is the
    offset of ``starts_at``).
    """

    id: int = 0
    user_id: int
    job_id: int
    round: int = 1
    kind: InterviewKind
    starts_at: datetime
    time_zone: str | None = None
    duration_minutes: int = 60
    place: str | None = None
    link: str | None = None
    notes: str | None = None
    created_at: datetime
    updated_at: datetime

    def __post_init__(self) -> None:
        if self.starts_at.utcoffset() is None:
            raise ValueError("starts_at must carry a UTC offset")
        if not 1 <= self.round <= MAX_ROUND:
            raise ValueError(f"round lies within 1..{MAX_ROUND}")
        if not 1 <= self.duration_minutes <= MAX_DURATION_MINUTES:
            raise ValueError(f"duration_minutes lies within 1..{MAX_DURATION_MINUTES}")

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def offset_minutes(self) -> int:
        """The offset of ``starts_at`` from UTC, in minutes (east positive)."""
        offset = self.starts_at.utcoffset()
        assert offset is not None  # checked in __post_init__
        return int(offset.total_seconds() // 60)


class Reminder(Domain, frozen=True, kw_only=True):
    """A follow-up to do about an application by ``due_date``."""

    id: int = 0
    user_id: int
    job_id: int
    due_date: date
    note: str | None = None
    done: bool = False
    done_at: datetime | None = None
    created_at: datetime

    @property
    def due_at(self) -> datetime:
        """Where a reminder sits among moments: the start of its due day, UTC."""
        return datetime.combine(self.due_date, time(0), tzinfo=UTC)


class CalendarFeed(Domain, frozen=True, kw_only=True):
    """What a person's calendar feed shows: their interviews and open reminders, with
    the title and company of each job they are about (by job id)."""

    user_id: int
    interviews: tuple[Interview, ...]
    reminders: tuple[Reminder, ...]
    jobs: dict[int, tuple[str, str | None]]


# --------------------------------------------------------------------------- time zones


def zoned_start(starts_at: datetime, time_zone: str | None) -> datetime:
    """``starts_at`` checked against ``time_zone``: aware, and, when a zone is named, a
    known IANA zone whose offset at that moment is the one given.

    ``InvalidInput`` names what is wrong; the value is returned unchanged.
    """
    if starts_at.utcoffset() is None:
        raise InvalidInput.field(
            "starts_at", "must carry a UTC offset, such as 2026-12-10T09:30:00+01:00"
        )
    if not FIRST_YEAR <= starts_at.year <= LAST_YEAR:
        raise InvalidInput.field("starts_at", f"must lie within the years {FIRST_YEAR}-{LAST_YEAR}")
    if time_zone is None:
        return starts_at
    zone = _zone(time_zone)
    expected = starts_at.astimezone(zone).utcoffset()
    if expected != starts_at.utcoffset():
        raise InvalidInput.field(
            "time_zone",
            f"{time_zone} is at {_offset_text(expected)} on that date, "
            f"but starts_at says {_offset_text(starts_at.utcoffset())}",
        )
    return starts_at


def due_day(value: date, field: str = "due_date") -> date:
    """``value`` if it lies within the years reminders may fall due in."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise InvalidInput.field(field, f"must lie within the years {FIRST_YEAR}-{LAST_YEAR}")
    return value


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput.field(
            "time_zone", f"{name!r} is not an IANA time zone such as Europe/Paris"
        ) from None


def _offset_text(offset: timedelta | None) -> str:
    minutes = int((offset or timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def with_offset(utc: datetime, offset_minutes: int) -> datetime:
    """The moment ``utc`` as seen at ``offset_minutes`` east of UTC."""
    return utc.astimezone(timezone(timedelta(minutes=offset_minutes)))


# --------------------------------------------------------------------------- timeline


class TimelineKind(enum.StrEnum):
    STATUS_CHANGE = "status_change"
    INTERVIEW = "interview"
    REMINDER = "reminder"
    DOCUMENT_SENT = "document_sent"


class TimelineEntry(Domain, frozen=True, kw_only=True):
    """One thing in an application's life, at ``at``; the field of its kind is set."""

    at: datetime
    kind: TimelineKind
    status: ApplicationStatus | None = None
    previous_status: ApplicationStatus | None = None
    interview: Interview | None = None
    reminder: Reminder | None = None
    document: Document | None = None


_KIND_ORDER = {kind: n for n, kind in enumerate(TimelineKind)}


def timeline(
    application: Application,
    interviews: Iterable[Interview],
    reminders: Iterable[Reminder],
    sent: Document | None,
) -> list[TimelineEntry]:
    """Everything of one application in time order: each status change (with the status
    before it), each interview at its start, each reminder at the start of its due day
    (UTC), and the document sent when applying, at the application's ``applied_date``.

    Ties keep that order of kinds, then the order of the history and of the ids.
    """
    entries: list[TimelineEntry] = []
    previous: ApplicationStatus | None = None
    for change in application.history:
        entries.append(
            TimelineEntry(
                at=change.at,
                kind=TimelineKind.STATUS_CHANGE,
                status=change.status,
                previous_status=previous,
            )
        )
        previous = change.status
    entries += [
        TimelineEntry(at=i.starts_at, kind=TimelineKind.INTERVIEW, interview=i) for i in interviews
    ]
    entries += [
        TimelineEntry(at=r.due_at, kind=TimelineKind.REMINDER, reminder=r) for r in reminders
    ]
    if sent is not None:
        at = application.applied_date or sent.created_at
        entries.append(TimelineEntry(at=at, kind=TimelineKind.DOCUMENT_SENT, document=sent))
    # sorted() is stable: within a kind, entries keep the order they were added in
    return sorted(entries, key=lambda e: (e.at, _KIND_ORDER[e.kind]))


# --------------------------------------------------------------------------- funnel

_APPLIED_OR_LATER = frozenset(
    {ApplicationStatus.APPLIED, ApplicationStatus.INTERVIEWING, ApplicationStatus.OFFER}
)
_INTERVIEW_OR_LATER = frozenset({ApplicationStatus.INTERVIEWING, ApplicationStatus.OFFER})
_ANSWERS = frozenset(
    {ApplicationStatus.INTERVIEWING, ApplicationStatus.OFFER, ApplicationStatus.REJECTED}
)


class Funnel(Domain, frozen=True, kw_only=True):
    """How far a person's applications got.

    Each stage counts the jobs that reached it or a later one: ``saved`` every job
    saved or tracked, ``applied`` those applied to, ``interview`` those with an
    interview, ``offer`` those with an offer. Conversions are fractions of the stage
    before (None when it is empty). ``median_days_to_answer`` is the median, over the
    ``answered`` applications, of the days from applying to the first answer (the first
    move to Interviewing, Offer or Rejected after applying, or the first interview
    recorded after it, whichever came first).
    """

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


def funnel(
    saved_job_ids: Iterable[int],
    applications: Sequence[Application],
    interviews: Iterable[Interview],
) -> Funnel:
    """The funnel of one person's saved jobs, applications and interviews."""
    interviewed: dict[int, list[datetime]] = {}
    for recorded in interviews:
        interviewed.setdefault(recorded.job_id, []).append(recorded.created_at)
    tracked = set(saved_job_ids) | {a.job_id for a in applications}
    applied = interview = offer = rejected = 0
    waits: list[float] = []
    for a in applications:
        seen = {change.status for change in a.history} | {a.status}
        has_interview = a.job_id in interviewed or bool(seen & _INTERVIEW_OR_LATER)
        if a.applied_date is not None or seen & _APPLIED_OR_LATER or has_interview:
            applied += 1
        interview += has_interview
        offer += ApplicationStatus.OFFER in seen
        rejected += ApplicationStatus.REJECTED in seen
        wait = _days_to_answer(a, interviewed.get(a.job_id, []))
        if wait is not None:
            waits.append(wait)
    return Funnel(
        saved=len(tracked),
        applied=applied,
        interview=interview,
        offer=offer,
        rejected=rejected,
        saved_to_applied=_ratio(applied, len(tracked)),
        applied_to_interview=_ratio(interview, applied),
        interview_to_offer=_ratio(offer, interview),
        saved_to_offer=_ratio(offer, len(tracked)),
        answered=len(waits),
        median_days_to_answer=round(statistics.median(waits), 1) if waits else None,
    )


def _applied_at(application: Application) -> datetime | None:
    if application.applied_date is not None:
        return application.applied_date
    return next((c.at for c in application.history if c.status is ApplicationStatus.APPLIED), None)


def _days_to_answer(application: Application, interviews_recorded: list[datetime]) -> float | None:
    applied = _applied_at(application)
    if applied is None:
        return None
    answers = [c.at for c in application.history if c.status in _ANSWERS and c.at >= applied]
    answers += [at for at in interviews_recorded if at >= applied]
    if not answers:
        return None
    return (min(answers) - applied).total_seconds() / 86_400


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
