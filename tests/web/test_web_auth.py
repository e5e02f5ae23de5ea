"""Authentication and ownership, walked from the app's own route table.

A route added later is covered without touching these tests: it is authenticated
unless marked public, and a route that can name a ``user_id`` (path, query, body or
form) is called with another user's id. A route that names none must be listed in
``NAMES_NO_USER`` on purpose.
"""

from __future__ import annotations

import re
import types
from dataclasses import dataclass
from typing import Any, Union, get_args, get_origin

import httpx
import msgspec
import pytest
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute
from litestar.testing import TestClient

from skael_web.auth import is_public
from web.web_support import PASSWORD, Account, actions, assert_error, fetch_jobs, log_in, sign_up

PUBLIC_ENDPOINTS = {
    ("POST", "/users"),
    ("POST", "/users/login"),
    ("GET", "/countries"),
    ("GET", "/health"),
    ("GET", "/calendar/{feed:str}"),  # the calendar feed: its secret address is its credential
}
NAMES_NO_USER = {
    ("POST", "/users/logout"),  # the caller's own token
    ("GET", "/users/me"),  # the caller
    ("GET", "/jobs/saved"),  # the caller's
    ("GET", "/jobs/list_jobs"),  # shared job store
    ("GET", "/jobs/{job_id:int}"),  # shared job store
    ("GET", "/resumes/{resume_id:int}"),  # owned document: see the test below
    ("POST", "/resumes/upload"),  # stored as the caller's own document
    ("GET", "/technologies"),  # shared catalogs
    ("GET", "/companies"),
    ("GET", "/locations"),
    ("GET", "/searches/{search_id:int}"),  # owned searches: see test_web_discovery.py
    ("PUT", "/searches/{search_id:int}"),
    ("DELETE", "/searches/{search_id:int}"),
    ("POST", "/notifications/{notification_id:int}/read"),  # owned notification
}
# /v0 (the original backend's surface) has the same routes but the catalogs, plus the
# original's GET /jobs/ (the shared job store).
V0_ROUTES = {
    (m, p)
    for m, p in PUBLIC_ENDPOINTS | NAMES_NO_USER
    if p.startswith(("/users", "/jobs")) and (m, p) != ("GET", "/calendar/{feed:str}")
}
PUBLIC_ENDPOINTS |= {(m, f"/v0{p}") for m, p in PUBLIC_ENDPOINTS if (m, p) in V0_ROUTES}
NAMES_NO_USER |= {(m, f"/v0{p}") for m, p in NAMES_NO_USER if (m, p) in V0_ROUTES}
NAMES_NO_USER |= {
    ("GET", "/v0/resumes/{resume_id:int}"),
    ("POST", "/v0/resumes/upload"),
    ("GET", "/v0/jobs"),
}
SAMPLE_VALUES: dict[str, Any] = {
    "action_type": "JOB_VIEWED",
    "status": "Applied",
    "feedback": "Nice",
    "old_password": PASSWORD,
    "new_password": "a brand new secret",
    "password": PASSWORD,
    "key": "Acme",
    "kind": "video",
    "starts_at": "2026-12-10T09:30:00+01:00",
    "due_date": "2026-12-14",
}
"""Values for the required body fields of the routes (``job_id`` is filled in)."""


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    handler: HTTPRouteHandler

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)

    def url(self, **ids: int | str) -> str:
        return re.sub(r"\{(\w+):(?:int|str)\}", lambda m: str(ids[m.group(1)]), self.path)

    def body_type(self) -> type[msgspec.Struct] | None:
        if "body" in self.handler.opt:
            found: type[msgspec.Struct] = self.handler.opt["body"]
            return found
        data = self.handler.parsed_fn_signature.parameters.get("data")
        if data is None:
            return None
        annotation = data.annotation
        options = get_args(annotation) if get_origin(annotation) in (Union, types.UnionType) else ()
        for candidate in (annotation, *options):
            if isinstance(candidate, type) and issubclass(candidate, msgspec.Struct):
                return candidate
        raise AssertionError(f"{self.key}: cannot tell the body type {annotation!r}")

    def user_id_in(self) -> str | None:
        """Where the route takes a ``user_id``: path, query, body, or nowhere."""
        if "{user_id:" in self.path:
            return "path"
        if "user_id" in self.handler.parsed_fn_signature.parameters:
            return "query"
        body = self.body_type()
        if body is not None and "user_id" in body.__struct_fields__:
            return "body"
        return None

    def required_query(self) -> dict[str, Any]:
        """Sample values of the query parameters the route requires."""
        parameters = self.handler.parsed_fn_signature.parameters
        required = [
            name
            for name, field in parameters.items()
            if name in SAMPLE_VALUES and not field.is_optional and not field.has_default
        ]
        return {name: SAMPLE_VALUES[name] for name in required}

    def body(self, **values: Any) -> dict[str, Any] | None:
        body = self.body_type()
        if body is None:
            return None
        made: dict[str, Any] = {}
        for field in msgspec.structs.fields(body):
            if field.name in values:
                made[field.name] = values[field.name]
            elif field.required:
                assert field.name in SAMPLE_VALUES, f"{self.key}: add a sample for {field.name}"
                made[field.name] = SAMPLE_VALUES[field.name]
        return made


