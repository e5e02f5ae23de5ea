"""Repositories over SQLAlchemy Core, with exactly the semantics of the memory adapter.

Each repository runs its statements on the connection of the unit of work that made it
and never commits. Lists run at most two statements per page (the rows, then the
total, skipped when the page itself shows the total), whatever the page size. The job
repository lives in :mod:`.job_repository`.
"""

from __future__ import annotations

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
from .tables import activities, analyses, applications, documents, saved_jobs, users

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
    async def add(self, saved: SavedJob) -> bool:
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
    async def get(self, user_id: int, job_id: int) -> Application | None:
        query = sa.select(applications).where(
            applications.c.user_id == user_id, applications.c.job_id == job_id
        )
        row = (await self._conn.execute(query)).first()
        return None if row is None else mapping.application_to_domain(row)

    async def save(self, application: Application) -> Application:
        """Insert or replace the application of ``(user_id, job_id)``, keeping its id.

        A new application always gets its id from the database, whatever it carries.
        """
        insert = self._insert(applications)
        row = mapping.application_to_row(application)
        statement = insert.values(row).on_conflict_do_update(
            index_elements=[applications.c.user_id, applications.c.job_id],
            set_={name: insert.excluded[name] for name in row if name not in ("user_id", "job_id")},
        )
        result = await self._conn.execute(statement.returning(applications.c.id))
        return msgspec.structs.replace(application, id=result.scalar_one())

    async def list(
        self, user_id: int, status: ApplicationStatus | None, skip: int, limit: int
    ) -> Page[Application]:
        query = sa.select(applications).where(
            applications.c.user_id == user_id, *equal(applications.c.status, status)
        )
        query = query.order_by(*newest(applications, "last_updated"))
        return await self._page(query, skip, limit, mapping.application_to_domain)


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
