"""The expected salary's currency and period on the wire."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from web.web_support import Account, assert_error


def test_a_profile_keeps_its_salary_currency_and_period(
    client: TestClient[Any], ada: Account
) -> None:
    url = f"/users/{ada.user_id}"
    profile = client.get("/users/me", headers=ada.headers).json()
    assert (profile["salary_currency"], profile["salary_period"]) == (None, "annual")
    body = {"expected_salary": 5000, "salary_currency": "eur", "salary_period": "Monthly"}
    assert client.put(url, json=body, headers=ada.headers).status_code == 200
    profile = client.get("/users/me", headers=ada.headers).json()
    assert (profile["salary_currency"], profile["salary_period"]) == ("EUR", "monthly")


def test_an_unknown_currency_or_period_is_refused_with_the_field_named(
    client: TestClient[Any], ada: Account
) -> None:
    url = f"/users/{ada.user_id}"
    bad = client.put(url, json={"salary_currency": "XYZ"}, headers=ada.headers)
    error = assert_error(bad, 422)
    assert error["errors"][0]["field"] == "salary_currency"
    assert "ISO 4217" in error["detail"]
    bad = client.put(url, json={"salary_period": "weekly"}, headers=ada.headers)
    assert assert_error(bad, 422)["errors"][0]["field"] == "salary_period"