def endpoints(app: Litestar) -> list[Endpoint]:
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            for method in sorted(handler.http_methods - {"OPTIONS", "HEAD"}):
                found.append(Endpoint(method, route.path, handler))
    return found


ONES: dict[str, int | str] = {
    "user_id": 1,
    "job_id": 1,
    "resume_id": 1,
    "interview_id": 1,
    "reminder_id": 1,
    "search_id": 1,
    "notification_id": 1,
}


def agenda_of(client: TestClient[Any], account: Account, job_id: int) -> dict[str, int | str]:
    """An application of ``account`` to ``job_id`` with an interview and a reminder, and the
    ids of those and of the account's calendar feed."""
    client.post("/resumes/apply", json={"job_id": job_id}, headers=account.headers)
    body = {"kind": "phone", "starts_at": "2026-12-10T09:30:00+01:00"}
    interview = client.post(
        f"/applications/{job_id}/interviews", json=body, headers=account.headers
    )
    reminder = client.post(
        f"/applications/{job_id}/reminders",
        json={"due_date": "2026-12-14"},
        headers=account.headers,
    )
    calendar = client.get(f"/users/{account.user_id}/calendar", headers=account.headers)
    return {
        "interview_id": interview.json()["id"],
        "reminder_id": reminder.json()["id"],
        "feed": calendar.json()["url"].rsplit("/", 1)[-1],
    }


def guarded(app: Litestar) -> list[Endpoint]:
    return [e for e in endpoints(app) if not is_public(e.handler)]


def test_only_the_listed_routes_and_the_docs_are_public(app: Litestar) -> None:
    public = {e.key for e in endpoints(app) if is_public(e.handler)}
    docs = {key for key in public if key[1].startswith("/schema")}
    assert public - docs == PUBLIC_ENDPOINTS
    assert docs


def test_every_route_either_names_a_user_or_is_listed_as_not_naming_one(app: Litestar) -> None:
    names_none = {e.key for e in guarded(app) if e.user_id_in() is None}
    assert names_none == NAMES_NO_USER
    assert len(guarded(app)) - len(names_none) >= 14


