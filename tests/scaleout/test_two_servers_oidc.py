"""ID tokens across processes: two real `skael serve` processes, one PostgreSQL schema,
one Redis and one loopback identity provider (``oidc_issuer.TestIssuer``, on the wall
clock). A link made through one server holds on the other; a deletion through one ends
the account's ID tokens on the other at once; each process fetches the keys once."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import pytest

from oidc_issuer import TestIssuer
from scaleout.scaleout_support import schema_of_its_own
from servers import SKAEL, ServerProcess, running_server, server_env
from support import server_url

pytestmark = [pytest.mark.scaleout, pytest.mark.postgres, pytest.mark.redis]

Pair = tuple[ServerProcess, ServerProcess]
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def issuer() -> Iterator[TestIssuer]:
    with TestIssuer() as running:
        yield running


@pytest.fixture(scope="module")
def oidc_pair(tmp_path_factory: pytest.TempPathFactory, issuer: TestIssuer) -> Iterator[Pair]:
    postgres = server_url("SKAEL_TEST_POSTGRES_URL")
    redis = server_url("SKAEL_TEST_REDIS_URL")
    workdir = tmp_path_factory.mktemp("oidc-pair")
    with schema_of_its_own(postgres) as database_url:
        env = server_env(database_url, workdir, SKAEL_REDIS_URL=redis, **issuer.env())
        upgrade = subprocess.run(
            [SKAEL, "db", "upgrade"], env=env, capture_output=True, text=True, timeout=120
        )
        assert upgrade.returncode == 0, upgrade.stderr
        with ExitStack() as servers:
            with ThreadPoolExecutor(2) as starting:
                both = [running_server(env, workdir, name=name) for name in "ab"]
                a, b = starting.map(servers.enter_context, both)
            yield a, b


def test_a_link_made_on_one_server_holds_on_the_other(oidc_pair: Pair, issuer: TestIssuer) -> None:
    a, b = oidc_pair
    email = f"{uuid.uuid4().hex[:12]}@example.com"
    body = {"user_name": "Ada", "email_id": email, "password": PASSWORD}
    status, registered = a.request("POST", "/users/", body)
    assert status == 201, registered
    subject = f"uid-{uuid.uuid4().hex[:8]}"
    token = issuer.mint(subject, email=email)
    for server in (a, b) * 10:
        status, profile = server.request("GET", "/users/me", token=token)
        assert status == 200, profile
        assert profile["id"] == registered["user_id"]
    assert issuer.requests == 2  # once per process

    # the e-mail changes at the provider: the link made on server a decides on server b
    moved = issuer.mint(subject, email=f"moved-{email}", email_verified=False)
    status, profile = b.request("GET", "/users/me", token=moved)
    assert (status, profile["id"]) == (200, registered["user_id"])

    status, gone = a.request("DELETE", f"/users/{registered['user_id']}", token=token)
    assert status == 200, gone
    status, refused = b.request("GET", "/users/me", token=token)
    assert status == 401, refused
    assert refused["detail"].startswith("no Skael account is linked to this identity")
