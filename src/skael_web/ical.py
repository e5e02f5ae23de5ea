"""A person's calendar feed as iCalendar (RFC 5545), written with the icalendar package.

Each interview is an event from its start to its end, in UTC (a calendar application
shows it in its own zone); each open reminder is an all-day event on its due date.
Event ids are stable (``interview-<id>@skael``), so a subscribed calendar updates an
event in place when it changes.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Final

from icalendar import Calendar, Event

from skael_core.agenda import CalendarFeed, Interview, Reminder

CALENDAR_MEDIA_TYPE: Final = "text/calendar"
"""Litestar adds ``; charset=utf-8`` to a text type."""
PRODUCT_ID: Final = "-//Skael//Job search tracker//EN"
_KIND_WORDS: Final = {
    "phone": "phone",
    "video": "video",
    "onsite": "on-site",
    "take_home": "take-home",
}


def _job_words(feed: CalendarFeed, job_id: int) -> str:
    title, company = feed.jobs.get(job_id, ("a job", None))
    return f"{title} at {company}" if company else title


def _interview_event(feed: CalendarFeed, interview: Interview) -> Event:
    event = Event()
    event.add("uid", f"interview-{interview.id}@skael")
    event.add("dtstamp", interview.updated_at)
    event.add("last-modified", interview.updated_at)
    words = _KIND_WORDS[interview.kind.value]
    event.add(
        "summary",
        f"Interview round {interview.round} ({words}): {_job_words(feed, interview.job_id)}",
    )
    event.add("dtstart", interview.starts_at.astimezone(UTC))
    event.add("dtend", interview.ends_at.astimezone(UTC))
    if interview.place or interview.link:
        event.add("location", interview.place or interview.link)
    if interview.link:
        event.add("url", interview.link)
    if interview.notes:
        event.add("description", interview.notes)
    return event


def _reminder_event(feed: CalendarFeed, reminder: Reminder) -> Event:
    event = Event()
    event.add("uid", f"reminder-{reminder.id}@skael")
    event.add("dtstamp", reminder.created_at)
    event.add("summary", f"Follow up: {_job_words(feed, reminder.job_id)}")
    event.add("dtstart", reminder.due_date)
    event.add("dtend", reminder.due_date + timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    if reminder.note:
        event.add("description", reminder.note)
    return event


def calendar_bytes(feed: CalendarFeed) -> bytes:
    """The feed as an iCalendar document."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Skael: interviews and follow-ups")
    for interview in feed.interviews:
        calendar.add_component(_interview_event(feed, interview))
    for reminder in feed.reminders:
        calendar.add_component(_reminder_event(feed, reminder))
    return bytes(calendar.to_ical())
