"""``POST /jobs/fetch_jobs`` through the real Theirstack adapter against a loopback fake."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from dependency_injector import providers
from litestar.testing import TestClient

from skael_adapters.theirstack import TheirstackJobSource
from skael_web.app import create_app
from theirstack_fake import OK, FakeTheirstack
from web.web_support import build_world, sign_up, sqlite_database


@pytest.fixture(params=["memory", "sqlite"])
def client(
    request: pytest.FixtureRequest, tmp_path: Path, theirstack_server: FakeTheirstack
) -> Iterator[TestClient[Any]]:
    theirstack_server.script = ["ok"]
    theirstack_server.requests.clear()
    database = sqlite_database(tmp_path / "skael.db") if request.param == "sqlite" else None
    world = build_world(database)
    source = TheirstackJobSource(
        "web-test-key",
        client=httpx.AsyncClient(timeout=httpx.Timeout(2.0, connect=1.0)),
        base_url=theirstack_server.url,
        deadline=2.0,
        max_attempts=3,
        wait_initial=0.01,
        wait_max=0.05,
        wait_jitter=0.01,
        retry_after_scale=0.01,
    )
    world.container.job_source.override(providers.Object(source))
    with TestClient(create_app(world.container)) as test_client:
        yield test_client


def stored(client: TestClient[Any], headers: dict[str, str]) -> int:
    answer = client.get("/jobs/list_jobs/", params={"limit": 1}, headers=headers).json()
    return int(answer["total"])


def test_fetch_stores_the_providers_postings_once(
    client: TestClient[Any], theirstack_server: FakeTheirstack
) -> None:
    ada = sign_up(client, desired_job_role="Data Engineer", skills="python, airflow", country="DE")
    first = client.post("/jobs/fetch_jobs", json={"limit": 60}, headers=ada.headers)
    assert first.status_code == 200, first.text
    assert (first.json()["jobs_fetched"], first.json()["jobs_new"]) == (60, 60)
    sent = theirstack_server.requests[0].body
    assert sent["job_title_or"] == ["Data Engineer"]
    assert sent["job_country_code_or"] == ["DE"]
    assert set(sent["job_technology_slug_or"]) >= {"python"}
    client.post("/jobs/fetch_jobs", json={"limit": 60}, headers=ada.headers)
    # the stored postings this request could be sent again: those of its one country
    german = {p["id"] for p in json.loads(OK)["data"] if p.get("country_code") == "DE"}
    assert german and set(theirstack_server.requests[-1].body["job_id_not"]) == german
    assert stored(client, ada.headers) == 60


@pytest.mark.parametrize(
    ("mode", "status", "words"),
    [
        ("401", 502, "rejected the API key"),
        ("403", 502, "rejected the API key"),
        ("402", 503, "out of API credits"),
        ("422-error", 502, "rejected the request"),
        ("422-detail", 502, "rejected the request"),
        ("500", 503, "unavailable"),
        ("malformed", 502, "unexpected response"),
        ("html", 502, "unexpected response"),
        ("truncated", 502, "unexpected response"),
        ("stall", 504, "timed out"),
    ],
)
def test_every_provider_failure_is_a_clean_answer_and_stores_nothing(
    client: TestClient[Any], theirstack_server: FakeTheirstack, mode: str, status: int, words: str
) -> None:
    ada = sign_up(client)
    theirstack_server.script = [mode]
    answer = client.post("/jobs/fetch_jobs", json={"limit": 10}, headers=ada.headers)
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["messages"] == "error"
    assert "Theirstack" in body["detail"] and words in body["detail"]
    assert stored(client, ada.headers) == 0
