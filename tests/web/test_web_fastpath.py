"""The fast path answers exactly as Litestar does, and leaves it everything not plain.

A corpus of requests (plain ones, edges, bad values, other users' tokens, a logged-out
token, HEAD, CORS preflight, ...) goes to one app with the fast path on and off, in
turn; status, every header (name, value, order) and the body must be the same bytes.
Each request also says whether the fast path should answer it or hand it on, and
that is checked too, so the comparison is of two real answers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from skael_adapters.sql import upgrade
from skael_adapters.sql.testing import isolated_postgres_schema
from skael_web.app import SkaelApp, create_app
from skael_web.fastpath import FastPath, page_query, plain_number
from skael_web.schemas import MAX_ID
from support import server_url
from web.web_support import (
    ORIGIN,
    Account,
    SwitchableSqlDatabase,
    World,
    build_world,
    fetch_jobs,
    log_in,
    sign_up,
    sqlite_database,
)

RawAnswer = tuple[int, list[tuple[bytes, bytes]], bytes]


@dataclass(frozen=True)
class Sent:
    """One request of the corpus and whether the fast path should answer it."""

    label: str
    path: str
    query: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    method: str = "GET"
    fast: bool = False


def _postgres_world() -> Iterator[World]:
    with asyncio.Runner() as runner:
        isolated = isolated_postgres_schema(server_url("SKAEL_TEST_POSTGRES_URL"))
        schema = runner.run(isolated.__aenter__())
        try:
            runner.run(upgrade(schema.url, **schema.engine_options))
            yield build_world(SwitchableSqlDatabase.from_url(schema.url, **schema.engine_options))
        finally:
            runner.run(isolated.__aexit__(None, None, None))


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    if request.param == "postgres":
        yield from _postgres_world()
    elif request.param == "sqlite":
        yield build_world(sqlite_database(tmp_path / "skael.db"))
    else:
        yield build_world()


async def call(app: SkaelApp, sent: Sent, use_fast: bool) -> tuple[bool, RawAnswer]:
    """``sent`` through the app's ASGI interface: whether the fast path answered, and
    the raw answer (status, header pairs as sent, body)."""
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        messages.append(message)

    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": sent.method,
        "scheme": "http",
        "path": sent.path,
        "raw_path": sent.path.encode(),
        "root_path": "",
        "query_string": sent.query.encode(),
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in sent.headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    fast = app.fast_path
    assert isinstance(fast, FastPath)
    answered = use_fast and await fast.answer(scope, send)  # type: ignore[arg-type]
    if not answered:
        app.fast_path = None
        try:
            await app(scope, receive, send)  # type: ignore[arg-type]
        finally:
            app.fast_path = fast
    start = next(m for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return answered, (start["status"], list(start["headers"]), body)


def bearer(account: Account) -> tuple[str, str]:
    return ("Authorization", f"Bearer {account.token}")


def corpus(ada: Account, bob: Account, revoked: str, job_id: int) -> list[Sent]:
    a, b = bearer(ada), bearer(bob)
    job = f"/jobs/{job_id}"
    lst = "/jobs/list_jobs"
    return [
        # plain: the fast path answers
        Sent("a job", job, headers=(a,), fast=True),
        Sent("a job, another user's token", job, headers=(b,), fast=True),
        Sent("a job, allowed origin", job, headers=(a, ("Origin", ORIGIN)), fast=True),
        Sent("a job, other origin", job, headers=(a, ("Origin", "https://x.example")), fast=True),
        Sent(
            "a job, origin and cookie",
            job,
            headers=(a, ("Origin", ORIGIN), ("Cookie", "c=1")),
            fast=True,
        ),
        Sent(
            "a job, lower-case scheme",
            job,
            headers=(("Authorization", f"bearer {ada.token}"),),
            fast=True,
        ),
        Sent("the list", lst, headers=(a,), fast=True),
        Sent("the list, slash", lst + "/", "skip=0&limit=50", headers=(a,), fast=True),
        Sent("the list, bob", lst, "limit=100", headers=(b,), fast=True),
        Sent("the list, one", lst, "limit=1", headers=(a,), fast=True),
        Sent("the list, skip", lst, "limit=2&skip=3", headers=(a,), fast=True),
        Sent("the list, far", lst, f"skip={MAX_ID}", headers=(a,), fast=True),
        Sent("the list, origin", lst, "limit=3", headers=(a, ("Origin", ORIGIN)), fast=True),
        Sent("health", "/health", fast=True),
        Sent("health, origin", "/health", headers=(("Origin", ORIGIN),), fast=True),
        Sent("health, with a token", "/health", headers=(a,), fast=True),
        # everything else: Litestar answers
        Sent("no such job", "/jobs/999999", headers=(a,)),
        Sent("job 0", "/jobs/0", headers=(a,)),
        Sent("job 01", "/jobs/01", headers=(a,)),
        Sent("job -1", "/jobs/-1", headers=(a,)),
        Sent("job too big", f"/jobs/{MAX_ID + 1}", headers=(a,)),
        Sent("job abc", "/jobs/abc", headers=(a,)),
        Sent("job with slash", job + "/", headers=(a,)),
        Sent("job with query", job, "user_id=1", headers=(a,)),
        Sent("job, no token", job),
        Sent("job, basic", job, headers=(("Authorization", "Basic YTpi"),)),
        Sent("job, empty bearer", job, headers=(("Authorization", "Bearer "),)),
        Sent("job, garbage token", job, headers=(("Authorization", "Bearer abc.def"),)),
        Sent("job, logged-out token", job, headers=(("Authorization", f"Bearer {revoked}"),)),
        Sent("job, two tokens", job, headers=(a, b)),
        Sent("job, a body", job, headers=(a, ("Content-Length", "0"))),
        Sent("job, HEAD", job, headers=(a,), method="HEAD"),
        Sent("job, POST", job, headers=(a,), method="POST"),
        Sent(
            "job, preflight",
            job,
            headers=(("Origin", ORIGIN), ("Access-Control-Request-Method", "GET")),
            method="OPTIONS",
        ),
        Sent("list, no token", lst),
        Sent("list, logged-out token", lst, headers=(("Authorization", f"Bearer {revoked}"),)),
        Sent("list, limit 0", lst, "limit=0", headers=(a,)),
        Sent("list, limit 101", lst, "limit=101", headers=(a,)),
        Sent("list, limit abc", lst, "limit=abc", headers=(a,)),
        Sent("list, limit 05", lst, "limit=05", headers=(a,)),
        Sent("list, skip -1", lst, "skip=-1", headers=(a,)),
        Sent("list, skip too big", lst, f"skip={MAX_ID + 1}", headers=(a,)),
        Sent("list, limit twice", lst, "limit=1&limit=2", headers=(a,)),
        Sent("list, filter", lst, "q=python", headers=(a,)),
        Sent("list, tech", lst, "tech=python&limit=5", headers=(a,)),
        Sent("list, remote", lst, "remote=true", headers=(a,)),
        Sent("list, unknown", lst, "colour=blue", headers=(a,)),
        Sent("list, empty part", lst, "limit=1&", headers=(a,)),
        Sent("list, bare name", lst, "limit", headers=(a,)),
        Sent("list, encoded", lst, "limit=%31", headers=(a,)),
        Sent("list, HEAD", lst, headers=(a,), method="HEAD"),
        Sent("health, query", "/health", "verbose=1"),
        Sent("health, HEAD", "/health", method="HEAD"),
        Sent("health, slash", "/health/"),
        Sent("job, Arabic-Indic digits", "/jobs/\u0661", headers=(a,)),
        Sent("job, fullwidth digits", "/jobs/\uff11", headers=(a,)),
        Sent("job, plus", f"/jobs/+{job_id}", headers=(a,)),
        Sent("job, space before", f"/jobs/ {job_id}", headers=(a,)),
        Sent("job, underscore", "/jobs/1_0", headers=(a,)),
        Sent("job, NUL", f"/jobs/{job_id}\x00", headers=(a,)),
        Sent("job, ;param", f"/jobs/{job_id};x=1", headers=(a,)),
        Sent("job, beyond 64 bits", "/jobs/99999999999999999999999", headers=(a,)),
        Sent(
            "job, upper-case scheme",
            job,
            headers=(("Authorization", f"BEARER {ada.token}"),),
            fast=True,
        ),
        Sent("job, token and more", job, headers=(("Authorization", f"Bearer {ada.token} x"),)),
        Sent("job, enormous token", job, headers=(("Authorization", "Bearer " + "A" * 20_000),)),
        Sent("job, If-None-Match", job, headers=(a, ("If-None-Match", "*")), fast=True),
        Sent("list, limit 1e3", lst, "limit=1e3", headers=(a,)),
        Sent("list, skip -0", lst, "skip=-0", headers=(a,)),
        Sent("list, skip +5", lst, "skip=+5", headers=(a,)),
        Sent("list, skip space", lst, "skip=%205", headers=(a,)),
        Sent("list, Arabic-Indic limit", lst, "limit=%D9%A3", headers=(a,)),
        Sent("list, fullwidth limit", lst, "limit=%EF%BC%95", headers=(a,)),
        Sent("list, limit NUL", lst, "limit=5%00", headers=(a,)),
        Sent("list, bad escape", lst, "limit=%ZZ", headers=(a,)),
        Sent("list, skip beyond 64 bits", lst, "skip=" + "9" * 30, headers=(a,)),
        Sent("list, ;param", lst, "limit=5;skip=1", headers=(a,)),
        Sent("list, long query", lst, "limit=1&" + "a=b&" * 2000, headers=(a,)),
        Sent("v0 job", f"/v0/jobs/{job_id}", headers=(a,)),
        Sent("v0 list", "/v0/jobs/list_jobs", headers=(a,)),
    ]


def test_the_fast_path_answers_as_litestar_does(store_world: World) -> None:
    app = create_app(store_world.container)
    assert isinstance(app, SkaelApp) and isinstance(app.fast_path, FastPath)
    with TestClient(app) as client:
        ada = sign_up(client, "ada@example.com", skills="python, django")
        bob = sign_up(client, "bob@example.com", user_name="Bob")
        job_ids = fetch_jobs(client, ada)
        session = log_in(client, ada.email)
        assert client.post("/users/logout", headers=session.headers).status_code == 200
        client.post(f"/jobs/{job_ids[1]}/dismiss", headers=ada.headers)
        for sent in corpus(ada, bob, session.token, job_ids[0]):
            for _ in range(2):  # the second time from whatever the first one kept
                _, slow = client.blocking_portal.call(call, app, sent, False)
                answered, fast = client.blocking_portal.call(call, app, sent, True)
                assert answered == sent.fast, sent.label
                assert fast == slow, sent.label
                if sent.fast:
                    assert slow[0] == 200, sent.label


def test_off_by_setting() -> None:
    world = build_world(fast_path=False)
    app = create_app(world.container)
    assert app.fast_path is None
    with TestClient(app) as client:
        ada = sign_up(client)
        job_ids = fetch_jobs(client, ada)
        assert client.get(f"/jobs/{job_ids[0]}", headers=ada.headers).status_code == 200


@pytest.mark.parametrize(
    ("text", "low", "high", "expected"),
    [
        (b"0", 0, 9, 0),
        (b"7", 1, 9, 7),
        (b"10", 1, 9, None),
        (b"0", 1, 9, None),
        (b"07", 0, 9, None),
        (b"-1", 0, 9, None),
        (b"+1", 0, 9, None),
        (b"", 0, 9, None),
        ("\u0661", 0, 9, None),  # an Arabic-Indic one: a digit, not ASCII
        ("²", 0, 9, None),
        (b"1" * 17, 0, 10**20, None),
    ],
)
def test_plain_numbers(text: bytes | str, low: int, high: int, expected: int | None) -> None:
    assert plain_number(text, low, high) == expected


def test_page_queries() -> None:
    assert page_query(b"") == (0, 20)
    assert page_query(b"skip=5&limit=7") == (5, 7)
    assert page_query(b"limit=7") == (0, 7)
    for odd in (b"limit=7&limit=7", b"skip", b"skip=", b"&", b"limit=7&", b"q=a", b"limit=101"):
        assert page_query(odd) is None, odd
