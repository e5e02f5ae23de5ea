"""Issue 16, the HTTP boundary: input that broke the server (findings 1-3), answers that
did not say the rule (11), examples that did not work and two spellings that disagreed
(12). Each runs on memory, SQLite and PostgreSQL where the store decides the outcome.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from skael_adapters.sql import upgrade
from skael_adapters.sql.testing import isolated_postgres_schema
from skael_web.app import create_app
from skael_web.boundary import MAX_DEPTH, nesting_exceeds
from skael_web.examples import EXAMPLES, NEW_PASSWORD, PASSWORD, body_type
from skael_web.schemas import MAX_ID
from support import server_url
from web.web_support import (
    Account,
    SwitchableSqlDatabase,
    assert_error,
    build_world,
    fetch_jobs,
    sign_up,
    sqlite_database,
)

TOO_BIG = 2**63  # the first integer the stores cannot hold
assert MAX_ID + 1 <= TOO_BIG
NUL = "\x00"
JSON_TYPE = {"content-type": "application/json"}


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient[Any]]:
    """The app on each store, the sample jobs not yet stored."""
    if request.param == "memory":
        world = build_world()
    elif request.param == "sqlite":
        world = build_world(sqlite_database(tmp_path / "skael.db"))
    else:
        yield from _postgres_client(server_url("SKAEL_TEST_POSTGRES_URL"))
        return
    with TestClient(create_app(world.container)) as client:
        yield client


def _postgres_client(url: str) -> Iterator[TestClient[Any]]:
    with asyncio.Runner() as runner:
        isolated = isolated_postgres_schema(url)
        schema = runner.run(isolated.__aenter__())
        try:
            runner.run(upgrade(schema.url, **schema.engine_options))
            database = SwitchableSqlDatabase.from_url(schema.url, **schema.engine_options)
            with TestClient(create_app(build_world(database).container)) as client:
                yield client
        finally:
            runner.run(isolated.__aexit__(None, None, None))


@pytest.fixture
def user(store_client: TestClient[Any]) -> Account:
    account = sign_up(store_client, "ada@example.com", user_name="Ada", skills="python")
    fetch_jobs(store_client, account)
    return account


def field_names(response: Any) -> set[str]:
    return {e["field"] for e in response.json().get("errors", [])}


# --------------------------------------------------------------------------- 1. nesting


DEEP_BODIES = [b"[" * 500 + b"]" * 500, b'{"a":' * 500 + b"1" + b"}" * 500, b"[" * 100_000]
JSON_ROUTES = [
    ("POST", "/users/login", False),
    ("POST", "/users/", False),
    ("PUT", "/users/{user_id}", True),
    ("POST", "/activity/log", True),
    ("POST", "/resumes/apply", True),
    ("POST", "/jobs/fetch_jobs", True),
]


@pytest.mark.parametrize("body", DEEP_BODIES, ids=["arrays", "objects", "unclosed"])
@pytest.mark.parametrize(("method", "path", "authenticated"), JSON_ROUTES)
def test_deeply_nested_json_is_a_400_without_a_traceback(
    client: TestClient[Any],
    ada: Account,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    method: str,
    path: str,
    authenticated: bool,
) -> None:
    headers = {**JSON_TYPE, **(ada.headers if authenticated else {})}
    with caplog.at_level(logging.INFO):
        response = client.request(
            method, path.format(user_id=ada.user_id), content=body, headers=headers
        )
    answer = assert_error(response, 400)
    assert "nested too deeply" in answer["detail"]
    assert f"at most {MAX_DEPTH} levels" in answer["detail"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def test_nesting_up_to_the_bound_is_accepted(client: TestClient[Any], ada: Account) -> None:
    metadata: Any = "leaf"
    for _ in range(MAX_DEPTH - 2):  # the body and metadata are two levels
        metadata = {"a": metadata}
    body = {"action_type": "deep", "metadata": metadata}
    response = client.post("/activity/log", json=body, headers=ada.headers)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("text", "deep"),
    [
        (b"[]", False),
        (b"[" * MAX_DEPTH + b"]" * MAX_DEPTH, False),
        (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), True),
        (b'{"a":' * (MAX_DEPTH + 1) + b"1" + b"}" * (MAX_DEPTH + 1), True),
        (b'{"text": "' + b"[" * 1000 + b'"}', False),  # brackets inside a string are text
        (b'{"text": "\\"' + b"{" * 1000 + b'"}', False),  # after an escaped quote too
        (b"[1, 2]" * 10_000, False),  # many brackets, shallow
        (b"[" * 5000, True),  # never closed
    ],
)
def test_the_nesting_scan(text: bytes, deep: bool) -> None:
    assert nesting_exceeds(text) is deep


# --------------------------------------------------------------------------- 2. ranges


def test_ids_and_offsets_beyond_64_bits_are_a_422_naming_them(
    store_client: TestClient[Any], user: Account
) -> None:
    c, h, uid = store_client, user.headers, user.user_id
    cases = [
        (c.get(f"/jobs/{TOO_BIG}", headers=h), "job_id"),
        (c.get(f"/users/{TOO_BIG}", headers=h), "user_id"),
        (c.get(f"/resumes/{TOO_BIG}", headers=h), "resume_id"),
        (c.put(f"/applications/{TOO_BIG}", json={"status": "Saved"}, headers=h), "job_id"),
        (c.get("/jobs/list_jobs", params={"skip": TOO_BIG}, headers=h), "skip"),
        (c.get(f"/activity/user/{uid}", params={"skip": TOO_BIG}, headers=h), "skip"),
        (c.get("/jobs/1/match_score", params={"user_id": TOO_BIG}, headers=h), "user_id"),
        (c.post("/jobs/1/save", json={"job_id": TOO_BIG}, headers=h), "job_id"),
        (c.post("/jobs/relevant_jobs", json={"skip": TOO_BIG}, headers=h), "skip"),
        (
            c.post("/resumes/apply", json={"job_id": 1, "resume_id": TOO_BIG}, headers=h),
            "resume_id",
        ),
        (
            c.post("/activity/log", json={"action_type": "x", "job_id": TOO_BIG}, headers=h),
            "job_id",
        ),
        (c.post("/resumes/generate", json={"user_id": TOO_BIG}, headers=h), "user_id"),
        (c.get("/jobs/0", headers=h), "job_id"),
        (c.get(f"/jobs/{MAX_ID + 1}", headers=h), "job_id"),
        (c.get("/technologies", params={"skip": -1}, headers=h), "skip"),
    ]
    for response, field in cases:
        assert_error(response, 422)
        assert field in field_names(response), response.text


@pytest.mark.parametrize(
    "written",
    ["%D9%A3", "%EF%BC%93", "+3", "%203", "3%20", "%0A3", "1_0", "%D9%A3_%D9%A3"],
    ids=[
        "arabic-indic",
        "fullwidth",
        "plus",
        "space-before",
        "space-after",
        "newline",
        "underscore",
        "mixed",
    ],
)
def test_an_id_written_other_than_in_ascii_digits_is_a_404(
    client: TestClient[Any], ada: Account, written: str
) -> None:
    h = ada.headers
    fetch_jobs(client, ada)
    plain = client.get("/jobs/3", headers=h)
    assert plain.status_code == 200
    unknown = client.get("/jobs/abc", headers=h)
    for path in (f"/jobs/{written}", f"/jobs/{written}/match_score", f"/v0/jobs/{written}"):
        answer = client.get(path, headers=h)
        assert (answer.status_code, answer.json()) == (404, unknown.json()), path
    assert client.get(f"/users/{written}", headers=h).status_code == 404
    assert client.get(f"/searches/{written}", headers=h).status_code == 404
    assert client.post(f"/jobs/{written}/dismiss", headers=h).status_code == 404
    assert client.get("/jobs/03", headers=h).json()["id"] == 3  # leading zeros stay digits


def test_the_largest_ids_and_offsets_reach_the_store(
    store_client: TestClient[Any], user: Account
) -> None:
    c, h, uid = store_client, user.headers, user.user_id
    assert c.get(f"/jobs/{MAX_ID}", headers=h).status_code == 404
    assert c.get(f"/resumes/{MAX_ID}", headers=h).status_code == 404
    assert c.delete(f"/jobs/{MAX_ID}/save", headers=h).status_code == 404
    for path in ("/jobs/list_jobs", f"/activity/user/{uid}", "/companies", "/jobs/saved"):
        response = c.get(path, params={"skip": MAX_ID}, headers=h)
        assert response.status_code == 200, (path, response.text)
    response = c.post("/jobs/relevant_jobs", json={"skip": MAX_ID}, headers=h)
    assert response.status_code == 200, response.text


def test_the_openapi_document_bounds_every_integer(client: TestClient[Any]) -> None:
    document = client.get("/schema/openapi.json").json()
    unbounded = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if _integer_without_maximum(parameter["schema"]):
                    unbounded.append(f"{method} {path} {parameter['name']}")
            for media in (operation.get("requestBody") or {}).get("content", {}).values():
                for name, prop in (media["schema"].get("properties") or {}).items():
                    if _integer_without_maximum(prop):
                        unbounded.append(f"{method} {path} {name}")
    for component, schema in document["components"]["schemas"].items():
        if component.endswith("In") or component in ("JobFilterRequest",):
            for name, prop in (schema.get("properties") or {}).items():
                if _integer_without_maximum(prop):
                    unbounded.append(f"{component}.{name}")
    assert not unbounded


def _integer_without_maximum(schema: dict[str, Any]) -> bool:
    options = [schema, *schema.get("oneOf", []), *schema.get("anyOf", [])]
    integer = any(o.get("type") == "integer" for o in options)
    return integer and not any("maximum" in o for o in options)


# --------------------------------------------------------------------------- 3. NUL


def test_nul_in_any_text_is_a_422_naming_the_field(
    store_client: TestClient[Any], user: Account
) -> None:
    c, h, uid = store_client, user.headers, user.user_id
    register = {"user_name": "Eve", "email_id": f"eve{NUL}@example.com", "password": "x" * 12}
    cases = [
        (c.post("/users/", json=register), "email_id"),
        (c.post("/users/login", json={"email": f"ada{NUL}@example.com", "password": "x"}), "email"),
        (c.get("/jobs/list_jobs", params={"q": f"py{NUL}"}, headers=h), "q"),
        (c.get("/jobs/list_jobs", params={"company": NUL}, headers=h), "company"),
        (c.get(f"/activity/user/{uid}", params={"action_type": NUL}, headers=h), "action_type"),
        (c.put("/applications/1", json={"status": "Saved", "notes": NUL}, headers=h), "notes"),
        (
            c.post("/jobs/1/analyze", json={"score": 5, "explanation": NUL}, headers=h),
            "explanation",
        ),
        (c.post("/resumes/generate", json={"content": f"cv{NUL}"}, headers=h), "content"),
        (c.post("/activity/log", json={"action_type": f"a{NUL}"}, headers=h), "action_type"),
        (
            c.post("/activity/log", json={"action_type": "a", "metadata": {"k": [NUL]}}, headers=h),
            "metadata.k[0]",
        ),
        (c.post("/jobs/relevant_jobs", json={"location": NUL}, headers=h), "location"),
        (c.put(f"/users/{uid}", json={"skills": ["go", NUL]}, headers=h), "skills[1]"),
        (c.post(f"/users/{uid}/feedback", json={"feedback": f"hi{NUL}"}, headers=h), "feedback"),
    ]
    for response, field in cases:
        assert_error(response, 422)
        assert field_names(response) == {field}, response.text
        assert "NUL" in response.json()["detail"]
    # nothing was written: the account, its profile and its activity are as they were
    assert (
        c.post("/users/login", json={"email": "eve@example.com", "password": "x" * 12}).status_code
        == 401
    )
    assert c.get(f"/users/{uid}", headers=h).json()["skills"] == ["python"]
    assert c.get(f"/applications/user/{uid}", headers=h).json()["applications"] == []


def test_an_escaped_backslash_before_u0000_is_not_nul(
    store_client: TestClient[Any], user: Account
) -> None:
    body = b'{"action_type": "path C:\\\\u0000"}'
    headers = {**user.headers, **JSON_TYPE}
    response = store_client.post("/activity/log", content=body, headers=headers)
    assert response.status_code == 201, response.text


# --------------------------------------------------------------------------- 11. words


@pytest.mark.parametrize(
    ("method", "path", "body", "field", "words"),
    [
        (
            "POST",
            "/users/",
            {"user_name": "A", "email_id": "nope", "password": PASSWORD},
            "email_id",
            "an e-mail address",
        ),
        (
            "PUT",
            "/users/{uid}",
            {"remote_preference": "sometimes"},
            "remote_preference",
            "Remote, Hybrid or Onsite (any letter case",
        ),
        ("PUT", "/users/{uid}", {"user_name": "   "}, "user_name", "not blank"),
        (
            "PUT",
            "/applications/1",
            {"status": "Pending"},
            "status",
            "Interested, Saved, Applied, Interviewing, Offer or Rejected (any letter case)",
        ),
        (
            "GET",
            "/applications/user/{uid}?status=pending",
            None,
            "status",
            "Interested, Saved, Applied, Interviewing, Offer or Rejected",
        ),
        ("GET", "/resumes/user/{uid}?kind=letter", None, "kind", "resume or cover_letter"),
        ("POST", "/resumes/generate", {"kind": "letter"}, "kind", "resume or cover_letter"),
        ("POST", "/activity/log", {"action_type": " "}, "action_type", "not blank"),
    ],
)
def test_a_422_says_the_rule_in_words(
    client: TestClient[Any], ada: Account, method: str, path: str, body: Any, field: str, words: str
) -> None:
    response = client.request(method, path.format(uid=ada.user_id), json=body, headers=ada.headers)
    answer = assert_error(response, 422)
    assert field_names(response) == {field}
    assert words in answer["detail"], answer["detail"]
    assert "regex" not in answer["detail"] and "\\" not in answer["detail"]
    assert len(answer["detail"]) < 200


def test_choices_take_any_letter_case_everywhere(
    client: TestClient[Any], ada: Account, job_ids: list[int]
) -> None:
    h, uid = ada.headers, ada.user_id
    response = client.put(
        f"/applications/{job_ids[0]}", json={"status": " interviewing"}, headers=h
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "Interviewing"
    listed = client.get(f"/applications/user/{uid}", params={"status": "INTERVIEWING"}, headers=h)
    assert [a["job_id"] for a in listed.json()["applications"]] == [job_ids[0]]
    made = client.post(
        "/resumes/generate", json={"kind": "Cover_Letter", "content": "x"}, headers=h
    )
    assert made.status_code == 201, made.text
    kinds = client.get(f"/resumes/user/{uid}", params={"kind": "COVER_LETTER"}, headers=h)
    assert [d["kind"] for d in kinds.json()["resumes"]] == ["cover_letter"]
    profile = client.put(f"/users/{uid}", json={"remote_preference": "HYBRID"}, headers=h)
    assert profile.status_code == 200, profile.text


# --------------------------------------------------------------------------- 12. examples


def _operations_with_examples(document: dict[str, Any]) -> dict[str, tuple[str, str, Any]]:
    """``{component: (method, path, example)}`` of every documented body example."""
    found: dict[str, tuple[str, str, Any]] = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody")
            if not body or "multipart/form-data" in body["content"]:
                continue  # file uploads: tests/web/test_web_resume_files.py
            media = body["content"]["application/json"]
            assert media.get("examples"), f"{method} {path} shows no example"
            schema = media["schema"]
            refs = [o.get("$ref", "") for o in [schema, *schema.get("oneOf", [])]]
            ref = max(refs).rsplit("/", 1)[-1] or "ApplyIn"
            found[ref] = (method.upper(), path, media["examples"]["example"]["value"])
    return found


def test_every_documented_example_succeeds(store_client: TestClient[Any]) -> None:
    document = store_client.get("/schema/openapi.json").json()
    examples = _operations_with_examples(document)
    assert set(examples) == {t.__name__ for t in EXAMPLES}
    token = ""
    user_id = 0
    for kind in EXAMPLES:
        method, path, example = examples[kind.__name__]
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        target = path.format(user_id=user_id, job_id=1, search_id=1, interview_id=1, reminder_id=1)
        response = store_client.request(method, target, json=example, headers=headers)
        assert 200 <= response.status_code < 300, (method, path, response.text)
        if kind.__name__ in ("RegisterIn", "LoginIn"):
            token, user_id = response.json()["access_token"], response.json()["user_id"]
        if kind.__name__ == "RegisterIn":
            fetch_jobs(store_client, Account(user_id=user_id, token=token, email=""))
    login = {"email": "ada@example.com", "password": NEW_PASSWORD}
    assert store_client.post("/users/login", json=login).status_code == 200


def test_the_examples_cover_every_body_type(client: TestClient[Any]) -> None:
    from litestar.handlers import HTTPRouteHandler

    bodies = {
        body_type(h)
        for route in client.app.routes
        for h in getattr(route, "route_handlers", [])
        if isinstance(h, HTTPRouteHandler) and body_type(h) is not None
    }
    assert bodies == set(EXAMPLES)


@pytest.mark.parametrize(
    ("method", "path", "body", "spellings"),
    [
        (
            "POST",
            "/users/",
            {"user_name": "Ann", "username": "Bea", "email": "ann@example.com"},
            {"user_name", "username"},
        ),
        (
            "POST",
            "/users/",
            {"user_name": "Ann", "email_id": "ann@example.com", "email": "bea@example.com"},
            {"email_id", "email"},
        ),
        ("PUT", "/users/{uid}", {"phone_number": "1", "number": "2"}, {"phone_number", "number"}),
        (
            "PUT",
            "/users/{uid}",
            {"countries": ["India"], "country": "Germany"},
            {"countries", "country"},
        ),
        (
            "POST",
            "/users/login",
            {"email": "ada@example.com", "email_id": "bob@example.com"},
            {"email", "email_id"},
        ),
        (
            "POST",
            "/jobs/fetch_jobs",
            {"countries": "IN", "country": "DE"},
            {"countries", "country"},
        ),
        (
            "POST",
            "/activity/log",
            {"action_type": "x", "metadata": {"a": 1}, "activity_metadata": {"a": 2}},
            {"metadata", "activity_metadata"},
        ),
    ],
)
def test_two_spellings_with_different_values_are_a_422_naming_both(
    client: TestClient[Any],
    ada: Account,
    method: str,
    path: str,
    body: dict[str, Any],
    spellings: set[str],
) -> None:
    body = (
        {"password": PASSWORD, **body} if path.startswith("/users/") and method == "POST" else body
    )
    response = client.request(method, path.format(uid=ada.user_id), json=body, headers=ada.headers)
    assert_error(response, 422)
    assert field_names(response) == spellings


def test_two_spellings_with_one_value_are_accepted(client: TestClient[Any], ada: Account) -> None:
    body = {
        "user_name": "Ann",
        "username": "Ann",
        "email": "ann@example.com",
        "email_id": "ann@example.com",
        "password": PASSWORD,
    }
    assert client.post("/users/", json=body).status_code == 201
    same = {"email": "ann@example.com", "email_id": "ann@example.com", "password": PASSWORD}
    assert client.post("/users/login", json=same).status_code == 200
