"""The contract surface's additions for the Skael frontend, as the OpenAPI document shows
them, and the /v0 surface's routes in it."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from web.web_support import Account, World


def document(client: TestClient[Any]) -> dict[str, Any]:
    answer = client.get("/schema/openapi.json")
    assert answer.status_code == 200
    found: dict[str, Any] = answer.json()
    return found


def schema_of(doc: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = doc["components"]["schemas"][name]
    return found


def test_list_jobs_documents_location_experience_and_tech(client: TestClient[Any]) -> None:
    doc = document(client)
    params = {p["name"]: p for p in doc["paths"]["/jobs/list_jobs"]["get"]["parameters"]}
    assert {"technology", "tech", "location", "experience"} <= set(params)
    assert "comma-separated" in params["location"]["description"]
    assert "years" in params["experience"]["description"].lower()


def test_the_frontend_fields_are_in_the_document(client: TestClient[Any]) -> None:
    doc = document(client)
    assert "id" in schema_of(doc, "TechnologyOut")["required"]
    assert {"metadata", "activity_metadata"} <= set(schema_of(doc, "ActivityOut")["required"])
    assert {"username", "user_name"} <= set(schema_of(doc, "UserProfile")["required"])
    score = str(schema_of(doc, "AnalyzeResultIn")["properties"]["score"])
    assert "'number'" in score and "rounded" in score
    experience = str(schema_of(doc, "JobFilterRequest")["properties"]["experience"])
    assert "'integer'" in experience and "'string'" in experience
    assert "get" in doc["paths"]["/users/{user_id}/activities"]


def test_the_original_surface_is_documented_under_v0(client: TestClient[Any]) -> None:
    paths = document(client)["paths"]
    for path in (
        "/v0/users",
        "/v0/users/login",
        "/v0/users/{user_id}/activities",
        "/v0/jobs/list_jobs",
        "/v0/jobs/relevant_jobs",
        "/v0/jobs/{job_id}/match_score",
        "/v0/activity/log",
    ):
        assert path in paths, path
    assert "204" in paths["/v0/jobs/{job_id}/match_score"]["get"]["responses"]
    listed = paths["/v0/jobs/list_jobs"]["get"]["responses"]["200"]
    assert listed["content"]["application/json"]["schema"]["type"] == "array"


def test_fetch_takes_experience_as_text_holding_years(
    client: TestClient[Any], world: World, ada: Account
) -> None:
    answer = client.post(
        "/jobs/fetch_jobs", json={"experience": "5 years", "limit": 3}, headers=ada.headers
    )
    assert answer.status_code == 200, answer.text
    query, _ = world.source.queries[-1]
    assert query.experience == 5
    refused = client.post("/jobs/fetch_jobs", json={"experience": "many"}, headers=ada.headers)
    assert refused.status_code == 422


def test_every_operation_is_listed_under_one_tag(client: TestClient[Any]) -> None:
    """Swagger UI shows an operation once under each of its tags: /v0's under ``v0``
    alone, the contract's under their own."""
    document = client.get("/schema/openapi.json").json()
    tags = {
        (method.upper(), path): operation.get("tags", [])
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    }
    assert {key: found for key, found in tags.items() if len(found) != 1} == {}
    assert all(found == ["v0"] for (_, path), found in tags.items() if path.startswith("/v0/"))
