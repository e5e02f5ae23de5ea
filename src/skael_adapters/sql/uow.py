"""The SQL unit of work and the database object that hands units of work out.

A :class:`SqlUnitOfWork` checks one connection out of the engine's pool when entered and
gives it back when left. The transaction begins with the first statement (``BEGIN
IMMEDIATE`` on SQLite, a plain ``BEGIN`` for a read-only unit of work, see
:mod:`.engine`); ``commit()`` ends it and a later statement begins the next one;
leaving the block rolls back whatever was not committed, exception or not. Repositories
only execute statements on that connection.

On PostgreSQL a read-only unit of work sends no ``BEGIN`` or ``ROLLBACK``: its
statements run in autocommit, each in its own snapshot, as they would inside a READ
COMMITTED transaction. A ranking request saves four round trips this way.

On a SQLite file, a read-only unit of work takes a connection of the synchronous
inline reader instead (see :func:`.engine.create_inline_reader`) and runs its
statements on the event loop's thread: reads cost microseconds there, and a thread
hand-off per statement cost more than the reads themselves.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.engine import URL, Dialect, Engine
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from skael_core.ports import UnitOfWork

from . import failures, migrate
from .agenda import SqlCalendarTokenRepository, SqlInterviewRepository, SqlReminderRepository
from .discovery import (
    SqlBlockedCompanyRepository,
    SqlCreditLedger,
    SqlDismissedJobRepository,
    SqlNotificationRepository,
    SqlSavedSearchRepository,
    SqlWebhookOutbox,
)
from .engine import (
    DEFAULT_PLAN_CACHE_SIZE,
    READ_ONLY,
    InlineReader,
    create_engine,
    create_inline_reader,
    driver,
)
from .identity_links import SqlIdentityLinkRepository
from .job_writes import DEFAULT_BATCH_SIZE
from .mapping import JobDecoders
from .repositories import (
    SqlActivityRepository,
    SqlAnalysisRepository,
    SqlApplicationRepository,
    SqlDocumentRepository,
    SqlJobRepository,
    SqlSavedJobRepository,
    SqlUserRepository,
)
from .revocations import SqlRevokedTokenRepository


class InlineConnection:
    """A synchronous connection behind the part of ``AsyncConnection`` repositories use.

    Each call runs to its end before it returns; nothing is awaited.
    """

    def __init__(self, reader: InlineReader) -> None:
        self._reader = reader
        self._connection = reader.acquire()

    @property
    def dialect(self) -> Dialect:
        return self._connection.dialect

    async def execute(self, statement: Any, parameters: Any = None) -> Any:
        plan = self._reader.plan(statement)
        if plan is None:
            return self._connection.execute(statement, parameters)
        cursor = driver(self._connection).execute(plan.sql, plan.parameters(parameters))
        try:
            return plan.result(cursor.fetchall())
        finally:
            cursor.close()

    def in_transaction(self) -> bool:
        return self._connection.in_transaction()

    async def commit(self) -> None:
        self._connection.commit()

    async def rollback(self) -> None:
        self._connection.rollback()

    async def close(self) -> None:
        self._reader.release(self._connection)

    def version(self) -> str:
        return self._reader.version(self._connection)


_SNAPSHOT = sa.text("SELECT pg_current_snapshot()::text")


class SqlUnitOfWork(UnitOfWork):
    """One transaction over every repository; create one per use-case call."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        read_only: bool = False,
        reader: InlineReader | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        decoders: JobDecoders | None = None,
    ) -> None:
        self._engine = engine
        self._read_only = read_only
        self._reader = reader if read_only else None
        self._connection: AsyncConnection | InlineConnection | None = None
        self.users = SqlUserRepository(self)
        self.jobs = SqlJobRepository(self, batch_size, decoders)
        self.saved_jobs = SqlSavedJobRepository(self)
        self.analyses = SqlAnalysisRepository(self)
        self.documents = SqlDocumentRepository(self)
        self.applications = SqlApplicationRepository(self)
        self.activities = SqlActivityRepository(self)
        self.identity_links = SqlIdentityLinkRepository(self)
        self.revoked_tokens = SqlRevokedTokenRepository(self)
        self.saved_searches = SqlSavedSearchRepository(self)
        self.notifications = SqlNotificationRepository(self)
        self.dismissed_jobs = SqlDismissedJobRepository(self)
        self.blocked_companies = SqlBlockedCompanyRepository(self)
        self.credits = SqlCreditLedger(self)
        self.webhook_outbox = SqlWebhookOutbox(self)
        self.interviews = SqlInterviewRepository(self)
        self.reminders = SqlReminderRepository(self)
        self.calendar_tokens = SqlCalendarTokenRepository(self)

    @property
    def connection(self) -> AsyncConnection:
        if self._connection is None:
            raise RuntimeError("the unit of work is used outside its 'async with' block")
        return self._connection  # type: ignore[return-value]  # InlineConnection: same calls

    async def __aenter__(self) -> Self:
        if self._connection is not None:
            raise RuntimeError("a unit of work is entered once at a time")
        if self._reader is not None:
            self._connection = InlineConnection(self._reader)
            return self
        with failures.connection_failures():
            connection = await self._engine.connect()
        if self._read_only:
            options: dict[str, Any] = {READ_ONLY: True}
            if connection.dialect.name == "postgresql":
                # Statements run as they come, without BEGIN and ROLLBACK around them:
                # two round trips fewer, and READ COMMITTED gives each statement its
                # own snapshot either way.
                options["isolation_level"] = "AUTOCOMMIT"
            connection = await connection.execution_options(**options)
        self._connection = connection
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection, self._connection = self.connection, None
        with failures.leaving(exc):
            try:
                if connection.in_transaction():
                    await connection.rollback()
            finally:
                await connection.close()

    async def commit(self) -> None:
        if self.connection.in_transaction():
            await self.connection.commit()

    async def rollback(self) -> None:
        if self.connection.in_transaction():
            await self.connection.rollback()

    async def version(self) -> str | None:
        """On a SQLite file, the inline reader's (``InlineReader.version``); on
        PostgreSQL, the snapshot of the statement (``pg_current_snapshot()``: which
        transactions it sees), so equal versions see equal data in every table. None
        for a unit of work that may write, and for other stores."""
        connection = self.connection
        if isinstance(connection, InlineConnection):
            return connection.version()
        if not self._read_only or connection.dialect.name != "postgresql":
            return None
        snapshot = (await connection.execute(_SNAPSHOT)).scalar_one()
        return str(snapshot)


