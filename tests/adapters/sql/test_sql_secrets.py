"""A failed statement never shows its parameters: not in the exception's text, not in
its traceback, not in any log line, on SQLite and PostgreSQL (finding 5 of issue 16).

Before, the text of a failed INSERT ended with ``[parameters: (...)]``: the Argon2 hash
of a new account, or whatever personal data the statement carried.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import TestClient

from adapters.sql.sql_support import T0
from skael_adapters.sql import SqlDatabase
from skael_adapters.sql.tables import users
from skael_web.app import create_app
from web.web_support import build_world, sign_up, sqlite_database

SECRET = "$argon2id$v=19$m=65536,t=3,p=4$c2VjcmV0c2FsdA$SECRETHASHVALUE0123456789"
PERSONAL = "SECRET-PERSONAL-note-4242"


class Collected(logging.Handler):
    """Every record of every logger, formatted with its traceback."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@contextmanager
def collecting() -> Iterator[Collected]:
    """Records of the root, Skael's and SQLAlchemy's loggers while the block runs (the
    app configures Skael's logger when it starts: enter this after the start)."""
    handler = Collected()
    loggers = [logging.getLogger(), logging.getLogger("skael"), logging.getLogger("sqlalchemy")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


@pytest.fixture
def logged() -> Iterator[Collected]:
    with collecting() as handler:
        yield handler


def _told(error: BaseException, logged: Collected) -> str:
    """All that the error and the log say."""
    return "\n".join([*traceback.format_exception(error), *logged.lines])


def _account(email: str = "ada@example.com") -> dict[str, Any]:
    return {"email": email, "password_hash": SECRET, "joined_at": T0, "profile": "{}"}


async def test_a_constraint_violation_shows_no_parameter(
    database: SqlDatabase, logged: Collected
) -> None:
    insert = sa.insert(users)
    with pytest.raises(sa.exc.IntegrityError) as raised:
        async with database.unit_of_work() as uow:
            await uow.connection.execute(insert, _account())
            await uow.connection.execute(insert, _account())
    told = _told(raised.value, logged)
    assert SECRET not in told and "SECRETHASHVALUE" not in told
    assert "INSERT INTO users" in told  # the statement is still named


@pytest.mark.postgres
async def test_values_postgresql_quotes_are_withheld(
    postgres_target: Any, logged: Collected
) -> None:
    database = SqlDatabase.from_url(postgres_target.url, **postgres_target.engine_options)
    statements = [
        sa.text("SELECT CAST(:value AS BIGINT)"),  # asyncpg: "query argument $1: '...'"
        sa.text("SELECT CAST(CAST(:value AS TEXT) AS INTEGER)"),  # server: 'syntax: "..."'
    ]
    try:
        for statement in statements:
            with pytest.raises(sa.exc.DBAPIError) as raised:
                async with database.unit_of_work() as uow:
                    await uow.connection.execute(statement, {"value": PERSONAL})
            assert PERSONAL not in _told(raised.value, logged), statement
            assert "SELECT CAST" in str(raised.value)
    finally:
        await database.dispose()


REFUSE_ACTIVITIES = (
    "CREATE TRIGGER refuse_activities BEFORE INSERT ON activities"
    " BEGIN SELECT RAISE(ABORT, 'activities are refused'); END"
)


def test_a_server_error_logs_no_parameter(tmp_path: Path) -> None:
    database = sqlite_database(tmp_path / "skael.db")
    with TestClient(create_app(build_world(database).container)) as client, collecting() as logged:
        ada = sign_up(client)
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'skael.db'}")
        with engine.begin() as connection:
            connection.exec_driver_sql(REFUSE_ACTIVITIES)
        engine.dispose()
        body = {"action_type": "NOTE", "metadata": {"note": PERSONAL}}
        answer = client.post("/activity/log", json=body, headers=ada.headers)
    assert answer.status_code == 500
    assert PERSONAL not in answer.text
    assert any("unhandled error" in line for line in logged.lines)
    assert "activities are refused" in "\n".join(logged.lines)
    assert PERSONAL not in "\n".join(logged.lines)
