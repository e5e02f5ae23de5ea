"""The replay's worlds: the real Litestar app on memory, SQLite and PostgreSQL, each
surface, each way of obtaining a bearer token."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import TestClient
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from contract.conftest import POSTGRES_URL_VARIABLE
from oidc_issuer import TestIssuer
from replay.replay_support import AUTH_MODES, SURFACES, AuthMode, Frontend, IdTokens, Surface
from skael_adapters.sql import upgrade
from skael_adapters.sql.testing import IsolatedSchema
from skael_core.model import Company, Job
from skael_web.app import create_app
from support import make_job, server_url
from web.web_support import SwitchableSqlDatabase, World, build_world, sqlite_database

STORES = [
    pytest.param("memory", id="memory"),
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


def posting(source_id: int, company: str, **fields: Any) -> Job:
    return make_job(
        source_id,
        company=company,
        company_obj=Company(company_name=company, logo=f"https://logo.example/{source_id}.png"),
        **fields,
    )


def replay_jobs() -> list[Job]:
    """Postings for an Indian backend developer's search, and some that must not match."""
    requirements = "## Requirements\n- {years}+ years of {what}\n- {more}\n"
    return [
        posting(
            1,
            "Kite Systems",
            job_title="Backend Developer",
            location="Bengaluru",
            country="India",
            country_code="IN",
            slugs=("python", "kafka", "sql"),
            description=requirements.format(years=3, what="Python", more="Kafka and SQL"),
            days_old=1,
        ),
        posting(
            2,
            "Monsoon Data",
            job_title="Senior Data Engineer",
            location="Pune",
            country="India",
            country_code="IN",
            slugs=("python", "airflow"),
            description=requirements.format(years=6, what="data engineering", more="Airflow"),
            days_old=2,
        ),
        posting(
            3,
            "Pixel Works",
            job_title="Frontend Developer",
            location="Remote",
            remote=True,
            country="India",
            country_code="IN",
            slugs=("react", "typescript"),
            description=requirements.format(years=2, what="React", more="TypeScript"),
            days_old=3,
        ),
        posting(
            4,
            "Spree GmbH",
            job_title="Java Developer",
            slugs=("java",),
            description=requirements.format(years=5, what="Java", more="Spring"),
            days_old=4,
        ),
        posting(
            5,
            "Cloudnine",
            job_title="Python Developer",
            location="Remote",
            remote=True,
            country="India",
            country_code="IN",
            slugs=("python", "sql"),
            description=requirements.format(years=4, what="Python", more="SQL"),
            days_old=5,
        ),
    ]


@contextmanager
def postgres_database(url: str) -> Iterator[SwitchableSqlDatabase]:
    """A migrated schema of its own on the test server, dropped afterwards."""
    schema = IsolatedSchema(url=url, name=f"skael_replay_{uuid.uuid4().hex[:12]}")

    async def run(statement: str) -> None:
        admin = create_async_engine(url, poolclass=NullPool)
        try:
            async with admin.begin() as connection:
                await connection.execute(sa.text(statement))
        finally:
            await admin.dispose()

    asyncio.run(run(f'CREATE SCHEMA "{schema.name}"'))
    try:
        asyncio.run(upgrade(url, **schema.engine_options))
        yield SwitchableSqlDatabase.from_url(url, **schema.engine_options)
    finally:
        asyncio.run(run(f'DROP SCHEMA "{schema.name}" CASCADE'))


def replay_world(database: SwitchableSqlDatabase | None, auth_mode: AuthMode) -> World:
    built = build_world(database, **auth_mode.settings())
    built.source.jobs = replay_jobs()
    if isinstance(auth_mode, IdTokens) and auth_mode.issuer is not None:
        auth_mode.issuer.now = built.clock.now
    return built


@pytest.fixture(params=STORES)
def world(request: pytest.FixtureRequest, tmp_path: Path, auth_mode: AuthMode) -> Iterator[World]:
    store: str = request.param
    if store == "memory":
        yield replay_world(None, auth_mode)
    elif store == "sqlite":
        yield replay_world(sqlite_database(tmp_path / "replay.db"), auth_mode)
    else:
        with postgres_database(server_url(POSTGRES_URL_VARIABLE)) as database:
            yield replay_world(database, auth_mode)


@pytest.fixture(params=SURFACES, ids=[s.name for s in SURFACES])
def surface(request: pytest.FixtureRequest) -> Surface:
    found: Surface = request.param
    return found


@pytest.fixture(scope="session")
def id_issuer() -> Iterator[TestIssuer]:
    """The loopback identity provider of the ID-token mode, one for the session."""
    with TestIssuer() as issuer:
        yield issuer


@pytest.fixture(params=AUTH_MODES, ids=[m.name for m in AUTH_MODES])
def auth_mode(request: pytest.FixtureRequest) -> AuthMode:
    found: AuthMode = request.param
    if isinstance(found, IdTokens):
        found.issuer = request.getfixturevalue("id_issuer")
    return found


@pytest.fixture
def client(world: World) -> Iterator[TestClient[Any]]:
    with TestClient(create_app(world.container)) as test_client:
        yield test_client


@pytest.fixture
def frontend(client: TestClient[Any], surface: Surface, auth_mode: AuthMode) -> Frontend:
    return Frontend(client=client, surface=surface, auth=auth_mode)


@pytest.fixture
def tick(world: World) -> Any:
    """Moves the app's clock on a little, as time passes between a person's clicks."""

    def advance() -> None:
        world.clock.advance(seconds=7)

    return advance
