"""A logout holds across `skael serve` processes and restarts without Redis (issue 16, 7).

Two real servers on one SQLite file, or one PostgreSQL schema, with no Redis: a token
logged out on one is refused by the other at once, and by a server started afterwards.
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from scaleout.scaleout_support import schema_of_its_own
from servers import SKAEL, ServerProcess, running_server, server_env
from support import server_url

PASSWORD = "correct horse battery"


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], scope="module"
)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('logout') / 'skael.db'}"
        return
    with schema_of_its_own(server_url("SKAEL_TEST_POSTGRES_URL")) as url:
        yield url


def _sign_up(server: ServerProcess) -> tuple[str, str]:
    email = f"{uuid.uuid4().hex[:12]}@example.com"
    body = {"user_name": "Ada", "email_id": email, "password": PASSWORD}
    status, answer = server.request("POST", "/users/", body)
    assert status == 201, answer
    return answer["access_token"], email


def _me(server: ServerProcess, token: str) -> int:
    return server.request("GET", "/users/me", token=token)[0]


def test_a_logout_holds_on_a_second_process_and_after_a_restart(
    database_url: str, tmp_path: Path
) -> None:
    env = server_env(database_url, tmp_path)
    assert "SKAEL_REDIS_URL" not in env
    if database_url.startswith("postgresql"):
        upgrade = subprocess.run(
            [SKAEL, "db", "upgrade"], env=env, capture_output=True, text=True, timeout=120
        )
        assert upgrade.returncode == 0, upgrade.stderr
    with ExitStack() as servers:
        a = servers.enter_context(running_server(env, tmp_path, name="a"))
        b = servers.enter_context(running_server(env, tmp_path, name="b"))
        token, email = _sign_up(a)
        status, again = b.request("POST", "/users/login", {"email": email, "password": PASSWORD})
        assert status == 200, again
        assert _me(b, token) == 200
        assert a.request("POST", "/users/logout", token=token)[0] == 200
        assert _me(b, token) == 401
        assert _me(a, token) == 401
        assert _me(b, again["access_token"]) == 200
    with running_server(env, tmp_path, name="restarted") as restarted:
        assert _me(restarted, token) == 401
        assert _me(restarted, again["access_token"]) == 200
