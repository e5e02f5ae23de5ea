"""Connection-level failures of the SQL store, turned into the core's ``StoreUnavailable``.

A unit of work whose database stops answering (the server ended the connection or
restarted, the network dropped, the pool had no connection to give in time, SQLite
stayed locked past its busy timeout) fails with :class:`StoreUnavailable`, which the web
layer answers with 503. Any other driver error (a constraint the code should have
checked, a statement the database refuses) stays what it is: a bug.

    connection-level failure
    ├── sqlalchemy DBAPIError with connection_invalidated  the driver saw the connection die
    ├── sqlalchemy OperationalError, InterfaceError        DB-API: the database's operation
    │                                                      failed, not the statement
    ├── sqlalchemy.exc.TimeoutError                        no pooled connection in time
    ├── a driver error while rolling back                  the connection is unusable
    └── anywhere in the cause chain:
        ├── OSError                                        refused, reset, timed out, DNS
        └── asyncpg PostgresConnectionError (class 08),
            OperatorInterventionError (57: admin shutdown, crash, cannot connect now),
            TooManyConnectionsError, ConnectionDoesNotExistError

:func:`connection_failures` guards opening a connection; :func:`leaving` guards leaving a
unit of work, where the error of its body (if any) is judged together with the rollback.

:func:`leaving` also tells a statement's own failure without the values it carried: no
SQL parameter ever reaches an exception's text or the log (the engines hide them, see
:mod:`.engine`), and :func:`redacted` makes the same error again, of the same class,
whose driver message is withheld where the driver quotes a value (asyncpg's "invalid
input for query argument $1: 'the value'", PostgreSQL's data exceptions, class 22). The
error it replaces is not chained: its text would print the values.

:func:`opening` guards the first connection of a command or of start-up (schema checks
and migrations): whatever stops it from opening (the server refused or is not there,
the database does not exist, the password is wrong, the URL holds an option the driver
does not take) becomes ``StoreUnavailable`` with a one-line detail naming the database
(without its password) and the cause, since nothing of Skael's ran yet.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL

from skael_core.errors import StoreUnavailable

log = logging.getLogger("skael.sql")

DETAIL = "the database is unavailable; try again shortly"

_SQLALCHEMY = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)
_LOW_LEVEL = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
)


def is_connection_failure(error: BaseException) -> bool:
    """True when ``error`` says the database could not be reached or the connection died."""
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, _SQLALCHEMY):
        return True
    # Only an error of the database stack is read for its causes: a caller's own error
    # raised inside a unit of work (a missing import file, say) may wrap an OSError too.
    if not isinstance(error, (sa_exc.SQLAlchemyError, *_LOW_LEVEL)):
        return False
    return any(isinstance(e, _LOW_LEVEL) for e in _chain(error))


def unavailable(error: BaseException) -> StoreUnavailable:
    """The core's error for ``error``, which is logged once with its cause."""
    log.warning("database unavailable: %s", _first_line(error))
    return StoreUnavailable(DETAIL)


@contextmanager
def connection_failures() -> Iterator[None]:
    """Inside the block, a connection-level failure raises ``StoreUnavailable`` instead."""
    try:
        yield
    except Exception as error:
        if is_connection_failure(error):
            raise unavailable(error) from error
        raise


@contextmanager
def opening(url: URL) -> Iterator[None]:
    """Inside the block (opening a connection to ``url``), any failure raises
    ``StoreUnavailable`` that says which database and why."""
    try:
        yield
    except Exception as error:
        where = url.render_as_string(hide_password=True)
        cause = _first_line(_innermost(error))
        log.info("cannot connect to %s: %s", where, cause)
        raise StoreUnavailable(f"cannot connect to the database {where}: {cause}") from error


@contextmanager
def leaving(pending: BaseException | None) -> Iterator[None]:
    """Guard the rollback and close of a unit of work left with ``pending`` (or nothing).

    ``StoreUnavailable`` replaces ``pending`` when it is a connection-level failure, and
    any driver error of the rollback itself: a connection that cannot even roll back was
    lost under the body, whatever the body raised.
    """
    try:
        yield
    except Exception as error:
        if isinstance(error, sa_exc.DBAPIError) or is_connection_failure(error):
            raise unavailable(error) from pending or error
        raise
    if isinstance(pending, Exception) and is_connection_failure(pending):
        raise unavailable(pending) from pending
    if isinstance(pending, sa_exc.DBAPIError):
        raise redacted(pending) from None


class DriverError(Exception):
    """What a database driver said about a failed statement, without the values it
    may quote (see :func:`redacted`)."""


def redacted(error: sa_exc.DBAPIError) -> sa_exc.DBAPIError:
    """``error`` again, of the same class and with the same statement, telling neither
    its parameters nor any value the driver's message quoted."""
    told = DriverError(driver_text(error.orig))
    return type(error)(error.statement, None, told, hide_parameters=True, code=error.code)


_QUERY_ARGUMENT = re.compile(r"(query argument \$\d+).*", re.DOTALL)


def driver_text(error: BaseException | None) -> str:
    """The kind of a driver's error and its first line, with quoted values withheld."""
    state = getattr(error, "sqlstate", None)
    text = str(error).strip().splitlines()
    line = _QUERY_ARGUMENT.sub(r"\1 (value withheld)", text[0] if text else "")
    if isinstance(state, str) and state.startswith("22"):
        line = "data exception (message withheld: it may quote a value)"
    kind = type(error).__name__
    return f"{kind} [SQLSTATE {state}]: {line}" if state else f"{kind}: {line}"


def _chain(error: BaseException) -> Iterator[BaseException]:
    """``error``, the driver's error it wraps, and their causes and contexts."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        pending += [
            orig if isinstance(orig, BaseException) else None,
            current.__cause__,
            current.__context__,
        ]


def _innermost(error: BaseException) -> BaseException:
    """The error at the bottom of ``error``: the driver's own under SQLAlchemy's wrapper,
    and what that one was raised from."""
    current = error
    while True:
        orig = getattr(current, "orig", None)
        below = orig if isinstance(orig, BaseException) else current.__cause__
        if below is None:
            return current
        current = below


def _first_line(error: BaseException) -> str:
    if isinstance(error, sa_exc.DBAPIError):
        told = driver_text(error.orig)
        kind = type(error).__name__
        return told if told.startswith(f"{kind}:") else f"{kind}: {told}"
    text = str(error).strip().splitlines()
    line = _QUERY_ARGUMENT.sub(r"\1 (value withheld)", text[0] if text else "")
    return f"{type(error).__name__}: {line}"
