"""Async engines for SQLite (aiosqlite) and PostgreSQL (asyncpg), set up for Skael.

SQLite: every connection runs ``PRAGMA busy_timeout``, ``journal_mode=WAL``,
``synchronous=NORMAL`` and ``foreign_keys=ON`` (off by default in SQLite, and cascades
silently do nothing without it). The driver's own transaction handling is switched off
(``isolation_level = None``) and every writing transaction begins with ``BEGIN IMMEDIATE``: a
deferred transaction that reads and then writes fails at once with "database is
locked" when another writer got in between, whatever the busy timeout; an immediate one
takes the write lock up front and waits for it. Units of work therefore run one
writer at a time, as SQLite does anyway. A read-only unit of work (execution option
``READ_ONLY``) begins a plain deferred transaction: in WAL mode readers never wait for
the writer, so reads do not queue behind writes.

PostgreSQL: ``plan_cache_mode = force_custom_plan`` (see below), a queue pool with
``pool_pre_ping`` (a connection killed by the server or a
failover is replaced on checkout instead of failing the next request), size, overflow,
recycle and timeout as given.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool, StaticPool

DEFAULT_SQLITE_URL = "sqlite+aiosqlite:///./skael.db"

READ_ONLY = "skael_read_only"
"""Execution option that marks a connection's transactions as read-only."""


def create_engine(
    url: str | URL,
    *,
    pool_size: int = 5,
    max_overflow: int = 10,
    pool_recycle: int = 1800,
    pool_timeout: float = 30.0,
    pool_pre_ping: bool = True,
    busy_timeout_ms: int = 5000,
    sqlite_cache_mib: int = 64,
    foreign_keys: bool = True,
    **options: Any,
) -> AsyncEngine:
    """An async engine for ``url``; ``options`` go to ``create_async_engine`` as they are.

    ``sqlite_cache_mib`` bounds SQLite's page cache per connection (imports into a
    large database run about 15% faster with 64 MiB than with SQLite's 2 MiB).
    ``foreign_keys=False`` is for SQLite schema migrations only (recreating a table in
    batch mode must not cascade).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(
            parsed,
            busy_timeout_ms=busy_timeout_ms,
            cache_mib=sqlite_cache_mib,
            foreign_keys=foreign_keys,
            pool_options={
                "pool_size": pool_size,
                "max_overflow": max_overflow,
                "pool_timeout": pool_timeout,
            },
            **options,
        )
    # Plan every execution for its parameters: asyncpg keeps statements prepared, and a
    # generic plan made while a table was still empty (bulk load, no statistics yet)
    # goes on scanning the whole table for each batch of an import.
    connect_args = dict(options.pop("connect_args", {}))
    server_settings = {"plan_cache_mode": "force_custom_plan"}
    server_settings.update(connect_args.get("server_settings", {}))
    options["connect_args"] = {**connect_args, "server_settings": server_settings}
    if "poolclass" not in options:
        options.update(
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_recycle=pool_recycle,
            pool_timeout=pool_timeout,
        )
    return create_async_engine(parsed, pool_pre_ping=pool_pre_ping, **options)


def is_memory_sqlite(url: str | URL) -> bool:
    parsed = make_url(url)
    database = parsed.database or ""
    return parsed.get_backend_name() == "sqlite" and (
        database in ("", ":memory:") or "mode=memory" in database
    )


def _sqlite_engine(
    url: URL,
    *,
    busy_timeout_ms: int,
    cache_mib: int,
    foreign_keys: bool,
    pool_options: dict[str, Any],
    **options: Any,
) -> AsyncEngine:
    memory = is_memory_sqlite(url)
    if memory:
        options.setdefault("poolclass", StaticPool)
    elif "poolclass" not in options:
        options = {**pool_options, **options}
    engine = create_async_engine(url, **options)
    _install_sqlite_hooks(
        engine.sync_engine, busy_timeout_ms, cache_mib, foreign_keys, wal=not memory
    )
    return engine


class InlineReader:
    """Synchronous connections for the read-only units of work of a SQLite file.

    A point read on SQLite takes about 10 microseconds; through aiosqlite it costs a
    thread hand-off per step (connect, BEGIN, execute, fetch, ROLLBACK), about 2 ms in
    all on a busy two-core machine. Read-only units of work therefore run their
    statements on the caller's thread, on connections handed out here. In WAL mode a
    reader never waits for a writer, so this never blocks on a lock. Writers stay on
    the async engine, where waiting for the write lock does not hold up the event loop.

    Connections stay open between units of work (up to ``keep`` idle ones); one is
    never shared by two units of work at a time, and a checkout never waits (a blocking
    wait would stall the very event loop that gives connections back). Each unit of
    work is one deferred transaction, begun on the driver directly.
    """

    def __init__(self, engine: Engine, keep: int) -> None:
        self.engine = engine
        self._keep = keep
        self._idle: list[sa.Connection] = []

    def acquire(self) -> sa.Connection:
        while self._idle:
            connection = self._idle.pop()
            if not (connection.closed or connection.invalidated):
                return connection
        return self.engine.connect()

    def release(self, connection: sa.Connection) -> None:
        try:
            if connection.in_transaction():
                connection.rollback()
        except Exception:
            connection.invalidate()
            raise
        finally:
            if connection.invalidated or len(self._idle) >= self._keep:
                connection.close()
            else:
                self._idle.append(connection)

    def dispose(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()
        self.engine.dispose()


def create_inline_reader(
    url: str | URL, *, pool_size: int = 5, busy_timeout_ms: int = 5000, sqlite_cache_mib: int = 64
) -> InlineReader | None:
    """The inline reader of a SQLite file (see :class:`InlineReader`), or None.

    None for other databases and for in-memory SQLite, which one engine must own.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or is_memory_sqlite(parsed):
        return None
    engine = sa.create_engine(
        parsed.set(drivername="sqlite+pysqlite"),
        poolclass=NullPool,
        connect_args={"check_same_thread": False},
    )
    _install_sqlite_hooks(
        engine, busy_timeout_ms, sqlite_cache_mib, True, wal=True, begin=False
    )

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.connection.dbapi_connection.execute("BEGIN")

    return InlineReader(engine, keep=pool_size)


def _install_sqlite_hooks(
    engine: Engine,
    busy_timeout_ms: int,
    cache_mib: int,
    foreign_keys: bool,
    *,
    wal: bool,
    begin: bool = True,
) -> None:
    pragmas = [
        f"PRAGMA busy_timeout = {int(busy_timeout_ms)}",
        # a page cache that holds the indexes an import updates (SQLite's default: 2 MiB);
        # taken as pages are read, up to this much per connection
        f"PRAGMA cache_size = {-1024 * int(cache_mib)}",
    ]
    if wal:
        pragmas += ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL"]
    pragmas.append(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take BEGIN away from the sqlite3 driver; the "begin" hook below emits it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            for pragma in pragmas:
                cursor.execute(pragma)
        finally:
            cursor.close()

    if not begin:
        return

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
