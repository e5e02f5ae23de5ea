"""Helpers of the SQL adapter tests: where the database is, realistic postings, counters."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import event

from skael_adapters.sql import SqlDatabase
from skael_core.model import Job, Profile, Technology, User
from support import server_url

POSTGRES_URL_VARIABLE = "SKAEL_TEST_POSTGRES_URL"
T0 = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class SqlTarget:
    name: str
    url: str
    engine_options: dict[str, Any] = field(default_factory=dict)


def postgres_url() -> str:
    """The test server's URL; skips the test without one (fails it under CI)."""
    return server_url(POSTGRES_URL_VARIABLE)


TECHNOLOGIES = ["python", "go", "rust", "java", "aws", "kubernetes", "react", "postgresql"]


def posting(n: int, source: str = "sample", techs: int = 3) -> Job:
    return Job(
        source=source,
        source_id=n,
        job_title=f"Engineer {n}",
        date_posted=date(2025, 6, 1) - timedelta(days=n % 30),
        discovered_at=T0 + timedelta(seconds=n),
        company=f"Company {n % 17}",
        location="Paris" if n % 2 else "Berlin",
        country_code="FR" if n % 2 else "DE",
        remote=n % 3 == 0,
        seniority="senior" if n % 4 == 0 else "mid_level",
        min_salary=40000.0 + n % 50 * 1000,
        description=f"Posting {n} with Python.",
        technologies=tuple(
            Technology(technology_slug=s, technology_name=s.title())
            for s in (TECHNOLOGIES[(n + k) % len(TECHNOLOGIES)] for k in range(techs))
        ),
    )


def person(n: int) -> User:
    return User(
        email=f"user{n}@example.com",
        password_hash="hash",
        joined_at=T0,
        profile=Profile(user_name=f"User {n}", skills=("python",)),
    )


@contextmanager
def counting_statements(database: SqlDatabase) -> Iterator[list[str]]:
    """The SQL statements ``database`` sends, through any of its engines, while the block runs."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    engines = database.sync_engines
    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", count)
