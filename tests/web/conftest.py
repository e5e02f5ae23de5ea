from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from skael_web.app import create_app
from web.web_support import Account, World, build_world, fetch_jobs, sign_up, sqlite_database


@pytest.fixture(params=["memory", "sqlite"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> World:
    """The app's world on the in-memory store, and again on a SQLite file."""
    if request.param == "sqlite":
        return build_world(sqlite_database(tmp_path / "skael.db"))
    return build_world()


@pytest.fixture
def app(world: World) -> Litestar:
    return create_app(world.container)


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Any]]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def ada(client: TestClient[Any]) -> Account:
    return sign_up(client, "ada@example.com", user_name="Ada", skills="python, django")


@pytest.fixture
def bob(client: TestClient[Any]) -> Account:
    return sign_up(client, "bob@example.com", user_name="Bob")


@pytest.fixture
def job_ids(client: TestClient[Any], ada: Account) -> list[int]:
    return fetch_jobs(client, ada)
