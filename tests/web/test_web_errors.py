"""Every failure answers the error envelope with the right status, never a 500 by mistake."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from dependency_injector import providers
from litestar.testing import TestClient

from skael_core.errors import (
    InvalidInput,
    ProviderError,
    SkaelError,
    Throttled,
    Unauthenticated,
    all_error_kinds,
)
from skael_core.model import Job, User
from skael_core.ports import DocumentWriter
from skael_web.app import create_app
from skael_web.errors import STATUS, handle_core_error, status_for
from web.web_support import Account, World, assert_error, build_world


def test_every_kind_of_core_error_has_a_status() -> None:
    missing = [kind.__name__ for kind in all_error_kinds() if kind not in STATUS]
    assert missing == []
    assert all(400 <= status < 600 for status in STATUS.values())
    provider_kinds = [k for k in all_error_kinds() if issubclass(k, ProviderError)]
    assert all(status_for(kind) in (502, 503, 504) for kind in provider_kinds)


def _instance(kind: type[SkaelError]) -> SkaelError:
    if issubclass(kind, ProviderError):
        return kind("theirstack", "it broke")
    if kind is InvalidInput:
        return InvalidInput.field("name", "is wrong")
    if kind is Throttled:
        return Throttled("slow down", 42)
    if kind.__init__ is SkaelError.__init__:
        return kind("something happened")
    return kind("thing", 7)  # type: ignore[call-arg]


@pytest.mark.parametrize("kind", all_error_kinds(), ids=lambda k: k.__name__)
def test_each_kind_answers_its_status_in_the_envelope(kind: type[SkaelError]) -> None:
    exc = _instance(kind)
    response = handle_core_error(None, exc)  # type: ignore[arg-type]
    assert response.status_code == STATUS[kind]
    assert response.content.messages == "error"
    assert response.content.detail == exc.detail
    if kind is Unauthenticated:
        assert response.headers["WWW-Authenticate"] == "Bearer"
    if kind is Throttled:
        assert response.headers["Retry-After"] == "42"
    if kind is InvalidInput:
        assert [(e.field, e.message) for e in response.content.errors] == [("name", "is wrong")]


def test_malformed_json_is_a_400(client: TestClient[Any], ada: Account) -> None:
    response = client.post(
        "/activity/log",
        content=b'{"action_type": ',
        headers={**ada.headers, "Content-Type": "application/json"},
    )
    assert "malformed" in assert_error(response, 400)["detail"].lower()


def test_a_body_of_the_wrong_shape_names_the_field(client: TestClient[Any], ada: Account) -> None:
    wrong_type = client.post(
        "/activity/log", json={"action_type": "X", "job_id": "seven"}, headers=ada.headers
    )
    assert assert_error(wrong_type, 422)["errors"][0]["field"] == "job_id"
    nested = client.put(
        f"/users/{ada.user_id}",
        json={"work_experiences": [{"job_title": "x"}]},
        headers=ada.headers,
    )
    assert assert_error(nested, 422)["errors"][0]["field"] == "work_experiences[0].company_name"
    not_an_object = client.post("/activity/log", json=[1, 2], headers=ada.headers)
    assert assert_error(not_an_object, 422)["errors"][0]["field"] == "body"
    empty = client.post("/users/login", headers={"Content-Type": "application/json"})
    assert assert_error(empty, 422)["errors"][0]["field"] == "body"


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", None])
def test_a_body_that_is_not_json_is_a_415(
    client: TestClient[Any], ada: Account, content_type: str | None
) -> None:
    headers = dict(ada.headers)
    if content_type:
        headers["Content-Type"] = content_type
    body = b'{"action_type": "X"}'
    response = client.post("/activity/log", content=body, headers=headers)
    assert "application/json" in assert_error(response, 415)["detail"]


def test_a_form_is_refused_where_no_form_is_taken(client: TestClient[Any]) -> None:
    response = client.post("/users/login", data={"email": "a@b.co", "password": "x" * 10})
    assert_error(response, 415)


def test_an_oversized_body_is_a_413() -> None:
    app = create_app(build_world(max_body_bytes=1024).container)
    with TestClient(app) as client:
        body = {"user_name": "A", "email_id": "a@b.co", "password": "p" * 2000}
        assert_error(client.post("/users/", json=body), 413)
        streamed = client.post(
            "/users/",
            content=iter([b'{"user_name": "', b"A" * 2000, b'"}']),
            headers={"Content-Type": "application/json"},
        )
        assert_error(streamed, 413)


def test_the_default_body_limit_is_one_mebibyte(client: TestClient[Any], ada: Account) -> None:
    metadata = {"blob": "x" * (1024 * 1024)}
    response = client.post(
        "/activity/log", json={"action_type": "X", "metadata": metadata}, headers=ada.headers
    )
    assert_error(response, 413)


def test_an_unknown_route_is_a_404(client: TestClient[Any]) -> None:
    assert_error(client.get("/no/such/thing"), 404)
    assert_error(client.post("/users/0/nothing", json={}), 404)


def test_a_wrong_method_is_a_405(client: TestClient[Any], ada: Account) -> None:
    assert_error(client.patch("/users/me", json={}, headers=ada.headers), 405)
    assert_error(client.get("/users/login"), 405)


class BrokenWriter(DocumentWriter):
    async def write(self, kind: str, user: User, job: Job | None) -> str:
        raise RuntimeError("secret internals: /srv/skael/db password=hunter2")


def test_a_bug_is_a_500_in_the_envelope_without_internals(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    world.container.writer.override(providers.Object(BrokenWriter()))
    with TestClient(create_app(world.container), raise_server_exceptions=False) as client:
        # after start-up: configuring logging resets the handlers of skael's loggers
        logging.getLogger("skael.web").addHandler(caplog.handler)
        token = client.post(
            "/users/", json={"user_name": "A", "email_id": "a@b.co", "password": "p" * 10}
        ).json()["access_token"]
        response = client.post(
            "/resumes/generate", json={}, headers={"Authorization": f"Bearer {token}"}
        )
    logging.getLogger("skael.web").removeHandler(caplog.handler)
    body = assert_error(response, 500)
    assert body["detail"] == "internal server error"
    assert "hunter2" not in response.text
    assert "hunter2" in caplog.text


_ALLOW_OF_A_405 = """
from litestar.testing import TestClient
from skael_web.app import create_app
from web.web_support import build_world

with TestClient(create_app(build_world().container)) as client:
    for path in ("/searches/1", "/health", "/jobs/1/dismiss"):
        print(client.request("PATCH", path).headers["allow"])
"""


@pytest.mark.slow
def test_a_405_lists_its_methods_in_one_order_in_every_worker_process() -> None:
    """Litestar lists them in the order of a set of strings, which Python's hash seed
    (different in each process) decides."""
    tests = Path(__file__).resolve().parents[1]
    seen = set()
    for seed in ("0", "1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(tests)}
        run = subprocess.run(
            [sys.executable, "-c", _ALLOW_OF_A_405],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        seen.add(run.stdout)
    # HEAD answers wherever GET does (SkaelApp)
    assert seen == {"DELETE, GET, HEAD, OPTIONS, PUT\nGET, HEAD, OPTIONS\nDELETE, OPTIONS, POST\n"}
