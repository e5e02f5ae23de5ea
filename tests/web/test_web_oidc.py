"""ID tokens of an identity provider, beside Skael's own tokens, through the real app.

The provider is a loopback issuer with keys made here (``oidc_issuer.TestIssuer``); it
counts the requests for its keys, so the tests measure how often Skael asks for them.
Verification does not depend on the store (memory); linking, registration and
deletion run on memory, SQLite and PostgreSQL.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from oidc_issuer import TestIssuer
from web.oidc_support import REFRESH_INTERVAL, bearer, oidc_client, oidc_world, store
from web.web_support import (
    PASSWORD,
    SwitchableDatabase,
    SwitchableSqlDatabase,
    World,
    assert_error,
    build_world,
    log_in,
    sign_up,
)

STORES = [
    pytest.param("memory", id="memory"),
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


@pytest.fixture
def issuer() -> Iterator[TestIssuer]:
    with TestIssuer() as running:
        yield running


@pytest.fixture
def world(issuer: TestIssuer) -> World:
    return oidc_world(issuer)


@pytest.fixture
def client(world: World) -> Iterator[TestClient[Any]]:
    with oidc_client(world) as test_client:
        yield test_client


@pytest.fixture(params=STORES)
def database(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[SwitchableDatabase | SwitchableSqlDatabase]:
    with store(request.param, tmp_path) as opened:
        yield opened


def me(client: TestClient[Any], token: str) -> Any:
    return client.get("/users/me", headers=bearer(token))


def refused(client: TestClient[Any], token: str, status: int = 401) -> str:
    """The detail of the refusal of ``token`` on ``GET /users/me``."""
    detail: str = assert_error(me(client, token), status)["detail"]
    return detail


# --------------------------------------------------------------------------- verification


def test_a_good_token_reaches_the_account_with_its_email(
    client: TestClient[Any], issuer: TestIssuer
) -> None:
    ada = sign_up(client, "ada@example.com")
    token = issuer.mint("uid-ada", email="ada@example.com")
    answer = me(client, token)
    assert answer.status_code == 200, answer.text
    assert answer.json()["id"] == ada.user_id
    assert answer.json()["email_id"] == "ada@example.com"


def test_an_es256_token_from_an_ec_key(client: TestClient[Any], issuer: TestIssuer) -> None:
    ada = sign_up(client, "ada@example.com")
    kid = issuer.add_key("EC")
    answer = me(client, issuer.mint("uid-ada", email="ada@example.com", kid=kid))
    assert answer.status_code == 200, answer.text
    assert answer.json()["id"] == ada.user_id


def test_skael_tokens_keep_working_beside_id_tokens(
    client: TestClient[Any], issuer: TestIssuer
) -> None:
    ada = sign_up(client, "ada@example.com")
    assert me(client, issuer.mint("uid-ada", email="ada@example.com")).status_code == 200
    again = log_in(client, "ada@example.com")
    assert me(client, again.token).json()["id"] == ada.user_id
    assert refused(client, again.token[:-2] + "xx") == "invalid token signature"


def test_without_a_provider_an_id_token_is_malformed(issuer: TestIssuer) -> None:
    with oidc_client(build_world()) as client:
        sign_up(client, "ada@example.com")
        assert refused(client, issuer.mint("uid-ada", email="ada@example.com")) == (
            "malformed token"
        )
    assert issuer.requests == 0


def test_an_expired_token(client: TestClient[Any], issuer: TestIssuer, world: World) -> None:
    sign_up(client, "ada@example.com")
    token = issuer.mint("uid-ada", email="ada@example.com", lifetime=3600)
    assert me(client, token).status_code == 200
    world.clock.advance(seconds=3600 + 59)  # within the minute of clock skew allowed
    assert me(client, token).status_code == 200
    world.clock.advance(seconds=2)
    assert refused(client, token) == "token has expired"
    long_ago = world.clock.now().replace(year=2020)
    old = issuer.mint("uid-ada", email="ada@example.com", issued_at=long_ago)
    assert refused(client, old) == "token has expired"


def test_a_token_for_another_audience(client: TestClient[Any], issuer: TestIssuer) -> None:
    sign_up(client, "ada@example.com")
    token = issuer.mint("uid-ada", email="ada@example.com", aud="another-project")
    assert refused(client, token) == "wrong audience: the token is not meant for 'skael-test'"
    listed = issuer.mint("uid-ada", email="ada@example.com", aud=["another", "skael-test"])
    assert me(client, listed).status_code == 200


def test_a_token_from_another_issuer(client: TestClient[Any], issuer: TestIssuer) -> None:
    sign_up(client, "ada@example.com")
    token = issuer.mint(
        "uid-ada", email="ada@example.com", iss="https://securetoken.google.com/other"
    )
    detail = refused(client, token)
    assert detail.startswith("wrong issuer: this server accepts tokens of")
    assert "https://securetoken.google.com/skael-test" in detail


def test_times_in_the_future_and_missing_claims(
    client: TestClient[Any], issuer: TestIssuer, world: World
) -> None:
    sign_up(client, "ada@example.com")
    now = int(world.clock.now().timestamp())
    future = issuer.mint("uid-ada", email="ada@example.com", iat=now + 600)
    assert refused(client, future) == "the token was issued in the future (check the clocks)"
    early = issuer.mint("uid-ada", email="ada@example.com", nbf=now + 600)
    assert refused(client, early) == "the token is not valid yet"
    skewed = issuer.mint("uid-ada", email="ada@example.com", iat=now + 30)
    assert me(client, skewed).status_code == 200
    no_expiry = issuer.mint("uid-ada", email="ada@example.com", exp=None)
    assert refused(client, no_expiry) == "the token has no 'exp' claim"


def test_alg_none_is_refused(client: TestClient[Any], issuer: TestIssuer) -> None:
    sign_up(client, "ada@example.com")
    detail = refused(client, issuer.forged_none("uid-ada", email="ada@example.com"))
    assert detail == "token algorithm 'none' is not accepted (only RS256, ES256)"


def test_hs256_signed_with_the_public_key_is_refused(
    client: TestClient[Any], issuer: TestIssuer
) -> None:
    sign_up(client, "ada@example.com")
    detail = refused(client, issuer.forged_hs256("uid-ada", email="ada@example.com"))
    assert detail == "token algorithm 'HS256' is not accepted (only RS256, ES256)"


def test_the_algorithm_is_fixed_by_configuration(issuer: TestIssuer) -> None:
    rsa_kid = issuer.kid
    ec = issuer.add_key("EC")
    with oidc_client(oidc_world(issuer, oidc_algorithms=("RS256",))) as client:
        sign_up(client, "ada@example.com")
        token = issuer.mint("uid-ada", email="ada@example.com", kid=ec)
        assert refused(client, token) == "token algorithm 'ES256' is not accepted (only RS256)"
        rsa = issuer.mint("uid-ada", email="ada@example.com", kid=rsa_kid)
        assert me(client, rsa).status_code == 200


def test_a_key_of_the_wrong_type_for_the_algorithm(
    client: TestClient[Any], issuer: TestIssuer
) -> None:
    sign_up(client, "ada@example.com")
    token = issuer.mint("uid-ada", email="ada@example.com")
    _, payload, signature = token.split(".")
    header = {"alg": "ES256", "kid": issuer.kid, "typ": "JWT"}  # names the RSA key
    forged_head = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    detail = refused(client, f"{forged_head}.{payload}.{signature}")
    assert detail == f"the signing key '{issuer.kid}' is not a key for ES256"


def test_a_bad_signature(client: TestClient[Any], issuer: TestIssuer) -> None:
    sign_up(client, "ada@example.com")
    sign_up(client, "eve@example.com")
    token = issuer.mint("uid-eve", email="eve@example.com")
    head, _, signature = token.split(".")
    claims = issuer.claims("uid-ada", email="ada@example.com")
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert refused(client, f"{head}.{payload}.{signature}") == "invalid token signature"


# --------------------------------------------------------------------------- keys


def test_200_requests_with_one_token_ask_the_key_server_once(
    client: TestClient[Any], issuer: TestIssuer
) -> None:
    sign_up(client, "ada@example.com")
    token = issuer.mint("uid-ada", email="ada@example.com")
    for _ in range(200):
        assert me(client, token).status_code == 200
    assert issuer.requests == 1


def test_new_tokens_are_checked_with_the_kept_keys(
    client: TestClient[Any], issuer: TestIssuer, world: World
) -> None:
    sign_up(client, "ada@example.com")
    for _ in range(50):
        world.clock.advance(seconds=60)  # each token new, within the hour of max-age
        assert me(client, issuer.mint("uid-ada", email="ada@example.com")).status_code == 200
    assert issuer.requests == 1
    world.clock.advance(seconds=3600)  # max-age has passed: the keys are fetched again
    assert me(client, issuer.mint("uid-ada", email="ada@example.com")).status_code == 200
    assert issuer.requests == 2


def test_the_keys_are_kept_for_the_providers_max_age(issuer: TestIssuer) -> None:
    issuer.cache_control = "public, max-age=120, must-revalidate"
    world = oidc_world(issuer)
    with oidc_client(world) as client:
        sign_up(client, "ada@example.com")
        assert me(client, issuer.mint("uid-ada", email="ada@example.com")).status_code == 200
        world.clock.advance(seconds=119)
        assert me(client, issuer.mint("uid-ada", email="ada@example.com")).status_code == 200
        assert issuer.requests == 1
        world.clock.advance(seconds=2)
        assert me(client, issuer.mint("uid-ada", email="ada@example.com")).status_code == 200
        assert issuer.requests == 2


def test_an_unknown_kid_then_a_key_rotation(
    client: TestClient[Any], issuer: TestIssuer, world: World
) -> None:
    sign_up(client, "ada@example.com")
    old_token = issuer.mint("uid-ada", email="ada@example.com")
    assert me(client, old_token).status_code == 200
    assert issuer.requests == 1

    new_kid = issuer.rotate()
    new_token = issuer.mint("uid-ada", email="ada@example.com", kid=new_kid)
    # just fetched: an unknown key is not asked for again within the refresh interval
    assert refused(client, new_token) == (
        f"unknown signing key: the provider publishes no key {new_kid!r}"
    )
    assert issuer.requests == 1

    world.clock.advance(seconds=REFRESH_INTERVAL)
    fresh = issuer.mint("uid-ada", email="ada@example.com", kid=new_kid)
    assert me(client, fresh).status_code == 200
    assert issuer.requests == 2  # the new key was fetched, once
    for _ in range(20):
        world.clock.advance(seconds=1)
        again = issuer.mint("uid-ada", email="ada@example.com", kid=new_kid)
        assert me(client, again).status_code == 200
    assert issuer.requests == 2
    # a token verified before the rotation stays good until it expires
    assert me(client, old_token).status_code == 200


def test_a_flood_of_unknown_kids_asks_once_per_interval(
    client: TestClient[Any], issuer: TestIssuer, world: World
) -> None:
    sign_up(client, "ada@example.com")
    assert me(client, issuer.mint("uid-ada", email="ada@example.com")).status_code == 200
    unpublished = issuer.add_key("RSA")
    issuer.unpublish(unpublished)
    world.clock.advance(seconds=REFRESH_INTERVAL)
    for n in range(300):
        junk = issuer.mint(f"uid-{n}", email="ada@example.com", kid=unpublished, jti=str(n))
        detail = refused(client, junk)
        assert detail == f"unknown signing key: the provider publishes no key {unpublished!r}"
    assert issuer.requests == 2  # the first junk token caused one refresh, the rest none
    world.clock.advance(seconds=REFRESH_INTERVAL - 1)
    refused(client, issuer.mint("uid-x", email="ada@example.com", kid=unpublished))
    assert issuer.requests == 2
    world.clock.advance(seconds=1)
    refused(client, issuer.mint("uid-y", email="ada@example.com", kid=unpublished))
    assert issuer.requests == 3


def test_keys_unreachable_is_503_and_asked_once_per_interval(
    client: TestClient[Any], issuer: TestIssuer, world: World
) -> None:
    sign_up(client, "ada@example.com")
    issuer.reachable = False
    for _ in range(20):
        answer = me(client, issuer.mint("uid-ada", email="ada@example.com"))
        detail = assert_error(answer, 503)["detail"]
        assert detail.startswith("the identity provider's signing keys could not be fetched (")
        assert issuer.jwks_url in detail
    assert issuer.requests == 1

    issuer.reachable = True
    issuer.status = 500
    world.clock.advance(seconds=REFRESH_INTERVAL)
    detail = assert_error(me(client, issuer.mint("uid-ada", email="ada@example.com")), 503)
    assert "answered 500" in detail["detail"]
    assert issuer.requests == 2

    issuer.status = 200
    world.clock.advance(seconds=REFRESH_INTERVAL)
    assert me(client, issuer.mint("uid-ada", email="ada@example.com")).status_code == 200
    assert issuer.requests == 3


def test_known_keys_stay_in_use_while_the_provider_is_unreachable(
    client: TestClient[Any], issuer: TestIssuer, world: World
) -> None:
    sign_up(client, "ada@example.com")
    assert me(client, issuer.mint("uid-ada", email="ada@example.com")).status_code == 200
    issuer.reachable = False
    world.clock.advance(seconds=3600 + 1)  # the keys' max-age has passed
    assert me(client, issuer.mint("uid-ada", email="ada@example.com")).status_code == 200
    assert issuer.requests == 2  # one attempt to refresh, then the known keys
    other = issuer.add_key("EC")
    token = issuer.mint("uid-ada", email="ada@example.com", kid=other)
    assert_error(me(client, token), 503)  # a new key can only come from the provider


# --------------------------------------------------------------------------- linking


def test_an_unverified_email_does_not_link(
    issuer: TestIssuer, database: SwitchableDatabase | SwitchableSqlDatabase
) -> None:
    with oidc_client(oidc_world(issuer, database)) as client:
        sign_up(client, "ada@example.com")
        token = issuer.mint("uid-ada", email="ada@example.com", email_verified=False)
        assert refused(client, token) == (
            "the identity provider has not verified the e-mail ada@example.com: "
            "verify it before signing in to Skael"
        )
        no_email = issuer.mint("uid-ada")
        assert refused(client, no_email) == (
            "the token carries no e-mail, so no Skael account can be linked"
        )
        verified = issuer.mint("uid-ada", email="ada@example.com")
        assert me(client, verified).status_code == 200


def test_no_account_without_auto_register(
    issuer: TestIssuer, database: SwitchableDatabase | SwitchableSqlDatabase
) -> None:
    with oidc_client(oidc_world(issuer, database)) as client:
        token = issuer.mint("uid-new", email="new@example.com", name="Newcomer")
        assert refused(client, token) == (
            "no Skael account is linked to this identity: register with POST /users/ "
            "using the same e-mail first"
        )
        account = sign_up(client, "New@Example.com")  # e-mails compare case-insensitively
        assert me(client, token).json()["id"] == account.user_id


def test_auto_register_makes_the_account_once(
    issuer: TestIssuer, database: SwitchableDatabase | SwitchableSqlDatabase
) -> None:
    world = oidc_world(issuer, database, oidc_auto_register=True)
    with oidc_client(world) as client:
        token = issuer.mint("uid-new", email="New@Example.com", name="Grace Hopper")
        first = me(client, token)
        assert first.status_code == 200, first.text
        profile = first.json()
        assert (profile["user_name"], profile["email_id"]) == ("Grace Hopper", "new@example.com")
        world.clock.advance(seconds=120)
        again = me(client, issuer.mint("uid-new", email="new@example.com"))
        assert again.json()["id"] == profile["id"]
        unnamed = me(client, issuer.mint("uid-other", email="alan@example.com"))
        assert unnamed.json()["user_name"] == "alan"
        assert unnamed.json()["id"] != profile["id"]
        unverified = issuer.mint("uid-3", email="c@example.com", email_verified=False)
        assert "has not verified" in refused(client, unverified)
        # the account has no password: it signs in through its provider only
        login = {"email": "new@example.com", "password": PASSWORD}
        assert_error(client.post("/users/login", json=login), 401)


def test_the_link_survives_an_email_change(
    issuer: TestIssuer, database: SwitchableDatabase | SwitchableSqlDatabase
) -> None:
    world = oidc_world(issuer, database)
    with oidc_client(world) as client:
        ada = sign_up(client, "ada@example.com")
        assert me(client, issuer.mint("uid-ada", email="ada@example.com")).status_code == 200
        world.clock.advance(seconds=3600)  # past the link memo: read from the store
        changed = issuer.mint("uid-ada", email="ada.lovelace@new.example")
        assert me(client, changed).json()["id"] == ada.user_id
        pending = issuer.mint("uid-ada", email="ada@later.example", email_verified=False)
        assert me(client, pending).json()["id"] == ada.user_id
        # someone else now holds the old e-mail at the provider: it does not reach Ada
        taker = issuer.mint("uid-taker", email="ada@example.com")
        assert refused(client, taker) == (
            "the Skael account with e-mail ada@example.com is linked to another identity "
            "of this provider"
        )
        # Ada changes her Skael e-mail: the link still holds
        update = {"email_id": "lovelace@example.com"}
        answer = client.put(f"/users/{ada.user_id}", json=update, headers=bearer(changed))
        assert answer.status_code == 200, answer.text
        world.clock.advance(seconds=3600)
        assert me(client, issuer.mint("uid-ada", email="x@new.example")).json()["id"] == (
            ada.user_id
        )


def test_deleting_the_account_ends_its_id_tokens(
    issuer: TestIssuer, database: SwitchableDatabase | SwitchableSqlDatabase
) -> None:
    world = oidc_world(issuer, database)
    with oidc_client(world) as client:
        ada = sign_up(client, "ada@example.com")
        token = issuer.mint("uid-ada", email="ada@example.com")
        gone = client.delete(f"/users/{ada.user_id}", headers=bearer(token))
        assert gone.status_code == 200, gone.text
        no_account = (
            "no Skael account is linked to this identity: register with POST /users/ "
            "using the same e-mail first"
        )
        assert refused(client, token) == no_account
        world.clock.advance(seconds=600)  # past the link memo
        assert refused(client, issuer.mint("uid-ada", email="ada@example.com")) == no_account
        # the link went with the account: the same person registers anew and links again
        again = sign_up(client, "ada@example.com")
        assert again.user_id != ada.user_id
        assert me(client, issuer.mint("uid-ada", email="ada@example.com")).json()["id"] == (
            again.user_id
        )


def test_ownership_and_logout_apply_to_id_tokens(
    client: TestClient[Any], issuer: TestIssuer
) -> None:
    sign_up(client, "ada@example.com")
    bob = sign_up(client, "bob@example.com")
    token = issuer.mint("uid-ada", email="ada@example.com")
    assert_error(client.get(f"/users/{bob.user_id}", headers=bearer(token)), 403)
    assert client.post("/users/logout", headers=bearer(token)).status_code == 200
    assert refused(client, token) == "token has been revoked"
    assert me(client, issuer.mint("uid-ada", email="ada@example.com", jti="next")).status_code == (
        200
    )


# --------------------------------------------------------------------------- a session


def test_a_session_driven_only_by_id_tokens(
    issuer: TestIssuer, database: SwitchableDatabase | SwitchableSqlDatabase
) -> None:
    """As the Skael frontend does: Firebase signs the person up, the frontend registers
    them with ``POST /users/``, then sends the ID token on every call."""
    world = oidc_world(issuer, database)
    with oidc_client(world) as client:
        body = {"user_name": "Ada", "email_id": "ada@example.com", "password": PASSWORD}
        registered = client.post("/users/", json=body)
        assert registered.status_code == 201, registered.text
        user_id = registered.json()["user_id"]
        headers = bearer(issuer.mint("firebase-uid-ada", email="ada@example.com", name="Ada"))

        profile = client.get(f"/users/{user_id}", headers=headers)
        assert profile.status_code == 200, profile.text
        assert profile.json()["email_id"] == "ada@example.com"
        changes = {"skills": ["python", "sql"], "desired_job_role": "Data Engineer"}
        updated = client.put(f"/users/{user_id}", json=changes, headers=headers)
        assert updated.status_code == 200, updated.text
        assert client.get("/users/me", headers=headers).json()["skills"] == ["python", "sql"]

        world.clock.advance(seconds=3000)  # the frontend refreshes its ID token hourly
        headers = bearer(issuer.mint("firebase-uid-ada", email="ada@example.com"))
        fetched = client.post("/jobs/fetch_jobs", json={"limit": 10}, headers=headers)
        assert fetched.status_code == 200, fetched.text
        job_id = fetched.json()["jobs"][0]["id"]
        saved = client.post(f"/jobs/{job_id}/save", headers=headers)
        assert saved.status_code == 201, saved.text
        listed = client.get("/jobs/saved", headers=headers)
        assert [job["id"] for job in listed.json()["jobs"]] == [job_id]
        activity = client.get(f"/activity/user/{user_id}", headers=headers)
        assert activity.status_code == 200, activity.text
        kinds = [a["action_type"] for a in activity.json()["activities"]]
        assert "JOB_SAVED" in kinds
    assert issuer.requests == 1


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_an_id_token_logged_out_stays_out_for_another_process(
    issuer: TestIssuer, kind: str, tmp_path: Path
) -> None:
    """Two apps on one store and no Redis stand for two processes (or a restart): a
    logout through one is refused by the other, from the store of record. (Two test
    clients run two event loops, which one asyncpg pool cannot serve; the two real
    servers of tests/web/test_sessions_processes.py cover PostgreSQL.)"""
    with store(kind, tmp_path) as database:
        first, second = oidc_world(issuer, database), oidc_world(issuer, database)
        _logged_out_on_one_refused_on_other(issuer, first, second)


def _logged_out_on_one_refused_on_other(issuer: TestIssuer, first: World, second: World) -> None:
    with oidc_client(first) as one, oidc_client(second) as other:
        body = {"user_name": "Ada", "email_id": "ada@example.com", "password": PASSWORD}
        assert one.post("/users/", json=body).status_code == 201
        token = issuer.mint("uid-ada", email="ada@example.com")
        assert me(other, token).status_code == 200
        assert one.post("/users/logout", headers=bearer(token)).status_code == 200
        assert refused(other, token) == "token has been revoked"
