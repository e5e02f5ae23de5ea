"""Repositories over SQLAlchemy Core, with exactly the semantics of the memory adapter.

Each repository runs its statements on the connection of the unit of work that made it
and never commits. Lists run at most two statements per page (the rows, then the
total, skipped when the page itself shows the total), whatever the page size. The job
repository lives in :mod:`.job_repository`.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from skael_core.errors import Conflict, NotFound
from skael_core.model import (
    Activity,
    Analysis,
    Application,
    ApplicationStatus,
    Document,
    DocumentKind,
    Page,
    SavedJob,
    StatusChange,
    User,
)
from skael_core.ports import (
    ActivityRepository,
    AnalysisRepository,
    ApplicationRepository,
    DocumentRepository,
    SavedJobRepository,
    UserRepository,
)

from . import mapping
from .base import SqlRepository, equal, newest
from .engine import prepared
from .job_repository import SqlJobRepository
from .tables import (
    activities,
    analyses,
    application_history,
    applications,
    documents,
    saved_jobs,
    users,
)

__all__ = [
    "SqlActivityRepository",
    "SqlAnalysisRepository",
    "SqlApplicationRepository",
    "SqlDocumentRepository",
    "SqlJobRepository",
    "SqlSavedJobRepository",
    "SqlUserRepository",
]

# --------------------------------------------------------------------------- users


# Built once: a statement object built per call costs more than SQLite's point read.
_USER_BY_ID = prepared(sa.select(users).where(users.c.id == sa.bindparam("id")))
_USER_BY_EMAIL = prepared(sa.select(users).where(users.c.email == sa.bindparam("email")))


class SqlUserRepository(SqlRepository, UserRepository):
    async def add(self, user: User) -> User:
        statement = sa.insert(users).values(mapping.user_to_row(user)).returning(users.c.id)
        user_id = await self._guard_email(user.email, statement)
        return msgspec.structs.replace(user, id=user_id)

    async def get(self, user_id: int) -> User | None:
        return await self._one(_USER_BY_ID, {"id": user_id})

    async def lock(self, user_id: int) -> User | None:
        """On PostgreSQL the user's row lock, ``FOR NO KEY UPDATE``: it does not hold up
        rows that merely refer to the user. On SQLite a writing unit of work holds the
        write lock from its start already."""
        if self._conn.dialect.name != "postgresql":
            return await self.get(user_id)
        query = sa.select(users).where(users.c.id == user_id).with_for_update(key_share=True)
        return await self._one(query, {})

    async def get_by_email(self, email: str) -> User | None:
        return await self._one(_USER_BY_EMAIL, {"email": email})

    async def update(self, user: User) -> None:
        """Replace the stored user; ``NotFound`` if there is none with that id."""
        statement = (
            sa.update(users)
            .where(users.c.id == user.id)
            .values(mapping.user_to_row(user))
            .returning(users.c.id)
        )
        if await self._guard_email(user.email, statement) is None:
            raise NotFound("user", user.id)

    async def delete(self, user_id: int) -> bool:
        result = await self._conn.execute(sa.delete(users).where(users.c.id == user_id))
        return result.rowcount > 0

    async def _one(self, query: sa.Select[Any], parameters: dict[str, Any]) -> User | None:
        row = (await self._conn.execute(query, parameters)).first()
        return None if row is None else mapping.user_to_domain(row)

    async def _guard_email(self, email: str, statement: sa.Executable) -> Any:
        """Run ``statement`` in a savepoint; a clash on the email becomes ``Conflict``.

        The savepoint keeps the unit of work usable after the clash (PostgreSQL aborts
        the whole transaction on an error otherwise).
        """
        try:
            async with self._conn.begin_nested():
                return (await self._conn.execute(statement)).scalar_one_or_none()
        except IntegrityError as error:
            raise Conflict(f"email {email} is already registered") from error


# --------------------------------------------------------------------------- tracking


class SqlSavedJobRepository(SqlRepository, SavedJobRepository):
    async def get(self, user_id: int, job_id: int) -> SavedJob | None:
        query = sa.select(saved_jobs).where(
            saved_jobs.c.user_id == user_id, saved_jobs.c.job_id == job_id
        )
        row = (await self._conn.execute(query)).first()
        return None if row is None else mapping.saved_job_to_domain(row)

    async def add(self, saved: SavedJob) -> bool:
        """Insert unless saved; on PostgreSQL a save of the same job by a transaction not
        yet ended is waited for (``ON CONFLICT DO NOTHING``), then counts as saved."""
        statement = (
            self._insert(saved_jobs)
            .values(mapping.saved_job_to_row(saved))
            .on_conflict_do_nothing(index_elements=[saved_jobs.c.user_id, saved_jobs.c.job_id])
            .returning(saved_jobs.c.id)
        )
        return (await self._conn.execute(statement)).first() is not None

    async def remove(self, user_id: int, job_id: int) -> bool:
        statement = sa.delete(saved_jobs).where(
            saved_jobs.c.user_id == user_id, saved_jobs.c.job_id == job_id
        )
        return (await self._conn.execute(statement)).rowcount > 0

    async def list(self, user_id: int, skip: int, limit: int) -> Page[SavedJob]:
        query = (
            sa.select(saved_jobs)
            .where(saved_jobs.c.user_id == user_id)
            .order_by(*newest(saved_jobs, "saved_at"))
        )
        return await self._page(query, skip, limit, mapping.saved_job_to_domain)


class SqlAnalysisRepository(SqlRepository, AnalysisRepository):
    async def add(self, analysis: Analysis) -> Analysis:
        statement = (
            sa.insert(analyses).values(mapping.analysis_to_row(analysis)).returning(analyses.c.id)
        )
        new_id = (await self._conn.execute(statement)).scalar_one()
        return msgspec.structs.replace(analysis, id=new_id)

    async def latest(self, user_id: int, job_id: int) -> Analysis | None:
        query = (
            sa.select(analyses)
            .where(analyses.c.user_id == user_id, analyses.c.job_id == job_id)
            .order_by(*newest(analyses, "created_at"))
            .limit(1)
        )
        row = (await self._conn.execute(query)).first()
        return None if row is None else mapping.analysis_to_domain(row)

    async def latest_given(self, user_id: int, job_id: int) -> Analysis | None:
        query = (
            sa.select(analyses)
            .where(
                analyses.c.user_id == user_id,
                analyses.c.job_id == job_id,
                analyses.c.breakdown == mapping.NO_BREAKDOWN,
            )
            .order_by(*newest(analyses, "created_at"))
            .limit(1)
        )
        row = (await self._conn.execute(query)).first()
        return None if row is None else mapping.analysis_to_domain(row)


class SqlDocumentRepository(SqlRepository, DocumentRepository):
    async def add(self, document: Document) -> Document:
        statement = (
            sa.insert(documents).values(mapping.document_to_row(document)).returning(documents.c.id)
        )
        new_id = (await self._conn.execute(statement)).scalar_one()
        return msgspec.structs.replace(document, id=new_id)

    async def get(self, document_id: int) -> Document | None:
        query = sa.select(documents).where(documents.c.id == document_id)
        row = (await self._conn.execute(query)).first()
        return None if row is None else mapping.document_to_domain(row)

    async def list(
        self, user_id: int, kind: DocumentKind | None, skip: int, limit: int
    ) -> Page[Document]:
        query = sa.select(documents).where(
            documents.c.user_id == user_id, *equal(documents.c.kind, kind)
        )
        query = query.order_by(*newest(documents, "created_at"))
        return await self._page(query, skip, limit, mapping.document_to_domain)


class SqlApplicationRepository(SqlRepository, ApplicationRepository):
    """Applications, and their history as rows of ``application_history`` appended in the
    unit of work of each change.

    ``lock`` on PostgreSQL takes the row lock (``SELECT ... FOR UPDATE``); when there is
    no row yet, a transaction-scoped advisory lock on the (user, job) pair first, so two
    first changes of one application run one after the other too. Under READ COMMITTED
    the read after a wait sees what the other transaction committed. On SQLite every
    writing unit of work holds the database's write lock from its start (``BEGIN
    IMMEDIATE``), so a plain read is already held.
    """

    async def get(self, user_id: int, job_id: int) -> Application | None:
        return await self._read(user_id, job_id, for_update=False)

    async def lock(self, user_id: int, job_id: int) -> Application | None:
        if self._conn.dialect.name != "postgresql":
            return await self._read(user_id, job_id, for_update=False)
        found = await self._read(user_id, job_id, for_update=True)
        if found is None:
            key = (user_id % _INT4, job_id % _INT4)
            await self._conn.execute(sa.select(sa.func.pg_advisory_xact_lock(*key)))
            found = await self._read(user_id, job_id, for_update=True)
        return found

    async def save(self, application: Application) -> Application:
        """Insert or replace the application of ``(user_id, job_id)``, keeping its id, and
        append the history entries it holds past the stored ones.

        A new application always gets its id from the database, whatever it carries.
        """
        insert = self._insert(applications)
        row = mapping.application_to_row(application)
        statement = insert.values(row).on_conflict_do_update(
            index_elements=[applications.c.user_id, applications.c.job_id],
            set_={name: insert.excluded[name] for name in row if name not in ("user_id", "job_id")},
        )
        result = await self._conn.execute(statement.returning(applications.c.id))
        application_id = result.scalar_one()
        stored = await self._conn.execute(
            sa.select(sa.func.count()).where(application_history.c.application_id == application_id)
        )
        new = application.history[stored.scalar_one() :]
        if new:
            rows = [mapping.status_change_to_row(application_id, change) for change in new]
            await self._conn.execute(sa.insert(application_history), rows)
        return msgspec.structs.replace(application, id=application_id)

    async def list(
        self, user_id: int, status: ApplicationStatus | None, skip: int, limit: int
    ) -> Page[Application]:
        query = sa.select(applications).where(
            applications.c.user_id == user_id, *equal(applications.c.status, status)
        )
        query = query.order_by(*newest(applications, "last_updated"))
        page = await self._page(query, skip, limit, mapping.application_to_domain)
        histories = await self._histories([a.id for a in page.items])
        items = [msgspec.structs.replace(a, history=histories.get(a.id, ())) for a in page.items]
        return Page(items=items, total=page.total)

    async def _read(self, user_id: int, job_id: int, *, for_update: bool) -> Application | None:
        query = sa.select(applications).where(
            applications.c.user_id == user_id, applications.c.job_id == job_id
        )
        row = await self._first(query, for_update=for_update)
        if row is None:
            return None
        histories = await self._histories([row.id])
        return mapping.application_to_domain(row, histories.get(row.id, ()))

    async def _histories(self, ids: Sequence[int]) -> dict[int, tuple[StatusChange, ...]]:
        """The history of each application of ``ids``, oldest entry first."""
        if not ids:
            return {}
        query = (
            sa.select(application_history)
            .where(application_history.c.application_id.in_(ids))
            .order_by(application_history.c.application_id, application_history.c.id)
        )
        found: dict[int, builtins.list[StatusChange]] = {}
        for row in await self._conn.execute(query):
            found.setdefault(row.application_id, []).append(mapping.status_change_to_domain(row))
        return {key: tuple(changes) for key, changes in found.items()}


_INT4 = 2**31
"""PostgreSQL's two-key advisory locks take 32-bit keys: ids are folded into them (two
pairs that share a key only wait for each other)."""


class SqlActivityRepository(SqlRepository, ActivityRepository):
    async def add(self, activity: Activity) -> Activity:
        statement = (
            sa.insert(activities)
            .values(mapping.activity_to_row(activity))
            .returning(activities.c.id)
        )
        new_id = (await self._conn.execute(statement)).scalar_one()
        return msgspec.structs.replace(activity, id=new_id)

    async def list(
        self, user_id: int, action_type: str | None, skip: int, limit: int
    ) -> Page[Activity]:
        query = sa.select(activities).where(
            activities.c.user_id == user_id, *equal(activities.c.action_type, action_type)
        )
        query = query.order_by(*newest(activities, "created_at"))
        return await self._page(query, skip, limit, mapping.activity_to_domain)
