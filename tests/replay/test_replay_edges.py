"""The frontend's error paths: what it reads when a call fails, on both surfaces."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from replay.replay_support import JOBS_PER_PAGE, Frontend, Person, SkaelTokens


def signed_in(app: Frontend) -> Frontend:
    registered = app.register()
    assert registered.status_code == 201, registered.text
    app.user_id = registered.json()["user_id"]
    app.token = app.auth.after_sign_in(app, app.login().json())
    return app


def test_a_taken_email_is_shown_under_the_email_field(frontend: Frontend) -> None:
    signed_in(frontend)
    frontend.token = None
    again = frontend.register()
    body = again.json()
    if frontend.surface.original:
        # src/app/auth/page.tsx:175-179: a 400 whose detail says "email already registered"
        assert again.status_code == 400, again.text
        assert "email already registered" in body["detail"].lower()
    else:
        assert again.status_code == 409, again.text
        assert body["messages"] == "error"


def test_a_taken_email_in_a_profile_save_is_refused_and_changes_nothing(
    client: TestClient[Any], frontend: Frontend
) -> None:
    other = signed_in(
        Frontend(
            client=client,
            surface=frontend.surface,
            auth=SkaelTokens(),
            person=Person(name="Ravi", email="ravi@example.com"),
        )
    )
    signed_in(frontend)
    answer = frontend.save_section("contact", {"email": other.person.email, "country": "India"})
    if frontend.surface.original:
        assert answer.status_code == 400, answer.text
        assert "email already registered" in answer.json()["detail"].lower()
    else:
        assert answer.status_code == 409, answer.text
    assert frontend.profile().json()["email_id"] == frontend.person.email


def test_a_wrong_password_is_invalid_credentials(frontend: Frontend) -> None:
    signed_in(frontend)
    frontend.person.password = "Not#ThePassword1"
    answer = frontend.login()
    # src/app/auth/page.tsx:128: 400 or 401 mean "Invalid email or password."
    assert answer.status_code == 401, answer.text


def test_every_call_after_login_needs_the_bearer_token(frontend: Frontend) -> None:
    signed_in(frontend)
    frontend.token = None
    for method, path in [
        ("GET", f"/users/{frontend.user_id}"),
        ("GET", f"/users/{frontend.user_id}/activities"),
        ("GET", "/jobs/list_jobs/"),
        ("POST", "/jobs/relevant_jobs"),
        ("POST", "/activity/log"),
    ]:
        answer = frontend.call("unauthenticated", method, path, json={})
        assert answer.status_code == 401, (path, answer.text)
        assert answer.headers["WWW-Authenticate"] == "Bearer"


def test_one_person_cannot_reach_anothers_data(client: TestClient[Any], frontend: Frontend) -> None:
    other = signed_in(
        Frontend(
            client=client,
            surface=frontend.surface,
            auth=SkaelTokens(),
            person=Person(name="Ravi", email="ravi@example.com"),
        )
    )
    signed_in(frontend)
    for method, path, body in [
        ("GET", f"/users/{other.user_id}", None),
        ("GET", f"/users/{other.user_id}/activities", None),
        ("PUT", f"/users/{other.user_id}", {"username": "Mallory", "country": "India"}),
        ("POST", f"/users/{other.user_id}/feedback", {"feedback": "hi"}),
        ("DELETE", f"/users/{other.user_id}", None),
    ]:
        answer = frontend.call("foreign", method, path, json=body)
        assert answer.status_code == 403, (path, answer.text)
    assert other.profile().json()["username"] == "Ravi"


def test_a_score_beyond_100_or_an_unreadable_experience_is_a_clear_422(
    frontend: Frontend,
) -> None:
    signed_in(frontend)
    fetched = frontend.call("fetch jobs", "POST", "/jobs/fetch_jobs", json={"limit": 10})
    job_id = fetched.json()["jobs"][0]["id"]
    analysis = {"user_id": frontend.user_id, "score": 100.5, "explanation": "too good"}
    answer = frontend.call("analyze", "POST", f"/jobs/{job_id}/analyze", json=analysis)
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["field"] == "score"

    relevant = {"experience": "several", "skip": 0, "limit": JOBS_PER_PAGE}
    answer = frontend.call("relevant jobs", "POST", "/jobs/relevant_jobs", json=relevant)
    assert answer.status_code == 422, answer.text
    assert "experience" in answer.json()["detail"]
    params = {"skip": 0, "limit": JOBS_PER_PAGE, "experience": "lots"}
    answer = frontend.call("list jobs", "GET", "/jobs/list_jobs/", params=params)
    assert answer.status_code == 422, answer.text
    assert "experience" in answer.json()["detail"]