class SqlDatabase:
    """Owns one engine; hands out units of work, answers health checks, disposes.

    Building it does not connect: the pool opens connections on first use. Call
    :meth:`dispose` (async) when the application stops.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        reader: InlineReader | None = None,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        decoders: JobDecoders | None = None,
    ) -> None:
        self.engine = engine
        self.reader = reader
        self.decoders = decoders or JobDecoders()
        """This database's memory of decoded jobs, shared by its units of work."""
        """The inline reader of read-only units of work (SQLite files only), or None."""
        self.batch_size = batch_size
        """Jobs per write of a bulk load (see :mod:`.job_writes`)."""

    @classmethod
    def from_url(
        cls,
        url: str | URL,
        *,
        inline_reads: bool = True,
        batch_size: int = DEFAULT_BATCH_SIZE,
        plan_cache_size: int = DEFAULT_PLAN_CACHE_SIZE,
        decoded_jobs_size: int = 8_192,
        decoded_candidates_size: int = 20_000,
        **options: Any,
    ) -> SqlDatabase:
        """A database for ``url``; ``options`` go to :func:`.engine.create_engine`.

        ``inline_reads=False`` keeps read-only units of work on the async engine;
        ``plan_cache_size`` bounds the inline reader's compiled statements.
        """
        reader = None
        if inline_reads:
            reader = create_inline_reader(
                url,
                pool_size=options.get("pool_size", 5),
                busy_timeout_ms=options.get("busy_timeout_ms", 5000),
                sqlite_cache_mib=options.get("sqlite_cache_mib", 64),
                plan_cache_size=plan_cache_size,
            )
        decoders = JobDecoders(decoded_jobs_size, decoded_candidates_size)
        return cls(create_engine(url, **options), reader, batch_size=batch_size, decoders=decoders)

    @property
    def sync_engines(self) -> list[Engine]:
        """Every engine statements go through (for event listeners: counts, faults)."""
        engines = [self.engine.sync_engine]
        return [*engines, self.reader.engine] if self.reader is not None else engines

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    def unit_of_work(self, *, read_only: bool = False) -> SqlUnitOfWork:
        """A new unit of work: the ``UnitOfWorkFactory`` the use cases take."""
        return SqlUnitOfWork(
            self.engine,
            read_only=read_only,
            reader=self.reader,
            batch_size=self.batch_size,
            decoders=self.decoders,
        )

    async def ping(self) -> bool:
        """True when a connection answers ``SELECT 1``; False, never an exception, if not.

        On a SQLite file the inline reader's connection answers, on the event loop's
        thread: the file is the same one the engine writes, and asking through aiosqlite
        cost a thread hand-off per step, most of what a health check cost.
        """
        try:
            if self.reader is not None:
                inline = self.reader.acquire()
                try:
                    driver(inline).execute("SELECT 1").fetchall()
                finally:
                    self.reader.release(inline)
                return True
            async with self.engine.connect() as connection:
                await connection.execute(sa.text("SELECT 1"))
        except Exception:
            return False
        return True

    async def ensure_schema(self) -> None:
        """Create or migrate the schema to the latest revision (see :mod:`.migrate`)."""
        await migrate.ensure_schema(self.engine)

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.reader is not None:
            self.reader.dispose()