@pytest.mark.parametrize(
    "authorization",
    [None, "Basic YWRhOnNlY3JldA==", "Bearer", "Bearer not-a-token", "Token abc", "bearer x.y.z"],
)
def test_every_guarded_route_needs_a_good_bearer_token(
    app: Litestar, client: TestClient[Any], authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    for endpoint in guarded(app):
        url = endpoint.url(**ONES)
        for path in (url, f"{url}/"):
            response = client.request(endpoint.method, path, headers=headers)
            assert_error(response, 401)
            assert response.headers["WWW-Authenticate"] == "Bearer", endpoint.key


def test_every_read_answers_the_same_with_a_trailing_slash(
    app: Litestar, client: TestClient[Any], ada: Account, job_ids: list[int]
) -> None:
    resume = client.post("/resumes/generate", json={}, headers=ada.headers).json()["resume_id"]
    search = client.post("/searches", json={}, headers=ada.headers).json()["id"]
    agenda = agenda_of(client, ada, job_ids[0])
    for endpoint in endpoints(app):
        if endpoint.method != "GET" or endpoint.path.startswith("/schema"):
            continue
        url = endpoint.url(
            user_id=ada.user_id, job_id=job_ids[0], resume_id=resume, search_id=search, **agenda
        )
        plain = client.get(url, headers=ada.headers)
        slashed = client.get(f"{url}/", headers=ada.headers)
        if endpoint.path == "/v0/jobs/{job_id:int}/match_score":  # nothing stored: no body
            assert (plain.status_code, slashed.status_code) == (204, 204)
            continue
        assert plain.status_code == 200, (endpoint.key, plain.text)
        assert slashed.status_code == 200
        if endpoint.path == "/calendar/{feed:str}":  # iCalendar, not JSON
            assert slashed.text == plain.text
            continue
        if not endpoint.path.startswith("/v0"):  # /v0 answers lists as bare arrays
            assert plain.json()["messages"] == "success"
        assert slashed.json() == plain.json()


def test_no_route_acts_on_another_users_data(
    app: Litestar, client: TestClient[Any], ada: Account, bob: Account
) -> None:
    job = fetch_jobs(client, ada)[0]
    client.post(f"/jobs/{job}/save", headers=bob.headers)
    resume = client.post("/resumes/generate", json={}, headers=ada.headers).json()["resume_id"]
    agenda = agenda_of(client, bob, job)
    bob_actions = actions(client, bob)
    checked = []
    for endpoint in guarded(app):
        where = endpoint.user_id_in()
        if where is None:
            continue
        url = endpoint.url(user_id=bob.user_id, job_id=job, resume_id=resume, **agenda)
        params = {"user_id": bob.user_id, **endpoint.required_query()} if where == "query" else None
        body = endpoint.body(job_id=job, **({"user_id": bob.user_id} if where == "body" else {}))
        response = client.request(
            endpoint.method, url, params=params, json=body, headers=ada.headers
        )
        assert response.status_code == 403, (endpoint.key, response.text)
        assert_error(response, 403)
        checked.append(endpoint.key)
    assert len(checked) >= 14
    assert log_in(client, bob.email).user_id == bob.user_id
    assert client.get("/users/me", headers=bob.headers).json()["user_name"] == "Bob"
    assert actions(client, bob) == bob_actions


def test_no_route_reads_another_users_document_in_any_format(
    app: Litestar, client: TestClient[Any], ada: Account, bob: Account
) -> None:
    """Every route of one document, as JSON and as each file format, is the owner's."""
    resume = client.post("/resumes/generate", json={}, headers=ada.headers).json()["resume_id"]
    routes = [e for e in guarded(app) if e.method == "GET" and "{resume_id:int}" in e.path]
    assert len(routes) == 2  # / and /v0
    bob_actions = actions(client, bob)
    for endpoint in routes:
        for query in ({}, {"format": "pdf"}, {"format": "docx"}, {"format": "md"}):
            url = endpoint.url(resume_id=resume)
            assert_error(client.get(url, params=query, headers=bob.headers), 403)
            assert client.get(url, params=query, headers=ada.headers).status_code == 200
    assert actions(client, bob) == bob_actions


def test_a_form_naming_another_user_is_forbidden(
    client: TestClient[Any], ada: Account, bob: Account, job_ids: list[int]
) -> None:
    form = {"user_id": str(bob.user_id), "job_id": str(job_ids[0])}
    assert_error(client.post("/resumes/apply", data=form, headers=ada.headers), 403)


def test_naming_ones_own_id_is_allowed(
    client: TestClient[Any], ada: Account, job_ids: list[int]
) -> None:
    me = ada.user_id
    assert client.get(f"/users/{me}", headers=ada.headers).status_code == 200
    saved = client.post(f"/jobs/{job_ids[0]}/save", json={"user_id": me}, headers=ada.headers)
    assert saved.status_code == 201
    score = client.get(f"/jobs/{job_ids[0]}/match_score?user_id={me}", headers=ada.headers)
    assert score.status_code == 200


def test_logout_revokes_only_the_token_used(client: TestClient[Any], ada: Account) -> None:
    other_session = log_in(client, ada.email)
    response = client.post("/users/logout", headers=ada.headers)
    assert response.status_code == 200
    assert response.json() == {"messages": "success"}
    assert_error(client.get("/users/me", headers=ada.headers), 401)
    assert_error(client.post("/users/logout/", headers=ada.headers), 401)
    assert client.get("/users/me", headers=other_session.headers).status_code == 200


def test_a_password_change_revokes_every_earlier_token(
    client: TestClient[Any], ada: Account, bob: Account
) -> None:
    second = log_in(client, ada.email)
    body = {"old_password": PASSWORD, "new_password": "a brand new secret"}
    url = f"/users/{ada.user_id}/change_password"
    assert client.post(url, json=body, headers=ada.headers).status_code == 200
    for old in (ada, second):
        assert_error(client.get("/users/me", headers=old.headers), 401)
    fresh = log_in(client, ada.email, "a brand new secret")
    assert client.get("/users/me", headers=fresh.headers).status_code == 200
    assert client.get("/users/me", headers=bob.headers).status_code == 200


def test_a_password_change_by_profile_update_revokes_too(
    client: TestClient[Any], ada: Account
) -> None:
    body = {"password": "a brand new secret", "old_password": PASSWORD}
    assert client.put(f"/users/{ada.user_id}", json=body, headers=ada.headers).status_code == 200
    assert_error(client.get("/users/me", headers=ada.headers), 401)


def test_deleting_a_user_ends_their_sessions_only(
    client: TestClient[Any], ada: Account, bob: Account
) -> None:
    assert client.delete(f"/users/{ada.user_id}", headers=ada.headers).status_code == 200
    assert_error(client.get("/users/me", headers=ada.headers), 401)
    assert client.get("/users/me", headers=bob.headers).status_code == 200


# --------------------------------------------------------------------------- throttling


async def _post(app: Litestar, client_host: str, path: str, body: dict[str, Any]) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, client=(client_host, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://skael.test") as http:
        return await http.post(path, json=body)


async def _register(app: Litestar, email: str) -> None:
    body = {"user_name": "T", "email_id": email, "password": PASSWORD}
    assert (await _post(app, "10.9.9.9", "/users/", body)).status_code == 201


def _assert_throttled(response: httpx.Response) -> None:
    assert_error(response, 429)
    assert 0 < int(response.headers["Retry-After"]) <= 900


async def test_login_is_throttled_per_account_and_address(app: Litestar) -> None:
    await _register(app, "ada@example.com")
    await _register(app, "bob@example.com")
    for i in range(10):
        wrong = {"email": "ada@example.com", "password": f"wrong password {i}"}
        assert (await _post(app, "10.0.1.1", "/users/login", wrong)).status_code == 401
    right = {"email": "ADA@example.com", "password": PASSWORD}
    _assert_throttled(await _post(app, "10.0.1.1", "/users/login", right))
    assert (await _post(app, "10.0.2.1", "/users/login", right)).status_code == 200
    bob = {"email": "bob@example.com", "password": PASSWORD}
    assert (await _post(app, "10.0.1.1", "/users/login", bob)).status_code == 200


async def test_login_is_throttled_per_client_address(app: Litestar) -> None:
    await _register(app, "ada@example.com")
    for i in range(100):
        guess = {"email": f"nobody{i}@example.com", "password": "guess guess"}
        assert (await _post(app, "10.0.3.1", "/users/login", guess)).status_code == 401
    right = {"email": "ada@example.com", "password": PASSWORD}
    _assert_throttled(await _post(app, "10.0.3.1", "/users/login", right))
    assert (await _post(app, "10.0.3.2", "/users/login", right)).status_code == 200


def test_a_successful_login_forgets_the_accounts_failures(client: TestClient[Any]) -> None:
    account = sign_up(client, "lin@example.com")
    wrong = {"email": account.email, "password": "nope nope nope"}
    for _ in range(5):
        assert_error(client.post("/users/login", json=wrong), 401)
    log_in(client, account.email)
    for _ in range(4):
        assert_error(client.post("/users/login", json=wrong), 401)
    assert log_in(client, account.email).user_id == account.user_id
