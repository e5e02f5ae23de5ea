"""A server keeps serving when Redis is down or goes down, and says so.

Revocations and login throttling fall back to the process's own memory; ``/health``
stays 200 with ``shared_state: "degraded"``; the log has one warning when Redis stops
answering and one when it answers again. The Redis that goes away mid-run is a proxy
in front of the test Redis, cut off and reopened: the shared Redis itself is never
stopped.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from litestar.stores.redis import RedisStore

from servers import ServerProcess, free_port, running_server, server_env
from support import server_url
from tcp_proxy import tcp_proxy

pytestmark = pytest.mark.faults

PASSWORD = "correct horse battery"
DOWN = "Redis does not answer"
BACK = "Redis answers again"


def sign_up(server: ServerProcess) -> tuple[int, str, str]:
    email = f"{uuid.uuid4().hex[:12]}@example.com"
    body = {"user_name": "Ada", "email_id": email, "password": PASSWORD, "skills": "python"}
    status, answer = server.request("POST", "/users/", body)
    assert status == 201, answer
    return answer["user_id"], answer["access_token"], email


def log_in(server: ServerProcess, email: str, password: str = PASSWORD) -> tuple[int, Any]:
    return server.request("POST", "/users/login", {"email": email, "password": password})


def shared_state(server: ServerProcess) -> str:
    status, health = server.request("GET", "/health")
    assert status == 200, health
    assert health["database"] == "ok"
    state: str = health["shared_state"]
    return state


def token_id(token: str) -> str:
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    jti: str = claims["jti"]
    return jti


def sqlite_env(tmp_path: Path, redis_url: str) -> dict[str, str]:
    database = f"sqlite+aiosqlite:///{tmp_path / 'skael.db'}"
    return server_env(database, tmp_path, SKAEL_REDIS_URL=redis_url, SKAEL_LOGIN_LIMIT="3")


def test_a_server_whose_redis_never_answers_keeps_serving(tmp_path: Path) -> None:
    env = sqlite_env(tmp_path, f"redis://127.0.0.1:{free_port()}/0")
    with running_server(env, tmp_path, name="no-redis") as server:
        assert shared_state(server) == "degraded"
        user_id, token, email = sign_up(server)
        assert server.request("GET", "/users/me", token=token)[0] == 200
        query = {"skills": ["python"], "limit": 5}
        status, fetched = server.request("POST", "/jobs/fetch_jobs", query, token=token)
        assert status == 200 and fetched["jobs"], fetched
        assert server.request("GET", "/jobs/list_jobs", token=token)[0] == 200
        status, _ = server.request("PUT", f"/users/{user_id}", {"experience": 4}, token=token)
        assert status == 200

        assert server.request("POST", "/users/logout", token=token)[0] == 200
        assert server.request("GET", "/users/me", token=token)[0] == 401
        status, session = log_in(server, email)
        assert status == 200, session
        assert server.request("GET", "/users/me", token=session["access_token"])[0] == 200

        assert [log_in(server, email, "wrong password")[0] for _ in range(3)] == [401] * 3
        assert log_in(server, email)[0] == 429
        assert shared_state(server) == "degraded"
        log = server.log()
    assert log.count(DOWN) == 1, log
    assert BACK not in log
    assert "Traceback" not in log


@pytest.mark.redis
def test_redis_going_away_mid_run_and_coming_back(tmp_path: Path) -> None:
    url = urlsplit(server_url("SKAEL_TEST_REDIS_URL"))
    with tcp_proxy(url.hostname or "127.0.0.1", url.port or 6379) as proxy:
        proxied = url._replace(netloc=f"127.0.0.1:{proxy.port}").geturl()
        env = sqlite_env(tmp_path, proxied)
        with running_server(env, tmp_path, name="redis-cut") as server:
            assert shared_state(server) == "ok"
            user_id, first, email = sign_up(server)
            second = log_in(server, email)[1]["access_token"]

            proxy.stop()
            assert server.request("GET", "/users/me", token=first)[0] == 200
            assert shared_state(server) == "degraded"
            assert server.request("POST", "/users/logout", token=second)[0] == 200
            assert server.request("GET", "/users/me", token=second)[0] == 401
            assert server.request("GET", "/users/me", token=first)[0] == 200
            status, _ = server.request("PUT", f"/users/{user_id}", {"experience": 7}, token=first)
            assert status == 200
            assert server.log().count(DOWN) == 1

            proxy.start()
            deadline = time.monotonic() + 15
            while shared_state(server) != "ok":
                assert time.monotonic() < deadline, "Redis was not used again within 15 s"
                time.sleep(0.5)
            assert server.request("GET", "/users/me", token=second)[0] == 401
            assert server.request("GET", "/users/me", token=first)[0] == 200
            log = server.log()
    assert log.count(DOWN) == 1, log
    assert log.count(BACK) == 1, log
    assert "Traceback" not in log
    namespace = env["SKAEL_REDIS_NAMESPACE"]
    assert asyncio.run(_revoked_in_redis(url.geturl(), namespace, token_id(second)))


async def _revoked_in_redis(url: str, namespace: str, jti: str) -> bool:
    """Whether Redis itself holds the revocation (then removes it)."""
    store = RedisStore.with_client(url, namespace=namespace)
    try:
        found = await store.exists(f"revoked:{jti}")
        await store.delete(f"revoked:{jti}")
        return found
    finally:
        await store._redis.aclose()
