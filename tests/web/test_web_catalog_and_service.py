"""Catalogs, health, API docs, CORS and the security headers."""

from __future__ import annotations

from typing import Any

import pycountry
import pytest
from litestar.testing import TestClient

from skael_web.app import create_app
from web.web_support import ORIGIN, Account, World, assert_error


def test_countries_are_public_and_complete(client: TestClient[Any]) -> None:
    response = client.get("/countries")
    assert response.status_code == 200
    countries = response.json()["countries"]
    assert len(countries) == len(pycountry.countries)
    assert {"code": "IN", "name": "India"} in countries
    assert client.get("/countries/").status_code == 200


@pytest.mark.parametrize("kind", ["technologies", "companies", "locations"])
def test_catalogs_list_what_the_stored_jobs_hold(
    client: TestClient[Any], ada: Account, job_ids: list[int], kind: str
) -> None:
    response = client.get(f"/{kind}", headers=ada.headers)
    assert response.status_code == 200
    body = response.json()
    entries = body[kind]
    assert entries and body["total"] >= len(entries)
    assert all(set(e) == {"key", "name", "count"} for e in entries)
    counts = [e["count"] for e in entries]
    assert counts == sorted(counts, reverse=True)
    paged = client.get(f"/{kind}/", params={"skip": 1, "limit": 1}, headers=ada.headers).json()
    assert paged[kind] == entries[1:2]
    assert_error(client.get(f"/{kind}", params={"limit": 500}, headers=ada.headers), 422)


def test_technologies_hold_the_job_slugs(
    client: TestClient[Any], ada: Account, job_ids: list[int]
) -> None:
    entries = client.get("/technologies", params={"limit": 100}, headers=ada.headers).json()
    assert {"python", "react"} <= {e["key"] for e in entries["technologies"]}


def test_health_says_whether_the_database_answers(client: TestClient[Any], world: World) -> None:
    up = client.get("/health")
    assert up.status_code == 200
    assert up.json() == {
        "messages": "success",
        "status": "ok",
        "database": "ok",
        "shared_state": "local",
        "credits": {
            "day": "2026-11-20",
            "spent_today": 0,
            "daily_budget": 1000,
            "per_person_budget": 100,
        },
    }
    world.database.up = False
    down = client.get("/health/")
    assert down.status_code == 503
    assert down.json() == {
        "messages": "error",
        "status": "unavailable",
        "database": "unreachable",
        "shared_state": "local",
        "credits": None,
    }


def test_api_docs_are_public(client: TestClient[Any]) -> None:
    page = client.get("/schema")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    document = client.get("/schema/openapi.json").json()
    assert document["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
    assert document["security"] == [{"BearerToken": []}]
    assert document["paths"]["/users"]["post"]["security"] == [{}]
    assert "security" not in document["paths"]["/users/me"]["get"]
    assert "requestBody" in document["paths"]["/resumes/apply"]["post"]
    error = document["paths"]["/users/me"]["get"]["responses"]["401"]
    assert error["content"]["application/json"]["schema"]


def test_every_answer_carries_the_security_headers(client: TestClient[Any]) -> None:
    for response in (client.get("/health"), client.get("/nowhere"), client.get("/users/me")):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"


def test_cors_allows_the_configured_origin_only(client: TestClient[Any]) -> None:
    preflight = client.options(
        "/users/me",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "Authorization",
        },
    )
    assert preflight.status_code in (200, 204)
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    simple = client.get("/health", headers={"Origin": ORIGIN})
    assert simple.headers["access-control-allow-origin"] == ORIGIN
    stranger = client.get("/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in stranger.headers


def test_the_factory_builds_the_app_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """``uvicorn --factory skael_web.app:create_app`` calls ``create_app()`` bare."""
    monkeypatch.setenv("SKAEL_DATABASE_URL", "memory://")
    monkeypatch.setenv("SKAEL_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("SKAEL_SEED_SAMPLE", "false")
    monkeypatch.setenv("SKAEL_CORS_ORIGINS", "https://a.example, https://b.example")
    with TestClient(create_app()) as client:
        assert client.get("/health").json()["database"] == "ok"
        allowed = client.get("/health", headers={"Origin": "https://b.example"})
        assert allowed.headers["access-control-allow-origin"] == "https://b.example"
