"""Saving or applying twice over HTTP: 201 the first time, 200 with the same activity
after, one activity in the log (memory and SQLite; the contract suite covers
PostgreSQL and concurrent repeats)."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from web.web_support import Account, actions


def test_saving_twice_answers_201_then_200_and_logs_once(
    client: TestClient[Any], ada: Account, job_ids: list[int]
) -> None:
    path = f"/jobs/{job_ids[0]}/save"
    first = client.post(path, json={}, headers=ada.headers)
    again = client.post(path, json={"action_type": "SAVED_AGAIN"}, headers=ada.headers)
    assert (first.status_code, again.status_code) == (201, 200), again.text
    assert again.json() == first.json()
    assert first.json()["messages"] == "success" and first.json()["activity_id"] > 0
    assert actions(client, ada).count("JOB_SAVED") == 1
    assert "SAVED_AGAIN" not in actions(client, ada)
    assert client.delete(path, headers=ada.headers).status_code == 200
    anew = client.post(path, headers=ada.headers)
    assert anew.status_code == 201
    assert anew.json()["activity_id"] > first.json()["activity_id"]


def test_applying_twice_answers_201_then_200_and_logs_once(
    client: TestClient[Any], ada: Account, job_ids: list[int]
) -> None:
    first = client.post("/resumes/apply", data={"job_id": str(job_ids[0])}, headers=ada.headers)
    again = client.post("/resumes/apply", json={"job_id": job_ids[0]}, headers=ada.headers)
    assert (first.status_code, again.status_code) == (201, 200), again.text
    assert again.json()["activity_id"] == first.json()["activity_id"]
    assert actions(client, ada).count("JOB_APPLIED") == 1


def test_the_openapi_document_shows_both_answers(client: TestClient[Any]) -> None:
    paths = client.get("/schema/openapi.json").json()["paths"]
    for path in ("/jobs/{job_id}/save", "/resumes/apply"):
        answers = paths[path]["post"]["responses"]
        assert {"200", "201"} <= set(answers), path
