"""Builders for the web tests: the real app on the in-memory core, driven over HTTP."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dependency_injector import providers
from litestar.testing import TestClient

from skael_adapters.memory import MemoryDatabase
from skael_adapters.sql import SqlDatabase, migrate
from skael_adapters.system import FixedClock
from skael_core.model import Job
from skael_web.container import Container, build_container
from skael_web.settings import Settings
from support import NOW, SECRET, EchoWriter, ListJobSource, fast_hasher, make_job

PASSWORD = "correct horse battery"
ORIGIN = "https://app.skael.example"


class SwitchableDatabase(MemoryDatabase):
    """The in-memory database with a switch to make it stop answering."""

    up = True

    async def ping(self) -> bool:
        if not self.up:
            raise ConnectionError("the database is down")
        return True

    async def dispose(self) -> None:
        return None


class SwitchableSqlDatabase(SqlDatabase):
    """A SQLite database with the same switch."""

    up = True

    async def ping(self) -> bool:
        if not self.up:
            raise ConnectionError("the database is down")
        return await super().ping()


def sqlite_database(path: Path) -> SwitchableSqlDatabase:
    url = f"sqlite+aiosqlite:///{path}"
    asyncio.run(migrate.ensure_schema(url))
    return SwitchableSqlDatabase.from_url(url)


@dataclass
class World:
    """One app's container and the fakes inside it."""

    container: Container
    database: SwitchableDatabase | SwitchableSqlDatabase
    source: ListJobSource
    clock: FixedClock


def build_world(
    database: SwitchableDatabase | SwitchableSqlDatabase | None = None, **settings: Any
) -> World:
    values: dict[str, Any] = {
        "database_url": "memory://",
        "secret_key": SECRET,
        "seed_sample": False,
        "cors_origins": (ORIGIN,),
    }
    values.update(settings)
    container = build_container(Settings(**values))
    world = World(
        container=container,
        database=database or SwitchableDatabase(),
        source=ListJobSource(sample_jobs()),
        clock=FixedClock(NOW),
    )
    container.database.override(providers.Object(world.database))
    container.job_source.override(providers.Object(world.source))
    container.clock.override(providers.Object(world.clock))
    container.hasher.override(providers.Object(fast_hasher()))
    container.writer.override(providers.Object(EchoWriter()))
    return world


def sample_jobs() -> list[Job]:
    return [
        make_job(1, job_title="Senior Python Developer", company="Acme Analytics"),
        make_job(2, job_title="Data Engineer", slugs=("python", "airflow"), company="Datable"),
        make_job(
            3,
            job_title="Frontend Developer",
            slugs=("react", "typescript"),
            remote=True,
            country="India",
            country_code="IN",
            location="Bengaluru",
            company="Pixel Works",
        ),
        make_job(4, job_title="Nurse", slugs=(), company="City Hospital", min_salary=30000.0),
        make_job(5, job_title="Junior Python Developer", seniority="junior", company="Acme"),
    ]


@dataclass
class Account:
    user_id: int
    token: str
    email: str
    password: str = PASSWORD
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def sign_up(client: TestClient[Any], email: str = "ada@example.com", **fields: Any) -> Account:
    """Register; a field given as None is left out of the body."""
    body = {"user_name": "Ada", "email_id": email, "password": PASSWORD, **fields}
    body = {k: v for k, v in body.items() if v is not None}
    response = client.post("/users/", json=body)
    assert response.status_code == 201, response.text
    answer = response.json()
    return Account(user_id=answer["user_id"], token=answer["access_token"], email=email)


def log_in(client: TestClient[Any], email: str, password: str = PASSWORD) -> Account:
    response = client.post("/users/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    answer = response.json()
    return Account(user_id=answer["user_id"], token=answer["access_token"], email=email)


def fetch_jobs(client: TestClient[Any], account: Account) -> list[int]:
    """Fill the store through the API; the ids of the stored jobs."""
    response = client.post("/jobs/fetch_jobs", json={"limit": 100}, headers=account.headers)
    assert response.status_code == 200, response.text
    return [job["id"] for job in response.json()["jobs"]]


def actions(client: TestClient[Any], account: Account) -> list[str]:
    """The account's activity types, newest first."""
    response = client.get(
        f"/activity/user/{account.user_id}", params={"limit": 100}, headers=account.headers
    )
    assert response.status_code == 200, response.text
    return [a["action_type"] for a in response.json()["activities"]]


def assert_error(response: Any, status: int) -> dict[str, Any]:
    """The response is the error envelope with ``status``; its body."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["messages"] == "error"
    assert isinstance(body["detail"], str) and body["detail"]
    return body
