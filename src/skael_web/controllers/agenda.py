"""The tracker's agenda: interviews, reminders and the timeline of an application
(``/applications/{job_id}/...``), the reminders due (``/reminders``), the calendar
address and feed, and the funnel (``/users/{user_id}/...``).

Every route but the feed takes the caller's bearer token and an optional ``user_id``
(query) that must be the caller's. The feed (``/calendar/{token}.ics``) is public: its
secret address is its credential.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.params import JSONBody, PathParameter, QueryParameter

from ..agenda_schemas import (
    CalendarOut,
    FunnelOut,
    InterviewChangeIn,
    InterviewIdOut,
    InterviewIn,
    InterviewOut,
    InterviewResponse,
    InterviewsOut,
    ReminderChangeIn,
    ReminderIdOut,
    ReminderIn,
    ReminderOut,
    ReminderResponse,
    RemindersOut,
    TimelineEntryOut,
    TimelineOut,
)
from ..auth import ANONYMOUS, PUBLIC
from ..errors import documented
from ..ical import CALENDAR_MEDIA_TYPE, calendar_bytes
from ..schemas import Limit, PathId, Skip, UserIdQuery
from .deps import Core, CurrentCaller

FEED_SUFFIX = ".ics"
DueBefore = Annotated[
    date | None,
    QueryParameter(
        description="a date as YYYY-MM-DD, such as 2026-12-10; only reminders due before "
        "that day are listed"
    ),
]
DoneQuery = Annotated[
    bool | None, QueryParameter(description="true: done reminders only; false: open ones only.")
]
FeedName = Annotated[
    str, PathParameter(max_length=80, description="The secret token, followed by .ics.")
]


class InterviewController(Controller):
    path = "/applications/{job_id:int}"
    tags = ["applications"]

    @post("/interviews", status_code=201)
    async def schedule(
        self,
        core: Core,
        caller: CurrentCaller,
        job_id: PathId,
        data: JSONBody[InterviewIn],
        user_id: UserIdQuery = None,
    ) -> InterviewResponse:
        """Add an interview to the caller's application for the job; logged."""
        made = await core.schedule_interview.execute(caller.user_id, user_id, job_id, data.draft())
        return InterviewResponse.of(made)

    @get("/interviews")
    async def of_application(
        self,
        core: Core,
        caller: CurrentCaller,
        job_id: PathId,
        user_id: UserIdQuery = None,
        skip: Skip = 0,
        limit: Limit = 20,
    ) -> InterviewsOut:
        """The application's interviews, soonest first."""
        page = await core.list_interviews.execute(caller.user_id, user_id, job_id, skip, limit)
        return InterviewsOut(interviews=[InterviewOut.of(i) for i in page.items], total=page.total)

    @get("/interviews/{interview_id:int}")
    async def one(
        self,
        core: Core,
        caller: CurrentCaller,
        job_id: PathId,
        interview_id: PathId,
        user_id: UserIdQuery = None,
    ) -> InterviewResponse:
        """One interview of the application."""
        found = await core.get_interview.execute(caller.user_id, user_id, job_id, interview_id)
        return InterviewResponse.of(found)

    @put("/interviews/{interview_id:int}")
    async def change(
        self,
        core: Core,
        caller: CurrentCaller,
        job_id: PathId,
        interview_id: PathId,
        data: JSONBody[InterviewChangeIn],
        user_id: UserIdQuery = None,
    ) -> InterviewResponse:
        """Change any subset of an interview's fields; logged."""
        changed = await core.change_interview.execute(
            caller.user_id, user_id, job_id, interview_id, data.changes()
        )
        return InterviewResponse.of(changed)

    @delete("/interviews/{interview_id:int}", status_code=200)
    async def cancel(
        self,
        core: Core,
        caller: CurrentCaller,
        job_id: PathId,
        interview_id: PathId,
        user_id: UserIdQuery = None,
    ) -> InterviewIdOut:
        """Remove an interview; logged."""
        await core.cancel_interview.execute(caller.user_id, user_id, job_id, interview_id)
        return InterviewIdOut(interview_id=interview_id)

    @post("/reminders", status_code=201)
    async def add_reminder(
        self,
        core: Core,
        caller: CurrentCaller,
        job_id: PathId,
        data: JSONBody[ReminderIn],
        user_id: UserIdQuery = None,
    ) -> ReminderResponse:
        """Add a follow-up reminder to the caller's application for the job; logged."""
        made = await core.add_reminder.execute(
            caller.user_id, user_id, job_id, data.due_date, data.note
        )
        return ReminderResponse.of(made)

    @get("/reminders")
    async def reminders_of_application(
        self,
        core: Core,
        caller: CurrentCaller,
        job_id: PathId,
        user_id: UserIdQuery = None,
        due_before: DueBefore = None,
        done: DoneQuery = None,
        skip: Skip = 0,
        limit: Limit = 20,
    ) -> RemindersOut:
        """The application's reminders, earliest due first."""
        page = await core.list_reminders.execute(
            caller.user_id, user_id, job_id, due_before, done, skip, limit
        )
        return RemindersOut(reminders=[ReminderOut.of(r) for r in page.items], total=page.total)

    @get("/reminders/{reminder_id:int}")
    async def reminder(
        self,
        core: Core,
        caller: CurrentCaller,
        job_id: PathId,
        reminder_id: PathId,
        user_id: UserIdQuery = None,
    ) -> ReminderResponse:
        """One reminder of the application."""
        found = await core.get_reminder.execute(caller.user_id, user_id, job_id, reminder_id)
        return ReminderResponse.of(found)

    @put("/reminders/{reminder_id:int}")
    async def change_reminder(
        self,
        core: Core,
        caller: CurrentCaller,
        job_id: PathId,
        reminder_id: PathId,
        data: JSONBody[ReminderChangeIn],
        user_id: UserIdQuery = None,
    ) -> ReminderResponse:
        """Change a reminder's due date or note, or mark it done (or not); logged."""
        changed = await core.change_reminder.execute(
            caller.user_id, user_id, job_id, reminder_id, data.changes()
        )
        return ReminderResponse.of(changed)

    @delete("/reminders/{reminder_id:int}", status_code=200)
    async def delete_reminder(
        self,
        core: Core,
        caller: CurrentCaller,
        job_id: PathId,
        reminder_id: PathId,
        user_id: UserIdQuery = None,
    ) -> ReminderIdOut:
        """Remove a reminder; logged."""
        await core.delete_reminder.execute(caller.user_id, user_id, job_id, reminder_id)
        return ReminderIdOut(reminder_id=reminder_id)

    @get("/timeline")
    async def timeline(
        self, core: Core, caller: CurrentCaller, job_id: PathId, user_id: UserIdQuery = None
    ) -> TimelineOut:
        """Everything of the application in time order: status changes, interviews,
        reminders and the document sent."""
        entries = await core.get_timeline.execute(caller.user_id, user_id, job_id)
        events = [TimelineEntryOut.of(e) for e in entries]
        return TimelineOut(job_id=job_id, events=events, total=len(events))


