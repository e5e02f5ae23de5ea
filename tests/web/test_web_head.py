"""HEAD answers as GET does, without the body, on every route that answers GET."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from web.web_support import Account

PATHS = [
    "/health",
    "/jobs/{job}",
    "/jobs/list_jobs?limit=3",
    "/jobs/list_jobs?limit=3&technology=python",  # through Litestar, not the fast path
    "/users/me",
    "/countries",
    "/jobs/saved?format=csv",
]


@pytest.mark.parametrize("path", PATHS)
def test_head_has_the_status_and_headers_of_get_and_no_body(
    client: TestClient[Any], ada: Account, job_ids: list[int], path: str
) -> None:
    url = path.format(job=job_ids[0])
    got = client.get(url, headers=ada.headers)
    head = client.head(url, headers=ada.headers)
    assert got.status_code == 200, got.text
    assert head.status_code == got.status_code
    assert head.content == b""
    assert head.headers["content-length"] == str(len(got.content))
    assert head.headers["content-type"] == got.headers["content-type"]


def test_head_is_refused_where_get_is_and_listed_where_get_is_allowed(
    client: TestClient[Any], ada: Account, job_ids: list[int]
) -> None:
    assert client.head("/jobs/999999", headers=ada.headers).status_code == 404
    assert client.head("/users/me").status_code == 401
    refused = client.head("/users/login")  # POST only
    assert refused.status_code == 405 and refused.content == b""
    assert "HEAD" not in refused.headers["allow"]
    options = client.options(f"/jobs/{job_ids[0]}")
    assert options.headers["allow"].split(", ") == sorted(options.headers["allow"].split(", "))
    assert "HEAD" in options.headers["allow"] and "GET" in options.headers["allow"]
