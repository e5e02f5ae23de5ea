"""Resumes, applying, the application tracker and the activity log over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from web.web_support import Account, actions, assert_error

DOCUMENT_KEYS = {"id", "user_id", "job_id", "kind", "source", "content", "created_at"}


@pytest.mark.parametrize(
    ("kind", "for_job", "action"),
    [
        ("resume", True, "RESUME_GENERATED_FOR_JOB"),
        ("cover_letter", True, "COVER_LETTER_GENERATED_FOR_JOB"),
        ("resume", False, "GENERAL_RESUME_GENERATED"),
        ("cover_letter", False, "GENERAL_COVER_LETTER_GENERATED"),
    ],
)
def test_generating_writes_and_logs_the_document(
    client: TestClient[Any],
    ada: Account,
    job_ids: list[int],
    kind: str,
    for_job: bool,
    action: str,
) -> None:
    body: dict[str, Any] = {"kind": kind}
    if for_job:
        body["job_id"] = job_ids[0]
    response = client.post("/resumes/generate", json=body, headers=ada.headers)
    assert response.status_code == 201
    answer = response.json()
    assert answer["messages"] == "success"
    assert answer["resume_id"] > 0
    assert answer["content"].startswith(f"{kind} of Ada")
    assert ("Senior Python Developer" in answer["content"]) is for_job
    assert actions(client, ada)[0] == action


def test_uploaded_content_is_stored_as_given_and_listed(
    client: TestClient[Any], ada: Account
) -> None:
    upload = {"user_id": ada.user_id, "content": "My CV", "source": "upload.pdf"}
    created = client.post("/resumes/generate/", json=upload, headers=ada.headers).json()
    client.post("/resumes/generate", json={"kind": "cover_letter"}, headers=ada.headers)
    listed = client.get(f"/resumes/user/{ada.user_id}", headers=ada.headers).json()
    assert listed["total"] == 2
    assert [d["kind"] for d in listed["resumes"]] == ["cover_letter", "resume"]
    assert all(set(d) == DOCUMENT_KEYS for d in listed["resumes"])
    only = client.get(
        f"/resumes/user/{ada.user_id}/", params={"kind": "resume"}, headers=ada.headers
    ).json()
    assert [d["content"] for d in only["resumes"]] == ["My CV"]
    one = client.get(f"/resumes/{created['resume_id']}", headers=ada.headers).json()
    assert set(one) == DOCUMENT_KEYS | {"messages"}
    assert (one["content"], one["source"], one["kind"]) == ("My CV", "upload.pdf", "resume")
    bad = client.post("/resumes/generate", json={"kind": "poem"}, headers=ada.headers)
    assert assert_error(bad, 422)["errors"][0]["field"] == "kind"
    assert_error(client.get("/resumes/999", headers=ada.headers), 404)


def test_a_document_of_another_user_is_forbidden(
    client: TestClient[Any], ada: Account, bob: Account
) -> None:
    created = client.post("/resumes/generate", json={}, headers=ada.headers).json()
    assert_error(client.get(f"/resumes/{created['resume_id']}", headers=bob.headers), 403)


def test_apply_takes_a_form_or_json(
    client: TestClient[Any], ada: Account, job_ids: list[int]
) -> None:
    resume = client.post("/resumes/generate", json={}, headers=ada.headers).json()["resume_id"]
    form = {"user_id": str(ada.user_id), "job_id": str(job_ids[0]), "resume_id": str(resume)}
    by_form = client.post("/resumes/apply", data=form, headers=ada.headers)
    assert by_form.status_code == 201, by_form.text
    assert by_form.json()["activity_id"] > 0
    by_json = client.post("/resumes/apply/", json={"job_id": job_ids[1]}, headers=ada.headers)
    assert by_json.status_code == 201
    applications = client.get(f"/applications/user/{ada.user_id}", headers=ada.headers).json()
    assert {a["job_id"] for a in applications["applications"]} == set(job_ids[:2])
    assert {a["status"] for a in applications["applications"]} == {"Applied"}
    assert actions(client, ada)[:2] == ["JOB_APPLIED", "JOB_APPLIED"]


def test_apply_validates_its_body(
    client: TestClient[Any], ada: Account, job_ids: list[int]
) -> None:
    missing = assert_error(client.post("/resumes/apply", data={}, headers=ada.headers), 422)
    assert missing["errors"][0]["field"] == "job_id"
    wrong = client.post("/resumes/apply", data={"job_id": "abc"}, headers=ada.headers)
    assert assert_error(wrong, 422)["errors"][0]["field"] == "job_id"
    broken = client.post(
        "/resumes/apply",
        content=b"{broken",
        headers={**ada.headers, "Content-Type": "application/json"},
    )
    assert_error(broken, 400)
    assert_error(client.post("/resumes/apply", json={"job_id": 999}, headers=ada.headers), 404)
    other_resume = {"job_id": job_ids[0], "resume_id": 999}
    assert_error(client.post("/resumes/apply", json=other_resume, headers=ada.headers), 404)


def test_application_status_changes_are_tracked_and_logged(
    client: TestClient[Any], ada: Account, job_ids: list[int]
) -> None:
    job = job_ids[0]
    moved = client.put(
        f"/applications/{job}",
        json={"status": "Interested", "notes": "ask Sam"},
        headers=ada.headers,
    )
    assert moved.status_code == 200
    assert moved.json() == {"messages": "success", "job_id": job, "status": "Interested"}
    client.put(f"/applications/{job}/", json={"status": "Applied"}, headers=ada.headers)
    client.put(f"/applications/{job_ids[1]}", json={"status": "Rejected"}, headers=ada.headers)
    listed = client.get(f"/applications/user/{ada.user_id}", headers=ada.headers).json()
    assert listed["total"] == 2
    application = next(a for a in listed["applications"] if a["job_id"] == job)
    assert set(application) == {
        "job_id",
        "job_title",
        "company",
        "status",
        "notes",
        "applied_date",
        "last_updated",
    }
    assert application["status"] == "Applied"
    assert application["notes"] == "ask Sam"
    assert application["job_title"] == "Senior Python Developer"
    assert application["applied_date"] is not None
    rejected = client.get(
        f"/applications/user/{ada.user_id}/", params={"status": "Rejected"}, headers=ada.headers
    ).json()
    assert [a["job_id"] for a in rejected["applications"]] == [job_ids[1]]
    assert actions(client, ada)[:3] == ["APPLICATION_STATUS_UPDATED"] * 3
    bad = client.put(f"/applications/{job}", json={"status": "Hired"}, headers=ada.headers)
    assert assert_error(bad, 422)["errors"][0]["field"] == "status"
    assert_error(
        client.get(f"/applications/user/{ada.user_id}?status=nope", headers=ada.headers), 422
    )
    assert_error(
        client.put("/applications/999", json={"status": "Saved"}, headers=ada.headers), 404
    )


def test_activity_log_and_list(client: TestClient[Any], ada: Account, job_ids: list[int]) -> None:
    logged = client.post(
        "/activity/log",
        json={"action_type": "JOB_VIEWED", "job_id": job_ids[0], "metadata": {"from": "feed"}},
        headers=ada.headers,
    )
    assert logged.status_code == 201
    client.post(
        "/activity/log/",
        json={"user_id": ada.user_id, "action_type": "SEARCHED", "activity_metadata": {"q": "x"}},
        headers=ada.headers,
    )
    listed = client.get(f"/activity/user/{ada.user_id}", headers=ada.headers).json()
    first, second = listed["activities"][:2]
    assert set(first) == {
        "id",
        "user_id",
        "job_id",
        "action_type",
        "activity_metadata",
        "metadata",
        "created_at",
    }
    assert (first["action_type"], first["activity_metadata"]) == ("SEARCHED", {"q": "x"})
    assert first["metadata"] == first["activity_metadata"]
    assert (second["job_id"], second["activity_metadata"]) == (job_ids[0], {"from": "feed"})
    assert second["id"] == logged.json()["activity_id"]
    only = client.get(
        f"/activity/user/{ada.user_id}", params={"action_type": "SEARCHED"}, headers=ada.headers
    ).json()
    assert [a["action_type"] for a in only["activities"]] == ["SEARCHED"]
    paged = client.get(
        f"/activity/user/{ada.user_id}", params={"skip": 1, "limit": 1}, headers=ada.headers
    ).json()
    assert [a["id"] for a in paged["activities"]] == [second["id"]]
    assert_error(client.post("/activity/log", json={}, headers=ada.headers), 422)
    unknown_job = {"action_type": "X", "job_id": 999}
    assert_error(client.post("/activity/log", json=unknown_job, headers=ada.headers), 404)
