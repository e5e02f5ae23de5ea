"""Jobs over HTTP: fetching, listing, ranking, saving, analysing."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from skael_core.errors import (
    ProviderBadResponse,
    ProviderOutOfCredits,
    ProviderRejectedKey,
    ProviderTimeout,
    ProviderUnavailable,
    SkaelError,
)
from web.web_support import Account, World, actions, assert_error

JOB_KEYS = {
    "id",
    "job_title",
    "url",
    "final_url",
    "source_url",
    "date_posted",
    "discovered_at",
    "company",
    "company_domain",
    "company_obj",
    "location",
    "remote",
    "hybrid",
    "salary_string",
    "min_salary",
    "max_salary",
    "currency",
    "country",
    "country_code",
    "seniority",
    "employment_status",
    "description",
    "reposted",
    "date_reposted",
    "job_expired",
    "industry_id",
    "matching_phrase",
    "matching_words",
    "experience",
    "key_info",
    "technologies",
    "hiring_team",
    "also_posted",
}
COMPANY_KEYS = {
    "id",
    "company_name",
    "company_domain",
    "industry",
    "country",
    "country_code",
    "url",
    "linkedin_url",
    "logo",
    "long_description",
}


def test_fetch_stores_each_posting_once(client: TestClient[Any], ada: Account) -> None:
    first = client.post("/jobs/fetch_jobs", json={"limit": 3}, headers=ada.headers)
    assert first.status_code == 200
    body = first.json()
    assert (body["messages"], body["jobs_fetched"], body["jobs_new"]) == ("success", 3, 3)
    assert all(set(job) == JOB_KEYS for job in body["jobs"])
    second = client.post("/jobs/fetch_jobs/", json={"limit": 10}, headers=ada.headers).json()
    assert (second["jobs_fetched"], second["jobs_new"], second["jobs_already_stored"]) == (5, 2, 3)
    listed = client.get("/jobs/list_jobs/", headers=ada.headers).json()
    assert listed["total"] == 5


def test_fetch_fills_what_is_left_out_from_the_profile(
    client: TestClient[Any], world: World, ada: Account
) -> None:
    client.put(
        f"/users/{ada.user_id}",
        json={"desired_job_role": "Nurse", "country": "Germany"},
        headers=ada.headers,
    )
    client.post("/jobs/fetch_jobs", headers=ada.headers)
    client.post(
        "/jobs/fetch_jobs",
        json={"job_titles": "Data Engineer, ML", "countries": "India", "remote": True},
        headers=ada.headers,
    )
    (profile_query, _), (given_query, _) = world.source.queries
    assert profile_query.job_titles == ("Nurse",)
    assert profile_query.countries == ("DE",)
    assert given_query.job_titles == ("Data Engineer", "ML")
    assert given_query.countries == ("IN",)
    assert given_query.remote is True


def test_fetch_rejects_a_limit_out_of_range(client: TestClient[Any], ada: Account) -> None:
    error = assert_error(
        client.post("/jobs/fetch_jobs", json={"limit": 101}, headers=ada.headers), 422
    )
    assert error["errors"][0]["field"] == "limit"


@pytest.mark.parametrize(
    ("failure", "status"),
    [
        (ProviderUnavailable("theirstack", "HTTP 500"), 503),
        (ProviderTimeout("theirstack", "no answer in 30 s"), 504),
        (ProviderRejectedKey("theirstack", "HTTP 401"), 502),
        (ProviderOutOfCredits("theirstack", "HTTP 402"), 503),
        (ProviderBadResponse("theirstack", "missing data"), 502),
    ],
)
def test_provider_failures_name_the_provider(
    client: TestClient[Any], world: World, ada: Account, failure: SkaelError, status: int
) -> None:
    world.source.error = failure
    error = assert_error(client.post("/jobs/fetch_jobs", headers=ada.headers), status)
    assert error["detail"].startswith("theirstack: ")
    assert failure.detail == error["detail"]


def test_list_jobs_filters_and_pages(
    client: TestClient[Any], ada: Account, job_ids: list[int]
) -> None:
    def listed(**params: Any) -> dict[str, Any]:
        response = client.get("/jobs/list_jobs", params=params, headers=ada.headers)
        assert response.status_code == 200, response.text
        return response.json()

    everything = listed(limit=100)
    assert everything["total"] == len(job_ids)
    dates = [job["date_posted"] for job in everything["jobs"]]
    assert dates == sorted(dates, reverse=True)
    assert [j["job_title"] for j in listed(country_code="India")["jobs"]] == ["Frontend Developer"]
    assert {j["job_title"] for j in listed(remote="true")["jobs"]} == {"Frontend Developer"}
    assert {j["job_title"] for j in listed(technology="React")["jobs"]} == {"Frontend Developer"}
    assert listed(q="python", limit=1)["total"] >= 2
    assert len(listed(q="python", limit=1)["jobs"]) == 1
    page = listed(skip=1, limit=2)
    assert [j["id"] for j in page["jobs"]] == [j["id"] for j in everything["jobs"][1:3]]


@pytest.mark.parametrize(
    "params", [{"skip": -1}, {"limit": 0}, {"limit": 101}, {"limit": "many"}, {"remote": "maybe"}]
)
def test_bad_query_parameters_are_a_422_naming_them(
    client: TestClient[Any], ada: Account, params: dict[str, Any]
) -> None:
    error = assert_error(client.get("/jobs/list_jobs", params=params, headers=ada.headers), 422)
    assert [e["field"] for e in error["errors"]] == list(params)


def test_one_job_is_a_job_listing_at_top_level(
    client: TestClient[Any], ada: Account, job_ids: list[int]
) -> None:
    response = client.get(f"/jobs/{job_ids[0]}", headers=ada.headers)
    assert response.status_code == 200
    job = response.json()
    assert set(job) == JOB_KEYS | {"messages"}
    assert job["messages"] == "success"
    assert set(job["company_obj"]) == COMPANY_KEYS
    assert {"id", "technology_name", "technology_slug"} == set(job["technologies"][0])
    assert isinstance(job["key_info"], list)
    assert_error(client.get("/jobs/999", headers=ada.headers), 404)
    assert_error(client.get("/jobs/not-a-number", headers=ada.headers), 404)


def test_relevant_jobs_are_ranked_with_scores(
    client: TestClient[Any], ada: Account, job_ids: list[int]
) -> None:
    response = client.post(
        "/jobs/relevant_jobs",
        json={"job_title": "Python Developer", "limit": 3},
        headers=ada.headers,
    )
    assert response.status_code == 200
    jobs = response.json()["jobs"]
    assert len(jobs) == 3
    scores = [job["match_score"] for job in jobs]
    assert scores == sorted(scores, reverse=True)
    assert all(
        0 <= s <= 100 and job["match_explanation"] for s, job in zip(scores, jobs, strict=True)
    )
    assert "Python" in jobs[0]["job_title"]
    filtered = client.post(
        "/jobs/relevant_jobs/", json={"technology": "react", "remote": True}, headers=ada.headers
    ).json()["jobs"]
    assert [job["job_title"] for job in filtered] == ["Frontend Developer"]
    empty_body = client.post("/jobs/relevant_jobs", headers=ada.headers)
    assert empty_body.status_code == 200


def test_save_and_unsave_are_logged_once_each(
    client: TestClient[Any], ada: Account, job_ids: list[int]
) -> None:
    first, second = job_ids[:2]
    saved = client.post(f"/jobs/{first}/save", json={}, headers=ada.headers)
    assert saved.status_code == 201
    assert saved.json()["activity_id"] > 0
    body = {"user_id": ada.user_id, "job_id": first, "activity_metadata": {"from": "list"}}
    again = client.post(f"/jobs/{first}/save", json=body, headers=ada.headers)
    assert again.status_code == 200  # saved already: the first save's activity, nothing logged
    assert again.json()["activity_id"] == saved.json()["activity_id"]
    client.post(f"/jobs/{second}/save/", headers=ada.headers)
    mine = client.get("/jobs/saved", headers=ada.headers).json()
    assert [j["id"] for j in mine["jobs"]] == [second, first]
    assert mine["total"] == 2
    by_user = client.get(f"/jobs/user/{ada.user_id}/saved", headers=ada.headers).json()
    assert by_user["jobs"] == mine["jobs"]
    removed = client.delete(f"/jobs/{first}/save?user_id={ada.user_id}", headers=ada.headers)
    assert removed.status_code == 200
    assert removed.json() == {"messages": "success", "msg": "Saved job deleted"}
    assert_error(client.delete(f"/jobs/{first}/save", headers=ada.headers), 404)
    assert actions(client, ada).count("JOB_SAVED") == 2
    assert actions(client, ada)[:3] == ["JOB_UNSAVED", "JOB_SAVED", "JOB_SAVED"]


def test_a_body_naming_another_job_than_the_path_is_refused(
    client: TestClient[Any], ada: Account, job_ids: list[int]
) -> None:
    response = client.post(
        f"/jobs/{job_ids[0]}/save", json={"job_id": job_ids[1]}, headers=ada.headers
    )
    assert assert_error(response, 422)["errors"][0]["field"] == "job_id"
    assert_error(client.post("/jobs/999/save", headers=ada.headers), 404)


def test_analyze_records_a_given_score_or_computes_one(
    client: TestClient[Any], ada: Account, job_ids: list[int]
) -> None:
    job = job_ids[0]
    given = client.post(
        f"/jobs/{job}/analyze", json={"score": 99, "explanation": "Great fit"}, headers=ada.headers
    )
    assert given.status_code == 201
    body = given.json()
    assert (body["job_id"], body["client_score"], body["client_explanation"]) == (
        job,
        99,
        "Great fit",
    )
    assert body["score"] != 99 and body["breakdown"]  # the computed score, not the client's
    assert body["activity_id"] > 0
    latest = client.get(f"/jobs/{job}/match_score", headers=ada.headers).json()
    assert latest["messages"] == "success"
    assert set(latest) == {
        "messages",
        "job_id",
        "user_id",
        "score",
        "explanation",
        "breakdown",
        "created_at",
        "client_score",
        "client_explanation",
    }
    assert (latest["score"], latest["user_id"]) == (body["score"], ada.user_id)
    assert (latest["client_score"], latest["client_explanation"]) == (99, "Great fit")
    listed = client.get("/jobs/list_jobs", params={"limit": 100}, headers=ada.headers).json()
    ranked = client.post("/jobs/relevant_jobs", json={"limit": 100}, headers=ada.headers).json()
    for page in (listed, ranked):
        shown = next(j for j in page["jobs"] if j["id"] == job)
        assert shown["match_score"] == latest["score"]
    computed = client.post(f"/jobs/{job}/analyze", headers=ada.headers).json()
    assert 0 <= computed["score"] <= 100
    assert computed["breakdown"]
    part = next(iter(computed["breakdown"].values()))
    assert {"score", "weight"} <= set(part)
    assert computed["activity_id"] > body["activity_id"]
    assert actions(client, ada)[:2] == ["AI_JOB_ANALYZED", "AI_JOB_ANALYZED"]
    bad = client.post(f"/jobs/{job}/analyze", json={"score": 101}, headers=ada.headers)
    assert assert_error(bad, 422)["errors"][0]["field"] == "score"


def test_match_score_without_an_analysis_is_computed_and_not_stored(
    client: TestClient[Any], ada: Account, job_ids: list[int]
) -> None:
    url = f"/jobs/{job_ids[1]}/match_score?user_id={ada.user_id}"
    fresh = client.get(url, headers=ada.headers)
    assert fresh.status_code == 200
    assert 0 <= fresh.json()["score"] <= 100
    assert "AI_JOB_ANALYZED" not in actions(client, ada)
    assert_error(client.get("/jobs/999/match_score", headers=ada.headers), 404)
