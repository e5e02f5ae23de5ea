"""Accounts and profiles over HTTP: /users."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from web.web_support import PASSWORD, Account, actions, assert_error, log_in, sign_up

PROFILE_KEYS = {
    "messages",
    "id",
    "user_name",
    "username",
    "email_id",
    "phone_number",
    "desired_job_role",
    "skills",
    "experience",
    "preferred_locations",
    "countries",
    "remote_preference",
    "professional_summary",
    "salary_currency",
    "salary_period",
    "expected_salary",
    "resume",
    "joined_date",
    "work_experiences",
    "educations",
    "certifications",
    "languages",
}


def test_register_answers_a_bearer_token_and_the_profile_reads_back(
    client: TestClient[Any],
) -> None:
    response = client.post(
        "/users/",
        json={
            "user_name": "Ada",
            "email_id": "Ada@Example.com",
            "password": PASSWORD,
            "phone_number": "+49 30 1234",
            "has_agreed_terms": True,
            "desired_job_role": "Python Developer",
            "skills": ["Python", "Django"],
            "experience": 6,
            "preferred_locations": ["Berlin", "Remote"],
            "countries": ["de", "India"],
            "remote_preference": "Hybrid",
            "expected_salary": 85000,
            "work_experiences": [{"company_name": "Acme", "job_title": "Engineer"}],
            "educations": [{"institution": "TU Berlin", "degree": "MSc", "end_year": 2018}],
            "certifications": [{"title": "CKA", "issued_by": "CNCF"}],
        },
    )
    assert response.status_code == 201
    answer = response.json()
    assert answer["messages"] == "success"
    assert answer["token_type"] == "bearer"
    assert answer["expires_in"] > 0
    me = client.get("/users/me", headers={"Authorization": f"Bearer {answer['access_token']}"})
    assert me.status_code == 200
    profile = me.json()
    assert set(profile) == PROFILE_KEYS
    assert profile["id"] == answer["user_id"]
    assert profile["email_id"] == "ada@example.com"
    assert profile["countries"] == ["DE", "IN"]
    assert profile["skills"] == ["Python", "Django"]
    assert profile["remote_preference"] == "Hybrid"
    assert profile["work_experiences"][0]["company_name"] == "Acme"
    assert profile["educations"][0]["end_year"] == 2018
    assert profile["certifications"][0]["issued_by"] == "CNCF"
    assert profile["joined_date"].endswith(("Z", "+00:00"))
    assert "password" not in me.text and "argon2" not in me.text


def test_register_takes_the_aliases_and_comma_separated_lists(client: TestClient[Any]) -> None:
    account = sign_up(
        client,
        email="grace@example.com",
        user_name=None,
        username="Grace",
        number="555-0100",
        country="India, united states",
        skills="python, k8s , ,python",
        preferred_locations="Pune, Remote",
    )
    profile = client.get("/users/me", headers=account.headers).json()
    assert profile["user_name"] == "Grace"
    assert profile["phone_number"] == "555-0100"
    assert profile["countries"] == ["IN", "US"]
    assert profile["skills"] == ["python", "k8s"]
    assert profile["preferred_locations"] == ["Pune", "Remote"]


def test_register_with_email_alias(client: TestClient[Any]) -> None:
    body = {"username": "Lin", "email": "lin@example.com", "password": PASSWORD}
    assert client.post("/users", json=body).status_code == 201
    assert log_in(client, "LIN@example.com").user_id > 0


def test_a_taken_email_is_a_conflict_whatever_its_case(
    client: TestClient[Any], ada: Account
) -> None:
    body = {"user_name": "Other", "email_id": "ADA@example.COM", "password": PASSWORD}
    assert_error(client.post("/users/", json=body), 409)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"password": "short"}, "password"),
        ({"email_id": "not-an-email"}, "email_id"),
        ({"country": "Atlantis"}, "countries"),
        ({"remote_preference": "Moon"}, "remote_preference"),
        ({"experience": -1}, "experience"),
        ({"user_name": "   "}, "user_name"),
    ],
)
def test_register_rejects_bad_fields_naming_them(
    client: TestClient[Any], change: dict[str, Any], field: str
) -> None:
    body = {"user_name": "Ada", "email_id": "ada@example.com", "password": PASSWORD, **change}
    error = assert_error(client.post("/users/", json=body), 422)
    assert [e["field"] for e in error["errors"]] == [field]


def test_an_unknown_country_is_named(client: TestClient[Any]) -> None:
    body = {"user_name": "A", "email_id": "a@example.com", "password": PASSWORD}
    error = assert_error(client.post("/users/", json={**body, "countries": "de, Atlantis"}), 422)
    assert "Atlantis" in error["errors"][0]["message"]


def test_register_needs_email_and_password(client: TestClient[Any]) -> None:
    error = assert_error(client.post("/users/", json={"user_name": "A", "email_id": "a@b.co"}), 422)
    assert error["errors"] == [{"field": "password", "message": "is required"}]
    error = assert_error(client.post("/users/", json={"user_name": "A", "password": PASSWORD}), 422)
    assert error["errors"][0]["field"] == "email_id"


def test_login_by_email_or_email_id(client: TestClient[Any], ada: Account) -> None:
    by_email = client.post("/users/login", json={"email": "ada@example.com", "password": PASSWORD})
    by_alias = client.post(
        "/users/login/", json={"email_id": "Ada@Example.com", "password": PASSWORD}
    )
    for response in (by_email, by_alias):
        assert response.status_code == 200
        assert response.json()["user_id"] == ada.user_id
        assert response.json()["token_type"] == "bearer"


def test_login_says_the_same_for_unknown_email_and_wrong_password(
    client: TestClient[Any], ada: Account
) -> None:
    wrong = client.post("/users/login", json={"email": ada.email, "password": "wrong password"})
    unknown = client.post("/users/login", json={"email": "x@example.com", "password": PASSWORD})
    assert assert_error(wrong, 401)["detail"] == assert_error(unknown, 401)["detail"]
    assert_error(client.post("/users/login", json={"password": PASSWORD}), 422)


def test_profile_update_changes_only_what_is_sent(client: TestClient[Any], ada: Account) -> None:
    response = client.put(
        f"/users/{ada.user_id}",
        json={"desired_job_role": "Data Engineer", "country": "Germany", "expected_salary": 90000},
        headers=ada.headers,
    )
    assert response.json() == {"messages": "success", "user_id": ada.user_id}
    profile = client.get(f"/users/{ada.user_id}/", headers=ada.headers).json()
    assert profile["desired_job_role"] == "Data Engineer"
    assert profile["countries"] == ["DE"]
    assert profile["expected_salary"] == 90000
    assert profile["skills"] == ["python", "django"]
    assert profile["user_name"] == "Ada"


def test_profile_update_clears_a_field_sent_as_null(client: TestClient[Any], ada: Account) -> None:
    client.put(f"/users/{ada.user_id}", json={"phone_number": "1"}, headers=ada.headers)
    client.put(f"/users/{ada.user_id}", json={"phone_number": None}, headers=ada.headers)
    assert client.get("/users/me", headers=ada.headers).json()["phone_number"] is None


def test_a_password_change_through_update_needs_the_old_one(
    client: TestClient[Any], ada: Account
) -> None:
    url = f"/users/{ada.user_id}"
    error = assert_error(
        client.put(url, json={"password": "new password 1"}, headers=ada.headers), 422
    )
    assert error["errors"][0]["field"] == "old_password"
    body = {"password": "new password 1", "old_password": PASSWORD}
    assert client.put(url, json=body, headers=ada.headers).status_code == 200
    assert log_in(client, ada.email, "new password 1").user_id == ada.user_id


def test_change_password(client: TestClient[Any], ada: Account) -> None:
    url = f"/users/{ada.user_id}/change_password"
    wrong = {"old_password": "not it at all", "new_password": "brand new secret"}
    assert_error(client.post(url, json=wrong, headers=ada.headers), 422)
    body = {"old_password": PASSWORD, "new_password": "brand new secret"}
    response = client.post(url, json=body, headers=ada.headers)
    assert response.status_code == 200
    assert response.json() == {"messages": "success", "user_id": ada.user_id}
    assert log_in(client, ada.email, "brand new secret").user_id == ada.user_id


def test_feedback_is_kept_as_an_activity(client: TestClient[Any], ada: Account) -> None:
    response = client.post(
        f"/users/{ada.user_id}/feedback",
        json={"feedback": "Lovely matches", "metadata": {"page": "jobs"}},
        headers=ada.headers,
    )
    assert response.status_code == 201
    assert response.json()["activity_id"] > 0
    assert actions(client, ada) == ["FEEDBACK"]
    assert_error(client.post(f"/users/{ada.user_id}/feedback", json={}, headers=ada.headers), 422)


def test_delete_erases_the_user(client: TestClient[Any], ada: Account, job_ids: list[int]) -> None:
    client.post(f"/jobs/{job_ids[0]}/save", json={}, headers=ada.headers)
    response = client.delete(f"/users/{ada.user_id}", headers=ada.headers)
    assert response.status_code == 200
    assert response.json() == {"messages": "success", "user_id": ada.user_id}
    assert_error(client.get("/users/me", headers=ada.headers), 401)
    login = client.post("/users/login", json={"email": ada.email, "password": PASSWORD})
    assert_error(login, 401)
    again = sign_up(client, ada.email)
    assert client.get("/jobs/saved", headers=again.headers).json()["jobs"] == []
    assert actions(client, again) == []
