"""Schema migrations: Alembic, configured in code, scripts shipped in ``migrations/``.

Every function is a coroutine and takes a database URL (``engine_options`` go to
:func:`.engine.create_engine`, e.g. ``connect_args``; a short-lived engine is made and
disposed) or an :class:`~sqlalchemy.ext.asyncio.AsyncEngine` (used as it is). From
synchronous code: ``asyncio.run(upgrade(url))``.

A migration runs in one transaction on both databases; work on every stored row that
it leaves (:mod:`.backfill`) follows it in batches, each its own transaction. On
SQLite, foreign keys are off while it runs (a table recreated in batch mode must not
cascade deletes); on PostgreSQL an advisory lock makes several workers starting at once
migrate one at a time.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.pool import NullPool

from . import backfill, failures
from .engine import check_url, create_engine, is_memory_sqlite

T = TypeVar("T")

SCRIPT_LOCATION = "skael_adapters.sql:migrations"
MIGRATION_LOCK = zlib.crc32(b"skael-migrations")
"""PostgreSQL advisory lock key held while migrating."""

Target = str | URL | AsyncEngine


class MigrationError(Exception):
    """A migration that cannot be made: a revision the shipped scripts do not know (or
    a step in the wrong direction), or a database at a revision they do not know."""


def alembic_config(connection: Connection | None = None, url: str | URL | None = None) -> Config:
    """An Alembic config without any ini file; ``connection`` is used when given."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.set_main_option("path_separator", "os")
    if url is not None:
        rendered = make_url(url).render_as_string(hide_password=False)
        config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision the shipped scripts know."""
    found = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert found is not None
    return found


def revisions() -> list[str]:
    """The shipped revisions, oldest first."""
    scripts = ScriptDirectory.from_config(alembic_config()).walk_revisions()
    return [script.revision for script in reversed(list(scripts))]


async def upgrade(target: Target, revision: str = "head", **engine_options: Any) -> None:
    """Migrate the database up to ``revision``; ``MigrationError`` for one it cannot reach."""

    def run(connection: Connection) -> None:
        with _known_revisions():
            command.upgrade(alembic_config(connection), revision)

    await run_on(target, run, **engine_options)
    await finish_maintenance(target, **engine_options)


async def finish_maintenance(target: Target, **engine_options: Any) -> int:
    """Do the work on stored rows that migrations left to do in batches
    (:mod:`.backfill`); nothing once it is done. How many rows it changed."""
    if isinstance(target, AsyncEngine):
        return await backfill.same_keys(target)
    url = check_url(target)
    if not is_memory_sqlite(url):
        engine_options.setdefault("poolclass", NullPool)
    engine = create_engine(url, **engine_options)
    try:
        with failures.opening(engine.url):
            return await backfill.same_keys(engine)
    finally:
        await engine.dispose()


async def downgrade(target: Target, revision: str, **engine_options: Any) -> None:
    """Migrate the database down to ``revision`` (``"base"``: drop every table);
    ``MigrationError`` for one it cannot reach."""

    def run(connection: Connection) -> None:
        with _known_revisions():
            command.downgrade(alembic_config(connection), revision)

    await run_on(target, run, **engine_options)


@contextmanager
def _known_revisions() -> Iterator[None]:
    """Alembic's refusals (an unknown revision, a step the wrong way) as MigrationError."""
    try:
        yield
    except CommandError as error:
        known = ", ".join(["base", *revisions(), "head"])
        raise MigrationError(f"{error}; the revisions are {known}") from None


async def current(target: Target, **engine_options: Any) -> str | None:
    """The revision the database is at; None for an empty (never migrated) database."""
    return await run_on(target, _current_revision, **engine_options)


async def is_current(target: Target, **engine_options: Any) -> bool:
    """True when the schema is at the newest shipped revision."""
    return await current(target, **engine_options) == head()


async def ensure_schema(target: Target, **engine_options: Any) -> None:
    """Create the schema in a new database, or migrate an older one to the newest.

    Raises ``RuntimeError`` for a database at a revision these scripts do not know
    (written by a newer Skael).
    """
    found = await current(target, **engine_options)
    if found == head():
        await finish_maintenance(target, **engine_options)  # a start stopped half way
        return
    if found is not None and found not in revisions():
        raise MigrationError(f"the database is at revision {found!r}, unknown to this Skael")
    await upgrade(target, "head", **engine_options)


async def run_on(target: Target, work: Callable[[Connection], T], **engine_options: Any) -> T:
    """Run ``work`` with a synchronous connection to ``target``, SQLite foreign keys off."""
    if isinstance(target, AsyncEngine):
        return await _run_on_engine(target, work)
    url = check_url(target)
    with failures.opening(url):
        _make_sqlite_folder(url)
    if not is_memory_sqlite(url):
        engine_options.setdefault("poolclass", NullPool)
    engine = create_engine(url, **engine_options)
    try:
        return await _run_on_engine(engine, work)
    finally:
        await engine.dispose()


async def _run_on_engine(engine: AsyncEngine, work: Callable[[Connection], T]) -> T:
    with failures.opening(engine.url):
        connection = await engine.connect().start()
    try:
        if connection.dialect.name != "sqlite":
            return await connection.run_sync(work)
        await _sqlite_foreign_keys(connection, on=False)
        try:
            return await connection.run_sync(work)
        finally:
            await _sqlite_foreign_keys(connection, on=True)
    finally:
        await connection.close()


async def _sqlite_foreign_keys(connection: AsyncConnection, *, on: bool) -> None:
    # A PRAGMA inside a transaction does nothing: go to the driver, outside SQLAlchemy's.
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection
    await driver.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")


def _current_revision(connection: Connection) -> str | None:
    revision = MigrationContext.configure(connection).get_current_revision()
    if connection.in_transaction():
        connection.rollback()
    return revision


def _make_sqlite_folder(url: str | URL) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not is_memory_sqlite(parsed) and parsed.database:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
