"""Durable persistence on SQLite (embedded default) and PostgreSQL, with SQLAlchemy Core.

Typical use::

    db = SqlDatabase.from_url("sqlite+aiosqlite:///./skael.db")
    await db.ensure_schema()          # create or migrate on first start
                                      # (or: await migrate.upgrade(url), is_current(url), ...)
    uow_factory = db.unit_of_work     # the UnitOfWorkFactory the use cases take
    ok = await db.ping()              # health
    await db.dispose()                # on shutdown

Modules: :mod:`.engine` (engines and their SQLite/PostgreSQL settings), :mod:`.tables`
(the schema), :mod:`.mapping` (rows <-> domain Structs), :mod:`.repositories`,
:mod:`.uow` (unit of work, database), :mod:`.migrate` (Alembic, scripts in
``migrations/``), :mod:`.testing` (isolated PostgreSQL schemas for tests).
"""

from .engine import DEFAULT_SQLITE_URL, create_engine
from .migrate import MigrationError, current, downgrade, ensure_schema, is_current, upgrade
from .repositories import (
    SqlActivityRepository,
    SqlAnalysisRepository,
    SqlApplicationRepository,
    SqlDocumentRepository,
    SqlJobRepository,
    SqlSavedJobRepository,
    SqlUserRepository,
)
from .uow import SqlDatabase, SqlUnitOfWork

__all__ = [
    "DEFAULT_SQLITE_URL",
    "MigrationError",
    "SqlActivityRepository",
    "SqlAnalysisRepository",
    "SqlApplicationRepository",
    "SqlDatabase",
    "SqlDocumentRepository",
    "SqlJobRepository",
    "SqlSavedJobRepository",
    "SqlUnitOfWork",
    "SqlUserRepository",
    "create_engine",
    "current",
    "downgrade",
    "ensure_schema",
    "is_current",
    "upgrade",
]
