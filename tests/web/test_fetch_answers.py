"""`POST /jobs/fetch_jobs` answers with the postings that match, new and already stored
(issue 16, 13): on the default set-up (the seeded sample source) and with Theirstack."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from dependency_injector import providers
from litestar.testing import TestClient

from skael_adapters.sample import SampleJobSource
from skael_adapters.theirstack import TheirstackJobSource
from skael_core.matching import canonical_skill
from skael_web.app import create_app
from theirstack_fake import FakeTheirstack
from web.web_support import World, build_world, sign_up, sqlite_database


def _world(kind: str, tmp_path: Path, **settings: Any) -> World:
    database = sqlite_database(tmp_path / "skael.db") if kind == "sqlite" else None
    return build_world(database, **settings)


@pytest.fixture(params=["memory", "sqlite"])
def default_setup(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient[Any]]:
    """The default set-up: the sample source, its postings seeded at start."""
    world = _world(request.param, tmp_path, seed_sample=True)
    world.container.job_source.override(providers.Object(SampleJobSource(clock=world.clock)))
    with TestClient(create_app(world.container)) as client:
        yield client


def _fetch(client: TestClient[Any], headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post("/jobs/fetch_jobs", json=body, headers=headers)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_the_seeded_sample_jobs_answer_a_fetch(default_setup: TestClient[Any]) -> None:
    ada = sign_up(default_setup, skills="python")
    answer = _fetch(default_setup, ada.headers, limit=5)
    counts = (answer["jobs_fetched"], answer["jobs_new"], answer["jobs_already_stored"])
    assert counts == (5, 0, 5), counts
    assert answer["summary"] == "found 5 postings: 0 new, 5 already stored"
    assert len(answer["jobs"]) == 5
    for job in answer["jobs"]:
        slugs = {canonical_skill(t["technology_slug"]) for t in job["technologies"]}
        assert "python" in slugs, job["technologies"]
    one = _fetch(default_setup, ada.headers, limit=1)
    assert one["summary"] == "found 1 posting: 0 new, 1 already stored"
    assert one["jobs"][0]["id"] == answer["jobs"][0]["id"]


@pytest.fixture(params=["memory", "sqlite"])
def with_theirstack(
    request: pytest.FixtureRequest, tmp_path: Path, theirstack_server: FakeTheirstack
) -> Iterator[TestClient[Any]]:
    theirstack_server.requests.clear()
    world = _world(request.param, tmp_path)
    source = TheirstackJobSource(
        "web-test-key",
        client=httpx.AsyncClient(timeout=httpx.Timeout(2.0, connect=1.0)),
        base_url=theirstack_server.url,
        deadline=2.0,
        max_attempts=1,
    )
    world.container.job_source.override(providers.Object(source))
    with TestClient(create_app(world.container)) as client:
        yield client


def test_postings_the_provider_does_not_send_again_are_listed_as_stored(
    with_theirstack: TestClient[Any], theirstack_server: FakeTheirstack
) -> None:
    ada = sign_up(with_theirstack)
    query = {"limit": 60, "countries": ["DE"], "posted_at_max_age_days": 3650}
    theirstack_server.script = ["ok", "empty"]
    first = _fetch(with_theirstack, ada.headers, **query)
    assert (first["jobs_fetched"], first["jobs_new"], first["jobs_already_stored"]) == (60, 60, 0)
    german = sorted(job["id"] for job in first["jobs"] if job["country_code"] == "DE")
    assert german
    second = _fetch(with_theirstack, ada.headers, **query)
    # named as known: the stored postings the provider could send again, of the country
    assert len(theirstack_server.requests[-1].body["job_id_not"]) == len(german)
    n = len(german)
    assert (second["jobs_fetched"], second["jobs_new"], second["jobs_already_stored"]) == (n, 0, n)
    assert sorted(job["id"] for job in second["jobs"]) == german
    postings = "1 posting" if n == 1 else f"{n} postings"
    assert second["summary"] == f"found {postings}: 0 new, {n} already stored"
