"""Migration 0003 moves each application's JSON history into rows of
``application_history`` and back, and names the activity of existing saves and
applications, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import msgspec
import sqlalchemy as sa

from adapters.sql.sql_support import T0, SqlTarget, person, posting
from contract.contract_builders import application
from skael_adapters.sql import SqlDatabase, mapping, migrate
from skael_adapters.sql.tables import UtcDateTime
from skael_adapters.sql.tables import jobs as job_table
from skael_core.model import ApplicationStatus, StatusChange

HISTORY = (
    StatusChange(status=ApplicationStatus.INTERESTED, at=T0),
    StatusChange(status=ApplicationStatus.APPLIED, at=T0 + timedelta(hours=1, microseconds=5)),
    StatusChange(status=ApplicationStatus.INTERVIEWING, at=T0 + timedelta(days=2)),
)

_applications = sa.table(
    "applications",
    *(sa.column(name) for name in ("id", "user_id", "job_id", "status", "history")),
    sa.column("last_updated", UtcDateTime),
)
_saved = sa.table(
    "saved_jobs", sa.column("user_id"), sa.column("job_id"), sa.column("saved_at", UtcDateTime)
)
_activities = sa.table(
    "activities",
    *(sa.column(name) for name in ("id", "user_id", "job_id", "action_type", "data")),
    sa.column("created_at", UtcDateTime),
)


def _activity(n: int, user: int, job: int, action: str, at: Any) -> dict[str, Any]:
    row = {"id": n, "user_id": user, "job_id": job, "action_type": action, "data": "{}"}
    return {**row, "created_at": at}


def _application(n: int, user: int, job: int, status: str, history: str) -> dict[str, Any]:
    row = {"id": n, "user_id": user, "job_id": job, "status": status, "history": history}
    return {**row, "last_updated": T0}


async def _rows_at_0002(db: SqlDatabase) -> tuple[int, list[int]]:
    """A user, two jobs, two applications (one with history), a save and activities."""
    async with db.unit_of_work() as uow:
        user = (await uow.users.add(person(1))).id
        # the job rows as revision 0002 had them (the repository writes later columns)
        jobs = [1, 2]
        for job_id in jobs:
            values = mapping.job_row(posting(job_id), None)
            row = dict(zip(mapping.JOB_ROW_NAMES, values, strict=True))
            del row["same_key"]
            await uow.connection.execute(sa.insert(job_table).values(id=job_id, **row))
        history = msgspec.json.encode(HISTORY).decode()
        applications = [
            _application(1, user, jobs[0], "Interviewing", history),
            _application(2, user, jobs[1], "Interested", "[]"),
        ]
        await uow.connection.execute(sa.insert(_applications), applications)
        saved_at = T0 + timedelta(days=1)
        await uow.connection.execute(
            sa.insert(_saved), {"user_id": user, "job_id": jobs[0], "saved_at": saved_at}
        )
        activities = [
            _activity(10, user, jobs[0], "JOB_SAVED", T0),  # an earlier save, since undone
            _activity(11, user, jobs[0], "JOB_APPLIED", T0 + timedelta(hours=1)),
            _activity(12, user, jobs[0], "JOB_SAVED", saved_at + timedelta(microseconds=30)),
            _activity(13, user, jobs[0], "JOB_SAVED", saved_at + timedelta(hours=1)),  # a repeat
        ]
        await uow.connection.execute(sa.insert(_activities), activities)
        await uow.commit()
    return user, jobs


async def test_0003_moves_history_into_rows_and_back(sql_target: SqlTarget) -> None:
    options = sql_target.engine_options
    await migrate.upgrade(sql_target.url, "0002", **options)
    db = SqlDatabase.from_url(sql_target.url, **options)
    try:
        user, jobs = await _rows_at_0002(db)
        await migrate.upgrade(sql_target.url, "0003", **options)
        async with db.unit_of_work() as uow:
            first = await uow.applications.get(user, jobs[0])
            second = await uow.applications.get(user, jobs[1])
            saved = await uow.saved_jobs.get(user, jobs[0])
        assert first is not None and second is not None and saved is not None
        assert (first.history, first.applied_activity_id) == (HISTORY, 11)
        assert (second.history, second.applied_activity_id) == ((), None)
        assert saved.activity_id == 12

        await migrate.downgrade(sql_target.url, "0002", **options)

        def stored(connection: sa.Connection) -> dict[int, tuple[StatusChange, ...]]:
            rows = connection.execute(sa.text("SELECT id, history FROM applications"))
            return {i: msgspec.json.decode(h, type=tuple[StatusChange, ...]) for i, h in rows}

        assert await migrate.run_on(sql_target.url, stored, **options) == {1: HISTORY, 2: ()}
        await migrate.upgrade(sql_target.url, **options)
        async with db.unit_of_work() as uow:
            again = await uow.applications.get(user, jobs[0])
        assert again is not None and again.history == HISTORY
    finally:
        await db.dispose()


async def test_history_goes_with_its_application(database: SqlDatabase) -> None:
    async with database.unit_of_work() as uow:
        user = (await uow.users.add(person(1))).id
        (job,) = (await uow.jobs.upsert_many([posting(1)])).ids
        await uow.commit()
    async with database.unit_of_work() as uow:
        await uow.applications.save(application(user, job, history=HISTORY))
        await uow.commit()
    async with database.unit_of_work() as uow:
        assert await uow.users.delete(user)
        await uow.commit()
        left = await uow.connection.execute(sa.text("SELECT count(*) FROM application_history"))
        assert left.scalar_one() == 0