class ReminderController(Controller):
    path = "/reminders"
    tags = ["applications"]

    @get("/")
    async def due(
        self,
        core: Core,
        caller: CurrentCaller,
        user_id: UserIdQuery = None,
        due_before: DueBefore = None,
        done: DoneQuery = None,
        skip: Skip = 0,
        limit: Limit = 20,
    ) -> RemindersOut:
        """The caller's reminders of every application, earliest due first."""
        page = await core.list_reminders.execute(
            caller.user_id, user_id, None, due_before, done, skip, limit
        )
        return RemindersOut(reminders=[ReminderOut.of(r) for r in page.items], total=page.total)


def feed_url(request: Request[Any, Any, Any], token: str) -> str:
    """The absolute address of the feed of ``token`` on the server answering ``request``."""
    return f"{str(request.base_url).rstrip('/')}/calendar/{token}{FEED_SUFFIX}"


class AgendaUserController(Controller):
    path = "/users/{user_id:int}"
    tags = ["users"]

    @get("/calendar")
    async def calendar(
        self, core: Core, caller: CurrentCaller, user_id: PathId, request: Request[Any, Any, Any]
    ) -> CalendarOut:
        """The secret address of the user's calendar feed (interviews and open reminders),
        made on first asking; a calendar application subscribes to it without a token."""
        token = await core.get_calendar_token.execute(caller.user_id, user_id)
        return CalendarOut(url=feed_url(request, token))

    @post("/calendar/rotate", status_code=200)
    async def rotate(
        self, core: Core, caller: CurrentCaller, user_id: PathId, request: Request[Any, Any, Any]
    ) -> CalendarOut:
        """Give the feed a new secret address; the old one answers 404 from now on."""
        token = await core.rotate_calendar_token.execute(caller.user_id, user_id)
        return CalendarOut(url=feed_url(request, token))

    @get("/funnel")
    async def funnel(self, core: Core, caller: CurrentCaller, user_id: PathId) -> FunnelOut:
        """Counts and conversions from saved to applied to interview to offer, and the
        median days from applying to the first answer."""
        figures = await core.get_funnel.execute(caller.user_id, user_id)
        return FunnelOut.of(user_id, figures)


class CalendarFeedController(Controller):
    path = "/calendar"
    tags = ["users"]

    @get(
        "/{feed:str}",
        opt=PUBLIC,
        security=ANONYMOUS,
        media_type=CALENDAR_MEDIA_TYPE,
        responses={404: documented("No feed at this address: unknown, or replaced by a rotation")},
    )
    async def feed(self, core: Core, feed: FeedName) -> Response[bytes]:
        """The calendar feed of a secret address (iCalendar); no bearer token. An unknown
        or rotated address is a 404."""
        token = feed.removesuffix(FEED_SUFFIX)
        calendar = await core.read_calendar_feed.execute(token)
        return Response(
            content=calendar_bytes(calendar),
            media_type=CALENDAR_MEDIA_TYPE,
            headers={
                "Content-Disposition": 'inline; filename="skael.ics"',
                "Cache-Control": "private, no-store",
            },
        )
