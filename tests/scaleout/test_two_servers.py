"""What one server does, the other knows: two processes, one PostgreSQL schema, one Redis.

Each test first shows the other server accepting what is about to change, so it cannot
pass because the second process simply never knew the user or the token: a state kept
in one process (a ``MemoryStore``, an in-memory database) fails every test here.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from scaleout.scaleout_support import LOGIN_LIMIT, request_with_headers
from servers import ServerProcess

pytestmark = [pytest.mark.scaleout, pytest.mark.postgres, pytest.mark.redis]

Pair = tuple[ServerProcess, ServerProcess]
PASSWORD = "correct horse battery"


def sign_up(server: ServerProcess, **profile: Any) -> tuple[int, str, str]:
    """A new account registered through ``server``: its id, token and email."""
    email = f"{uuid.uuid4().hex[:12]}@example.com"
    body = {"user_name": "Ada", "email_id": email, "password": PASSWORD, **profile}
    status, answer = server.request("POST", "/users/", body)
    assert status == 201, answer
    return answer["user_id"], answer["access_token"], email


def log_in(server: ServerProcess, email: str, password: str) -> tuple[int, Any]:
    return server.request("POST", "/users/login", {"email": email, "password": password})


def test_both_servers_share_state_through_redis(pair: Pair) -> None:
    for server in pair:
        status, health = server.request("GET", "/health")
        assert status == 200
        assert health["database"] == "ok"
        assert health["shared_state"] == "ok"


def test_a_token_logged_out_on_one_server_is_refused_by_the_other(pair: Pair) -> None:
    a, b = pair
    _, token, _ = sign_up(a)
    _, other_token, _ = sign_up(a)
    assert b.request("GET", "/users/me", token=token)[0] == 200
    assert a.request("POST", "/users/logout", token=token)[0] == 200
    status, answer = b.request("GET", "/users/me", token=token)
    assert status == 401, answer
    assert a.request("GET", "/users/me", token=token)[0] == 401
    assert b.request("GET", "/users/me", token=other_token)[0] == 200


def test_failed_logins_on_both_servers_count_together(pair: Pair) -> None:
    a, b = pair
    _, _, email = sign_up(a)
    for attempt in range(LOGIN_LIMIT):
        status, answer = log_in(pair[attempt % 2], email, "not the password")
        assert status == 401, (attempt, answer)
    for server in (a, b):
        good = {"email": email, "password": PASSWORD}
        status, headers, answer = request_with_headers(server, "POST", "/users/login", good)
        assert status == 429, answer
        assert 0 < int(headers["retry-after"]) <= 60


def test_a_posting_fetched_through_one_server_is_listed_by_the_other(pair: Pair) -> None:
    a, b = pair
    _, token, _ = sign_up(a)
    query = {"skills": ["python"], "limit": 10}
    status, fetched = a.request("POST", "/jobs/fetch_jobs", query, token=token)
    assert status == 200, fetched
    ids = {job["id"] for job in fetched["jobs"]}
    assert ids
    status, listed = b.request("GET", "/jobs/list_jobs?limit=100", token=token)
    assert status == 200, listed
    assert ids <= {job["id"] for job in listed["jobs"]}
    some = min(ids)
    status, job = b.request("GET", f"/jobs/{some}", token=token)
    assert status == 200, job
    assert job["id"] == some
    assert job["job_title"] == next(j["job_title"] for j in fetched["jobs"] if j["id"] == some)


def test_a_profile_changed_on_one_server_is_read_by_the_other(pair: Pair) -> None:
    a, b = pair
    user_id, token, _ = sign_up(a, skills="python")
    status, before = b.request("GET", f"/users/{user_id}", token=token)
    assert status == 200, before
    assert before["skills"] == ["python"]
    changes = {"skills": ["rust", "go"], "desired_job_role": "Platform Engineer"}
    assert a.request("PUT", f"/users/{user_id}", changes, token=token)[0] == 200
    status, after = b.request("GET", f"/users/{user_id}", token=token)
    assert status == 200, after
    assert after["skills"] == ["rust", "go"]
    assert after["desired_job_role"] == "Platform Engineer"


def test_a_password_changed_on_one_server_ends_old_tokens_on_the_other(pair: Pair) -> None:
    a, b = pair
    user_id, token, email = sign_up(a)
    assert b.request("GET", "/users/me", token=token)[0] == 200
    body = {"old_password": PASSWORD, "new_password": "a brand new secret"}
    status, answer = a.request("POST", f"/users/{user_id}/change_password", body, token=token)
    assert status == 200, answer
    assert b.request("GET", "/users/me", token=token)[0] == 401
    assert log_in(b, email, PASSWORD)[0] == 401
    status, session = log_in(b, email, "a brand new secret")
    assert status == 200, session
    assert a.request("GET", "/users/me", token=session["access_token"])[0] == 200
