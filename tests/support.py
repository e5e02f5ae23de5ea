"""Fakes and builders shared by the tests: real in-memory parts, no mocks."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from skael_adapters.memory import MemoryDatabase
from skael_adapters.security import Argon2PasswordHasher, HmacTokenService
from skael_adapters.stores import LocalStore, StoreLoginThrottle, StoreRevokedTokens
from skael_adapters.system import FixedClock, PycountryCatalog
from skael_core.errors import SkaelError
from skael_core.model import (
    Company,
    FetchQuery,
    FetchResult,
    Job,
    Technology,
    User,
)
from skael_core.ports import (
    DocumentWriter,
    JobSource,
    RankingCache,
    UnitOfWorkFactory,
    WebhookSender,
)
from skael_core.service import Ports, Skael
from skael_core.usecases.accounts import ProfileChanges, Session
from skael_core.usecases.scheduling import CreditBudget, SearchTiming

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SECRET = "test-secret-" + "x" * 40


class ListJobSource(JobSource):
    """A source that answers from a list it was given (in its order), honouring
    exclusions, ``discovered_at_gte`` and limit; one credit per posting sent."""

    name = "listsource"

    def __init__(self, jobs: Sequence[Job] = (), error: SkaelError | None = None) -> None:
        self.jobs = list(jobs)
        self.error = error
        self.queries: list[tuple[FetchQuery, list[int]]] = []
        self.sent: list[int] = []  # the provider ids of every posting answered (and paid)

    async def fetch(self, query: FetchQuery, exclude_source_ids: Sequence[int]) -> FetchResult:
        self.queries.append((query, list(exclude_source_ids)))
        if self.error is not None:
            raise self.error
        excluded = set(exclude_source_ids)
        since = query.discovered_at_gte
        found = [
            j
            for j in self.jobs
            if j.source_id not in excluded
            and (since is None or (j.discovered_at is not None and j.discovered_at >= since))
        ][: query.limit]
        self.sent.extend(j.source_id for j in found)
        return FetchResult(jobs=tuple(found), credits_used=len(found))

    def matcher(self, query: FetchQuery) -> Callable[[Job], bool]:
        """Every posting of this source answers every query."""
        return lambda job: True


class EchoWriter(DocumentWriter):
    """Writes a plain document that names what it was given."""

    async def write(self, kind: str, user: User, job: Job | None) -> str:
        target = f" for {job.job_title} at {job.company}" if job else ""
        return f"{kind} of {user.profile.user_name}{target}"


def fast_hasher() -> Argon2PasswordHasher:
    return Argon2PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def make_core(
    uow: UnitOfWorkFactory | None = None,
    *,
    clock: FixedClock | None = None,
    source: JobSource | None = None,
    writer: DocumentWriter | None = None,
    rankings: RankingCache | None = None,
    budget: CreditBudget | None = None,
    timing: SearchTiming | None = None,
    webhooks: WebhookSender | None = None,
) -> Skael:
    clock = clock or FixedClock(NOW)
    return Skael(
        Ports(
            uow=uow or MemoryDatabase().unit_of_work,
            clock=clock,
            hasher=fast_hasher(),
            tokens=HmacTokenService(SECRET, clock),
            revoked=StoreRevokedTokens(LocalStore(), clock),
            throttle=StoreLoginThrottle(LocalStore()),
            source=source or ListJobSource(),
            writer=writer or EchoWriter(),
            countries=PycountryCatalog(),
            rankings=rankings,
            webhooks=webhooks,
        ),
        budget=budget,
        timing=timing,
    )


def make_job(source_id: int, **fields: Any) -> Job:
    """A realistic posting; ``fields`` override any attribute."""
    slugs = fields.pop("slugs", ("python", "django", "postgresql"))
    days_old = fields.pop("days_old", source_id % 20)
    values: dict[str, Any] = {
        "source": "listsource",
        "source_id": source_id,
        "job_title": "Senior Python Developer",
        "url": f"https://jobs.example/{source_id}",
        "date_posted": date(2026, 11, 20) - timedelta(days=days_old),
        "discovered_at": NOW - timedelta(days=days_old),
        "company": "Acme Analytics",
        "company_domain": "acme.example",
        "company_obj": Company(company_name="Acme Analytics", company_domain="acme.example"),
        "location": "Berlin",
        "remote": False,
        "hybrid": True,
        "min_salary": 60000.0,
        "max_salary": 80000.0,
        "currency": "EUR",
        "country": "Germany",
        "country_code": "DE",
        "seniority": "senior",
        "description": "## Requirements\n- 5+ years of Python\n- Django and PostgreSQL\n",
        "technologies": tuple(
            Technology(technology_slug=s, technology_name=s.title()) for s in slugs
        ),
    }
    values.update(fields)
    return Job(**values)


async def register(core: Skael, email: str = "ada@example.com", **profile: object) -> Session:
    name = profile.pop("user_name", "Ada")
    changes = ProfileChanges(email=email, user_name=name, **profile)  # type: ignore[arg-type]
    return await core.register.execute("correct horse battery", changes)


def server_url(variable: str) -> str:
    """The URL of a test server from ``variable``; without it the test skips, or fails in CI.

    CI sets every server variable, so a CI run cannot go green by skipping.
    """
    url = os.environ.get(variable)
    if url:
        return url
    if os.environ.get("CI"):
        pytest.fail(f"{variable} must be set when CI is set", pytrace=False)
    pytest.skip(f"{variable} is not set: no server to test against")


def process_gone(pid: int) -> bool:
    """The process has ended: waited for, or a zombie waiting for its new parent."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def cli_env(folder: Path) -> dict[str, str]:
    """What the ``skael`` command needs to run on a SQLite file and data folder in
    ``folder``, with no provider key (the sample source)."""
    return {
        "SKAEL_DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'skael.db'}",
        "SKAEL_DATA_DIR": str(folder / "data"),
        "SKAEL_SECRET_KEY": "cli-test-secret-" + "y" * 40,
        "THEIRSTACK_API_KEY": "",
    }
