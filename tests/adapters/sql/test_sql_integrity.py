"""Deleting a user leaves nothing that names them; a failed write leaves nothing at all."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from adapters.sql.sql_support import T0, counting_statements, person, posting
from skael_adapters.sql import SqlDatabase
from skael_adapters.sql.tables import USER_OWNED, metadata, users
from skael_core.agenda import Interview, InterviewKind, Reminder
from skael_core.model import (
    Activity,
    Analysis,
    Application,
    ApplicationStatus,
    BlockedCompany,
    DismissedJob,
    Document,
    DocumentKind,
    IdentityLink,
    Notification,
    SavedJob,
    SavedSearch,
    WebhookDelivery,
)


class InjectedFault(Exception):
    """Raised by a test in the middle of a write."""


async def _give_everything(db: SqlDatabase, user_id: int, job_ids: list[int]) -> None:
    async with db.unit_of_work() as uow:
        resume = await uow.documents.add(
            Document(
                user_id=user_id,
                job_id=job_ids[0],
                kind=DocumentKind.RESUME,
                source="upload",
                content="cv",
                created_at=T0,
            )
        )
        for job_id in job_ids:
            await uow.saved_jobs.add(SavedJob(user_id=user_id, job_id=job_id, saved_at=T0))
            await uow.analyses.add(
                Analysis(user_id=user_id, job_id=job_id, score=50, explanation="ok", created_at=T0)
            )
            await uow.applications.save(
                Application(
                    user_id=user_id,
                    job_id=job_id,
                    status=ApplicationStatus.APPLIED,
                    resume_id=resume.id,
                    last_updated=T0,
                )
            )
            await uow.activities.add(
                Activity(user_id=user_id, job_id=job_id, action_type="JOB_SAVED", created_at=T0)
            )
            await uow.interviews.add(
                Interview(
                    user_id=user_id,
                    job_id=job_id,
                    kind=InterviewKind.PHONE,
                    starts_at=T0,
                    created_at=T0,
                    updated_at=T0,
                )
            )
            await uow.reminders.add(
                Reminder(user_id=user_id, job_id=job_id, due_date=T0.date(), created_at=T0)
            )
        await uow.calendar_tokens.replace(user_id, f"token-of-{user_id}", T0)
        await uow.identity_links.add(
            IdentityLink(
                issuer="https://id.test", subject=f"u{user_id}", user_id=user_id, linked_at=T0
            )
        )
        search = await uow.saved_searches.add(
            SavedSearch(user_id=user_id, created_at=T0, next_run_at=T0)
        )
        await uow.notifications.add_many(
            [
                Notification(
                    user_id=user_id, job_id=j, search_id=search.id, score=50, created_at=T0
                )
                for j in job_ids
            ]
        )
        dismissed = DismissedJob(user_id=user_id, job_id=job_ids[0], dismissed_at=T0)
        await uow.dismissed_jobs.add(dismissed)
        await uow.blocked_companies.add(BlockedCompany(user_id=user_id, key="Acme", blocked_at=T0))
        await uow.webhook_outbox.add(
            WebhookDelivery(
                user_id=user_id, search_id=search.id, body="{}", created_at=T0, next_attempt_at=T0
            )
        )
        await uow.commit()


async def _rows_naming_user(db: SqlDatabase, user_id: int) -> dict[str, int]:
    """For every table, the rows whose foreign keys lead to the user."""
    found: dict[str, int] = {}
    async with db.engine.connect() as connection:
        for table in metadata.sorted_tables:
            for fk in table.foreign_keys:
                if fk.column.table is users:
                    query = sa.select(sa.func.count()).where(fk.parent == user_id)
                    found[table.name] = (await connection.execute(query)).scalar_one()
        owned_documents = sa.select(metadata.tables["documents"].c.id).where(
            metadata.tables["documents"].c.user_id == user_id
        )
        resume_refs = sa.select(sa.func.count()).where(
            metadata.tables["applications"].c.resume_id.in_(owned_documents)
        )
        found["applications.resume_id"] = (await connection.execute(resume_refs)).scalar_one()
        gone = sa.select(sa.func.count()).where(users.c.id == user_id)
        found["users"] = (await connection.execute(gone)).scalar_one()
    return found


async def test_deleting_a_user_leaves_no_row_naming_them(database: SqlDatabase) -> None:
    async with database.unit_of_work() as uow:
        doomed, kept = await uow.users.add(person(1)), await uow.users.add(person(2))
        job_ids = list((await uow.jobs.upsert_many([posting(n) for n in range(5)])).ids)
        await uow.commit()
    await _give_everything(database, doomed.id, job_ids)
    await _give_everything(database, kept.id, job_ids)
    owning = {
        t.name for t in metadata.sorted_tables for fk in t.foreign_keys if fk.column.table is users
    }
    assert owning == {t.name for t in USER_OWNED}

    async with database.unit_of_work() as uow:
        assert await uow.users.delete(doomed.id)
        await uow.commit()

    assert set((await _rows_naming_user(database, doomed.id)).values()) == {0}
    kept_rows = await _rows_naming_user(database, kept.id)
    assert kept_rows == {
        "saved_jobs": 5,
        "analyses": 5,
        "documents": 1,
        "applications": 5,
        "activities": 5,
        "identity_links": 1,
        "saved_searches": 1,
        "notifications": 5,
        "dismissed_jobs": 1,
        "blocked_companies": 1,
        "webhook_outbox": 1,
        "interviews": 5,
        "reminders": 5,
        "calendar_tokens": 1,
        "applications.resume_id": 5,
        "users": 1,
    }
    async with database.unit_of_work() as uow:
        assert await uow.jobs.count() == 5


def _fail_on_nth_job_insert(n: int):  # type: ignore[no-untyped-def]
    seen = 0

    def fail(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        nonlocal seen
        if statement.lstrip().upper().startswith("INSERT INTO JOBS"):
            seen += 1
            if seen == n:
                raise InjectedFault(f"job insert #{n}")

    return fail


async def _nothing_written(db: SqlDatabase, user_id: int) -> None:
    async with db.unit_of_work() as uow:
        assert await uow.jobs.count() == 0
        assert (await uow.activities.list(user_id, None, 0, 10)).total == 0
    async with db.engine.connect() as connection:
        techs = sa.select(sa.func.count()).select_from(metadata.tables["job_technologies"])
        assert (await connection.execute(techs)).scalar_one() == 0


async def test_a_fault_between_two_batches_of_an_import_leaves_nothing(
    database: SqlDatabase,
) -> None:
    async with database.unit_of_work() as uow:
        user = await uow.users.add(person(1))
        await uow.commit()
    fault = _fail_on_nth_job_insert(2)
    sa.event.listen(database.engine.sync_engine, "before_cursor_execute", fault)
    try:
        with pytest.raises(InjectedFault):
            async with database.unit_of_work() as uow:
                await uow.activities.add(
                    Activity(user_id=user.id, action_type="JOBS_FETCHED", created_at=T0)
                )
                await uow.jobs.upsert_many([posting(n) for n in range(2500)])  # three batches
                await uow.commit()
    finally:
        sa.event.remove(database.engine.sync_engine, "before_cursor_execute", fault)
    await _nothing_written(database, user.id)


async def test_a_failure_after_an_import_and_an_activity_leaves_nothing(
    database: SqlDatabase,
) -> None:
    async with database.unit_of_work() as uow:
        user = await uow.users.add(person(1))
        await uow.commit()
    with pytest.raises(InjectedFault):
        async with database.unit_of_work() as uow:
            report = await uow.jobs.upsert_many([posting(n) for n in range(700)])
            await uow.activities.add(
                Activity(
                    user_id=user.id, job_id=report.ids[0], action_type="JOBS_FETCHED", created_at=T0
                )
            )
            raise InjectedFault("after the writes, before commit")
    await _nothing_written(database, user.id)


async def test_a_database_error_mid_work_leaves_nothing(database: SqlDatabase) -> None:
    async with database.unit_of_work() as uow:
        user = await uow.users.add(person(1))
        await uow.commit()
    with pytest.raises(sa.exc.IntegrityError):
        async with database.unit_of_work() as uow:
            await uow.jobs.upsert_many([posting(n) for n in range(50)])
            await uow.activities.add(Activity(user_id=user.id, action_type="X", created_at=T0))
            # no such user: the foreign key refuses it
            await uow.activities.add(
                Activity(user_id=user.id + 999, action_type="X", created_at=T0)
            )
            await uow.commit()
    await _nothing_written(database, user.id)


async def test_an_unused_unit_of_work_sends_nothing(database: SqlDatabase) -> None:
    with counting_statements(database) as seen:
        async with database.unit_of_work():
            pass
    assert seen == []
