"""The job answers put together from each job's cached JSON (``skael_web.wire``) are the
bytes their wire Structs encode to, and never stale."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.serialization import encode_json
from litestar.testing import TestClient

from skael_core.model import JobFilter
from skael_core.usecases.ingest import jobs_feed
from skael_web.schemas import JobListingResponse, RankedJobListing, ScoredJobsOut
from skael_web.wire import JobJson
from support import make_job
from web.web_support import Account, World


def core_of(world: World) -> Any:
    return world.container.core()


def test_one_job_is_the_json_of_its_struct(
    client: TestClient[Any], world: World, ada: Account, job_ids: list[int]
) -> None:
    core = core_of(world)
    for job_id in job_ids:
        job = client.blocking_portal.call(core.get_job.execute, job_id)
        for _ in range(2):  # encoded, then from the cache
            response = client.get(f"/jobs/{job_id}", headers=ada.headers)
            assert response.status_code == 200
            assert response.headers["content-type"] == "application/json"
            assert response.content == encode_json(JobListingResponse.of(job))


def test_a_list_page_is_the_json_of_its_struct(
    client: TestClient[Any], world: World, ada: Account, job_ids: list[int]
) -> None:
    core = core_of(world)
    pages: list[dict[str, Any]] = [
        {"limit": 100},
        {"limit": 2},
        {"skip": 1, "limit": 2},
        {"q": "python", "limit": 20},
        {"skip": 500, "limit": 20},
    ]
    for params in pages:
        response = client.get("/jobs/list_jobs", params=params, headers=ada.headers)
        assert response.status_code == 200
        filters = JobFilter(q=params.get("q"))
        page = client.blocking_portal.call(
            core.list_jobs.execute, filters, params.get("skip", 0), params["limit"]
        )
        scored = client.blocking_portal.call(core.score_jobs.execute, ada.user_id, page.items)
        expected = ScoredJobsOut(
            jobs=[RankedJobListing.ranked(x) for x in scored], total=page.total
        )
        assert response.content == encode_json(expected)


def test_a_changed_job_is_answered_as_it_now_is(
    client: TestClient[Any], world: World, ada: Account, job_ids: list[int]
) -> None:
    core = core_of(world)
    first = client.get(f"/jobs/{job_ids[0]}", headers=ada.headers).json()
    stored = client.blocking_portal.call(core.get_job.execute, job_ids[0])
    changed = msgspec.structs.replace(
        make_job(stored.source_id, job_title="Staff Python Developer"), source=stored.source
    )
    client.blocking_portal.call(core.ingest_postings.execute, jobs_feed([[changed]]))
    again = client.get(f"/jobs/{job_ids[0]}", headers=ada.headers).json()
    assert first["job_title"] != "Staff Python Developer"
    assert again["job_title"] == "Staff Python Developer"
    listed = client.get("/jobs/list_jobs", params={"limit": 100}, headers=ada.headers).json()
    titles = {job["id"]: job["job_title"] for job in listed["jobs"]}
    assert titles[job_ids[0]] == "Staff Python Developer"


def test_the_cache_is_bounded_and_keys_on_the_very_job() -> None:
    cache = JobJson(size=4)
    jobs = [make_job(i, job_title=f"Job {i}") for i in range(1, 7)]
    for job in jobs:
        assert msgspec.json.decode(cache.listing(job))["job_title"] == job.job_title
    assert len(cache) <= 4
    renamed = msgspec.structs.replace(jobs[-1], job_title="Renamed")
    assert msgspec.json.decode(cache.listing(renamed))["job_title"] == "Renamed"
    assert msgspec.json.decode(JobJson(size=0).job(jobs[0]))["messages"] == "success"
