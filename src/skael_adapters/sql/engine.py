"""Async engines for SQLite (aiosqlite) and PostgreSQL (asyncpg), set up for Skael.

SQLite: every connection runs ``PRAGMA busy_timeout``, ``journal_mode=WAL``,
``synchronous=NORMAL`` and ``foreign_keys=ON`` (off by default in SQLite, and cascades
silently do nothing without it). A new database file gets pages of ``SQLITE_PAGE_SIZE``
(a file's page size is fixed when it is created; older files keep theirs). The driver's
own transaction handling is switched off (``isolation_level = None``) and every writing
transaction begins with ``BEGIN IMMEDIATE``: a deferred transaction that reads and then
writes fails at once with "database is locked" when another writer got in between,
whatever the busy timeout; an immediate one takes the write lock up front and waits for
it. Units of work therefore run one writer at a time, as SQLite does anyway. A
read-only unit of work (execution option ``READ_ONLY``) begins a plain deferred
transaction: in WAL mode readers never wait for the writer, so reads do not queue
behind writes.

PostgreSQL: ``plan_cache_mode = force_custom_plan`` (see below), a queue pool that
checks a connection on checkout (a connection killed by the server or a failover is
replaced instead of failing the next request; see :class:`_CheckoutPing`), size,
overflow, recycle and timeout as given.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool, StaticPool
from sqlalchemy.util import await_

E = TypeVar("E")

DEFAULT_SQLITE_URL = "sqlite+aiosqlite:///./skael.db"

DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")
"""The kinds of database URL Skael runs on."""

_URL_FORMS = "sqlite+aiosqlite:///PATH or postgresql+asyncpg://USER[:PASSWORD]@HOST[:PORT]/DATABASE"


def check_url(url: str | URL) -> URL:
    """``url`` parsed; ``ValueError`` saying what is wrong when Skael cannot use it.

    The message never repeats the URL itself, which may hold a password.
    """
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError:
        raise ValueError(f"not a database URL; use {_URL_FORMS}") from None
    if parsed.drivername not in DRIVERS:
        raise ValueError(f"{parsed.drivername!r} databases are not supported; use {_URL_FORMS}")
    return parsed


DEFAULT_PING_AFTER = 2.0
"""Seconds a pooled PostgreSQL connection may rest before its checkout asks it for
``SELECT 1`` (``SKAEL_DB_PING_AFTER``)."""

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
    ping_after: float = DEFAULT_PING_AFTER,
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
    parsed = check_url(url)
    # a failed statement's text and the log never show its parameters (password
    # hashes, personal data); see failures.redacted for what the driver says
    options.setdefault("hide_parameters", True)
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
    engine = create_async_engine(parsed, **options)
    if pool_pre_ping:
        ping = _CheckoutPing(ping_after)
        event.listen(engine.sync_engine, "checkin", ping.checked_in)
        event.listen(engine.sync_engine, "checkout", ping.checked_out)
    return engine


_RESTED_SINCE = "skael_rested_since"


class _CheckoutPing:
    """Checks a PostgreSQL connection as it leaves the pool.

    A connection whose socket is closed (the server ended it: a restart, a terminated
    backend, a failover that closed its connections) is refused at no cost: asyncpg
    knows as soon as the event loop has read the close. One that rested at least
    ``after`` seconds is also asked for ``SELECT 1``, one round trip, for the failures
    that close nothing (a network path or firewall that forgot it). SQLAlchemy's own
    ``pool_pre_ping`` takes three round trips on asyncpg (it wraps the ping in a
    transaction) on every checkout, and a request checks out one or two connections.
    A refused connection raises ``DisconnectionError``: the pool drops it and checks
    out another (a new one after a server restart).
    """

    def __init__(self, after: float) -> None:
        self._after = after

    def checked_in(self, dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[_RESTED_SINCE] = time.monotonic()

    def checked_out(self, dbapi_connection: Any, record: Any, proxy: Any) -> None:
        connection = dbapi_connection.driver_connection
        if connection.is_closed():
            raise sa.exc.DisconnectionError("the server closed the connection")
        rested_since = record.info.get(_RESTED_SINCE)
        if rested_since is not None and time.monotonic() - rested_since < self._after:
            return
        try:
            await_(connection.execute("SELECT 1"))
        except Exception as error:
            raise sa.exc.DisconnectionError(f"the connection did not answer: {error}") from error


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
    if not memory:
        _create_private(engine.sync_engine, url)
    return engine


PREPARED = "skael_prepared"
"""Execution option marking a statement that :func:`prepared` made."""

DEFAULT_PLAN_CACHE_SIZE = 256
"""Compiled plans an inline reader keeps when the container does not say."""


def prepared(statement: E) -> E:
    """``statement`` (built once, at import time) marked as safe to run compiled once.

    On the inline reader such a statement skips SQLAlchemy's execution machinery: its
    SQL, parameter order and result processors are worked out on first use, and each
    run is one call into the driver. Everywhere else it runs as any statement does
    (the mark is an execution option nothing else reads). Only statements without
    expanding (IN) parameters can be marked.
    """
    marked: E = statement.execution_options(**{PREPARED: True})  # type: ignore[attr-defined]
    return marked


class PreparedPlan:
    """One prepared SELECT, compiled for SQLite: run it on a raw driver connection.

    Built from SQLAlchemy's public API only: the compiled statement's SQL, its
    positional parameter order (``positiontup``), its bound parameters (``binds``,
    ``params``) and each type's bind and result processors for the dialect; the row's
    names and types come from the statement's ``selected_columns``.
    """

    def __init__(self, statement: Any, dialect: Any) -> None:
        compiled = statement.compile(dialect=dialect)
        if compiled.positiontup is None or "POSTCOMPILE" in compiled.string:
            raise ValueError("a prepared statement takes plain positional parameters")
        self.sql: str = compiled.string
        self._order: list[str] = list(compiled.positiontup)
        self._defaults: dict[str, Any] = dict(compiled.params)
        self._binders = {
            name: process
            for name, bind in compiled.binds.items()
            if (process := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
        }
        columns = list(statement.selected_columns)
        row: Any = collections.namedtuple(  # type: ignore[misc]
            "Row", [c.key for c in columns], rename=True
        )
        self._make: Callable[[Iterable[Any]], tuple[Any, ...]] = row._make
        self._processors = [
            (i, p)
            for i, c in enumerate(columns)
            if (p := c.type.dialect_impl(dialect).result_processor(dialect, None)) is not None
        ]

    def parameters(self, given: Mapping[str, Any] | None) -> list[Any]:
        values = {**self._defaults, **given} if given else self._defaults
        binders = self._binders
        return [
            binders[name](values[name]) if name in binders else values[name] for name in self._order
        ]

    def result(self, raw_rows: list[tuple[Any, ...]]) -> PreparedResult:
        processors = self._processors
        make = self._make
        if not processors:
            return PreparedResult([make(r) for r in raw_rows])
        rows = []
        for raw in raw_rows:
            values = list(raw)
            for i, process in processors:
                values[i] = process(values[i])
            rows.append(make(values))
        return PreparedResult(rows)


class PreparedResult:
    """The part of a result the repositories use, over already fetched rows."""

    def __init__(self, rows: list[Any]) -> None:
        self._rows = rows

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows)

    def first(self) -> Any:
        return self._rows[0] if self._rows else None

    def all(self) -> list[Any]:
        return self._rows

    def one(self) -> Any:
        if len(self._rows) != 1:
            raise sa.exc.NoResultFound("expected exactly one row")
        return self._rows[0]

    def scalar_one(self) -> Any:
        return self.one()[0]

    def scalar_one_or_none(self) -> Any:
        return self._rows[0][0] if self._rows else None

    def scalars(self) -> Iterator[Any]:
        return (row[0] for row in self._rows)


_SERIAL = "skael_inline_serial"
"""Key of a connection's number in its ``info`` (see :meth:`InlineReader.version`)."""


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

    def __init__(self, engine: Engine, keep: int, plan_cache_size: int) -> None:
        self.engine = engine
        self._keep = keep
        self._name = uuid.uuid4().hex[:12]
        self._serials = itertools.count(1)
        self._idle: list[sa.Connection] = []
        self._plan_cache_size = max(1, plan_cache_size)
        self._plans: dict[int, tuple[Any, PreparedPlan]] = {}

    def plan(self, statement: Any) -> PreparedPlan | None:
        """The compiled plan of a :func:`prepared` statement, None for any other.

        Plans are kept by the statement object (held here, so its id is not reused),
        at most ``plan_cache_size`` of them: when full, the oldest half is forgotten.
        """
        known = self._plans.get(id(statement))
        if known is not None and known[0] is statement:
            return known[1]
        options = getattr(statement, "get_execution_options", None)
        if options is None or not options().get(PREPARED):
            return None
        if len(self._plans) >= self._plan_cache_size:
            for old in list(self._plans)[: max(1, self._plan_cache_size // 2)]:
                del self._plans[old]
        plan = PreparedPlan(statement, self.engine.dialect)
        self._plans[id(statement)] = (statement, plan)
        return plan

    def acquire(self) -> sa.Connection:
        """A connection in a new deferred transaction (begun on the driver)."""
        while self._idle:
            connection = self._idle.pop()
            if not (connection.closed or connection.invalidated):
                break
        else:
            connection = self.engine.connect()
        driver(connection).execute("BEGIN")
        return connection

    def version(self, connection: sa.Connection) -> str:
        """The version of the file this connection's transaction sees (``UnitOfWork.version``).

        SQLite's ``PRAGMA data_version`` changes when another connection (of any
        process) has committed since this connection last looked, and this reader's
        connections never write. As the first statement of the transaction it also
        fixes the snapshot the later reads see. Its values mean something for one
        connection only, so the version names the connection too.
        """
        serial = connection.info.get(_SERIAL)
        if serial is None:
            serial = connection.info[_SERIAL] = next(self._serials)
        (value,) = driver(connection).execute("PRAGMA data_version").fetchone()
        return f"{self._name}.{serial}.{value}"

    def release(self, connection: sa.Connection) -> None:
        try:
            if connection.in_transaction():
                connection.rollback()
            raw = driver(connection)
            if raw.in_transaction:
                raw.rollback()
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
    url: str | URL,
    *,
    pool_size: int = 5,
    busy_timeout_ms: int = 5000,
    sqlite_cache_mib: int = 64,
    plan_cache_size: int = DEFAULT_PLAN_CACHE_SIZE,
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
        hide_parameters=True,
    )
    _install_sqlite_hooks(engine, busy_timeout_ms, sqlite_cache_mib, True, wal=True, begin=False)
    _create_private(engine, parsed)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        raw = driver(connection)
        if not raw.in_transaction:  # acquire() began it already
            raw.execute("BEGIN")

    return InlineReader(engine, keep=pool_size, plan_cache_size=plan_cache_size)


def driver(connection: sa.Connection) -> Any:
    """The sqlite3 connection under ``connection``."""
    return connection.connection.dbapi_connection


SQLITE_PAGE_SIZE = 16_384
"""Bytes per page of a new SQLite file. A stored job is about 2 kB: 4 kB pages (SQLite's
default) hold one job each and leave the rest empty; 16 kB pages hold seven. Importing
100,000 postings writes a 22% smaller file at 16 kB, with about 21% less work for the
database (``bench/bench_sql.py``, see docs/benchmarks.md)."""


SQLITE_FILE_MODE = 0o600
"""A new SQLite file is readable by its owner alone: it holds password hashes. SQLite
gives the ``-wal`` and ``-shm`` files it makes beside it the database file's mode."""


def _create_private(engine: Engine, url: URL) -> None:
    """Before a connection opens a SQLite file that does not exist yet, create it empty
    with :data:`SQLITE_FILE_MODE` (SQLite takes an empty file as a new database). An
    existing file keeps its mode. A file that cannot be made here (a missing folder, no
    permission) is left to SQLite, which says why in its own words."""
    path = url.database
    if not path or url.query.get("uri"):
        return

    @event.listens_for(engine, "do_connect")
    def _on_connect(*_args: Any) -> None:
        with contextlib.suppress(OSError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, SQLITE_FILE_MODE))


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
        # before anything is written: only a new, empty file takes it
        f"PRAGMA page_size = {SQLITE_PAGE_SIZE}",
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
