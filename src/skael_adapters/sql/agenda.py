"""Interviews, reminders and calendar tokens over SQLAlchemy Core, with the memory
adapter's semantics.

An interview's start is stored in UTC (``starts_at``) beside the offset it was given
at (``utc_offset_minutes``): rows order by the instant, and reading a row gives the
start back at its own offset. Rows and Structs are mapped here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import Row

from skael_core.agenda import Interview, InterviewKind, Reminder, with_offset
from skael_core.model import Page
from skael_core.ports import CalendarTokenRepository, InterviewRepository, ReminderRepository

from .base import SqlRepository
from .tables import calendar_tokens, interviews, reminders

# --------------------------------------------------------------------------- mapping


def interview_to_row(interview: Interview) -> dict[str, Any]:
    return {
        "user_id": interview.user_id,
        "job_id": interview.job_id,
        "round": interview.round,
        "kind": interview.kind.value,
        "starts_at": interview.starts_at,
        "utc_offset_minutes": interview.offset_minutes,
        "time_zone": interview.time_zone,
        "duration_minutes": interview.duration_minutes,
        "place": interview.place,
        "link": interview.link,
        "notes": interview.notes,
        "created_at": interview.created_at,
        "updated_at": interview.updated_at,
    }


def interview_to_domain(row: Row[Any]) -> Interview:
    return Interview(
        id=row.id,
        user_id=row.user_id,
        job_id=row.job_id,
        round=row.round,
        kind=InterviewKind(row.kind),
        starts_at=with_offset(row.starts_at, row.utc_offset_minutes),
        time_zone=row.time_zone,
        duration_minutes=row.duration_minutes,
        place=row.place,
        link=row.link,
        notes=row.notes,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def reminder_to_row(reminder: Reminder) -> dict[str, Any]:
    return {
        "user_id": reminder.user_id,
        "job_id": reminder.job_id,
        "due_date": reminder.due_date,
        "note": reminder.note,
        "done": reminder.done,
        "done_at": reminder.done_at,
        "created_at": reminder.created_at,
    }


def reminder_to_domain(row: Row[Any]) -> Reminder:
    return Reminder(
        id=row.id,
        user_id=row.user_id,
        job_id=row.job_id,
        due_date=row.due_date,
        note=row.note,
        done=bool(row.done),
        done_at=row.done_at,
        created_at=row.created_at,
    )


# --------------------------------------------------------------------------- repositories


class SqlInterviewRepository(SqlRepository, InterviewRepository):
    async def add(self, interview: Interview) -> Interview:
        statement = (
            sa.insert(interviews).values(interview_to_row(interview)).returning(interviews.c.id)
        )
        new_id = (await self._conn.execute(statement)).scalar_one()
        return msgspec.structs.replace(interview, id=new_id)

    async def get(self, interview_id: int) -> Interview | None:
        return await self._read(interview_id, for_update=False)

    async def lock(self, interview_id: int) -> Interview | None:
        """``SELECT ... FOR UPDATE`` on PostgreSQL (see ``SqlRepository._first``)."""
        return await self._read(interview_id, for_update=True)

    async def _read(self, interview_id: int, *, for_update: bool) -> Interview | None:
        query = sa.select(interviews).where(interviews.c.id == interview_id)
        row = await self._first(query, for_update=for_update)
        return None if row is None else interview_to_domain(row)

    async def update(self, interview: Interview) -> bool:
        statement = (
            sa.update(interviews)
            .where(interviews.c.id == interview.id)
            .values(interview_to_row(interview))
        )
        return (await self._conn.execute(statement)).rowcount > 0

    async def delete(self, interview_id: int) -> bool:
        statement = sa.delete(interviews).where(interviews.c.id == interview_id)
        return (await self._conn.execute(statement)).rowcount > 0

    async def list(
        self, user_id: int, job_id: int | None, skip: int, limit: int
    ) -> Page[Interview]:
        query = sa.select(interviews).where(interviews.c.user_id == user_id)
        if job_id is not None:
            query = query.where(interviews.c.job_id == job_id)
        query = query.order_by(interviews.c.starts_at, interviews.c.id)
        return await self._page(query, skip, limit, interview_to_domain)


class SqlReminderRepository(SqlRepository, ReminderRepository):
    async def add(self, reminder: Reminder) -> Reminder:
        statement = sa.insert(reminders).values(reminder_to_row(reminder)).returning(reminders.c.id)
        new_id = (await self._conn.execute(statement)).scalar_one()
        return msgspec.structs.replace(reminder, id=new_id)

    async def get(self, reminder_id: int) -> Reminder | None:
        return await self._read(reminder_id, for_update=False)

    async def lock(self, reminder_id: int) -> Reminder | None:
        """``SELECT ... FOR UPDATE`` on PostgreSQL (see ``SqlRepository._first``)."""
        return await self._read(reminder_id, for_update=True)

    async def _read(self, reminder_id: int, *, for_update: bool) -> Reminder | None:
        query = sa.select(reminders).where(reminders.c.id == reminder_id)
        row = await self._first(query, for_update=for_update)
        return None if row is None else reminder_to_domain(row)

    async def update(self, reminder: Reminder) -> bool:
        statement = (
            sa.update(reminders)
            .where(reminders.c.id == reminder.id)
            .values(reminder_to_row(reminder))
        )
        return (await self._conn.execute(statement)).rowcount > 0

    async def delete(self, reminder_id: int) -> bool:
        statement = sa.delete(reminders).where(reminders.c.id == reminder_id)
        return (await self._conn.execute(statement)).rowcount > 0

    async def list(
        self,
        user_id: int,
        job_id: int | None,
        due_before: date | None,
        done: bool | None,
        skip: int,
        limit: int,
    ) -> Page[Reminder]:
        query = sa.select(reminders).where(reminders.c.user_id == user_id)
        if job_id is not None:
            query = query.where(reminders.c.job_id == job_id)
        if due_before is not None:
            query = query.where(reminders.c.due_date < due_before)
        if done is not None:
            query = query.where(reminders.c.done == done)
        query = query.order_by(reminders.c.due_date, reminders.c.id)
        return await self._page(query, skip, limit, reminder_to_domain)


class SqlCalendarTokenRepository(SqlRepository, CalendarTokenRepository):
    async def get(self, user_id: int) -> str | None:
        query = sa.select(calendar_tokens.c.token).where(calendar_tokens.c.user_id == user_id)
        found: str | None = (await self._conn.execute(query)).scalar_one_or_none()
        return found

    async def add_if_absent(self, user_id: int, token: str, at: datetime) -> bool:
        """``ON CONFLICT DO NOTHING`` on the user: PostgreSQL waits for a token given by a
        transaction not yet ended, then counts it as given."""
        statement = (
            self._insert(calendar_tokens)
            .values(user_id=user_id, token=token, created_at=at)
            .on_conflict_do_nothing(index_elements=[calendar_tokens.c.user_id])
            .returning(calendar_tokens.c.user_id)
        )
        return (await self._conn.execute(statement)).first() is not None

    async def replace(self, user_id: int, token: str, at: datetime) -> None:
        insert = self._insert(calendar_tokens)
        statement = insert.values(
            user_id=user_id, token=token, created_at=at
        ).on_conflict_do_update(
            index_elements=[calendar_tokens.c.user_id],
            set_={"token": insert.excluded.token, "created_at": insert.excluded.created_at},
        )
        await self._conn.execute(statement)

    async def user_for(self, token: str) -> int | None:
        query = sa.select(calendar_tokens.c.user_id).where(calendar_tokens.c.token == token)
        found = (await self._conn.execute(query)).scalar_one_or_none()
        return None if found is None else int(found)
