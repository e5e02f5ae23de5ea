"""Two `skael serve` processes sharing one PostgreSQL schema and one Redis, for a module.

The schema (with its own role, see ``scaleout_support``) is migrated with
``skael db upgrade`` before the servers start, and dropped when the module is done.
"""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import pytest
from litestar.stores.redis import RedisStore

from scaleout.scaleout_support import LOGIN_LIMIT, schema_of_its_own
from servers import SKAEL, ServerProcess, running_server, server_env
from support import server_url


@pytest.fixture(scope="module")
def redis_url() -> str:
    return server_url("SKAEL_TEST_REDIS_URL")


REDIS_NAMESPACE = f"skael-scaleout-{uuid.uuid4().hex[:12]}"
"""The Redis namespace both servers share, this run's own."""


@pytest.fixture(scope="module")
def pair(
    tmp_path_factory: pytest.TempPathFactory, redis_url: str
) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    """Two servers on one migrated schema and one Redis, login limit ``LOGIN_LIMIT``."""
    postgres = server_url("SKAEL_TEST_POSTGRES_URL")
    workdir = tmp_path_factory.mktemp("scaleout")
    with schema_of_its_own(postgres) as database_url:
        env = server_env(
            database_url,
            workdir,
            SKAEL_REDIS_URL=redis_url,
            SKAEL_REDIS_NAMESPACE=REDIS_NAMESPACE,
            SKAEL_LOGIN_LIMIT=str(LOGIN_LIMIT),
            SKAEL_LOGIN_WINDOW="60",
        )
        upgrade = subprocess.run(
            [SKAEL, "db", "upgrade"], env=env, capture_output=True, text=True, timeout=120
        )
        assert upgrade.returncode == 0, upgrade.stderr
        with ExitStack() as servers:
            with ThreadPoolExecutor(2) as starting:
                both = [running_server(env, workdir, name=name) for name in "ab"]
                a, b = starting.map(servers.enter_context, both)
            yield a, b


def _delete_keys(url: str, namespace: str, keys: list[str]) -> None:
    async def delete() -> None:
        store = RedisStore.with_client(url, namespace=namespace)
        try:
            for key in keys:
                await store.delete(key)
        finally:
            await store._redis.aclose()

    asyncio.run(delete())


@pytest.fixture(autouse=True)
def fresh_client_count(redis_url: str) -> Iterator[None]:
    """No failed logins counted for the loopback client before and after each test.

    Every request comes from 127.0.0.1, and the servers count failed logins per client
    address in the shared Redis: left there, one test's failures would throttle the
    next test's logins (and those of any later run within the window).
    """
    keys = ["login:client:127.0.0.1"]
    _delete_keys(redis_url, REDIS_NAMESPACE, keys)
    yield
    _delete_keys(redis_url, REDIS_NAMESPACE, keys)
