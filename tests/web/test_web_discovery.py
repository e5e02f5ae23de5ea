"""Saved searches, notifications, dismissals and blocks over HTTP (issue 19, 3 and 4)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import msgspec
from litestar.testing import TestClient

from skael_core.model import Notification
from skael_web.app import create_app
from support import NOW, make_job
from web.web_support import (
    Account,
    World,
    actions,
    assert_error,
    build_world,
    sign_up,
    sqlite_database,
)
from webhook_receiver import running_receiver

BACKEND = {
    "job_title": "Backend Engineer",
    "country_code": "IN",
    "min_score": 30,
    "frequency": "daily",
}


def _notify(world: World, account: Account, job_ids: list[int], company: str | None = None) -> None:
    async def add() -> None:
        async with world.database.unit_of_work() as uow:
            await uow.notifications.add_many(
                [
                    Notification(
                        user_id=account.user_id,
                        job_id=job_id,
                        score=40 + n,
                        company=company,
                        created_at=NOW,
                    )
                    for n, job_id in enumerate(job_ids)
                ]
            )
            await uow.commit()

    asyncio.run(add())


def test_a_saved_search_is_created_listed_changed_and_deleted(
    client: TestClient[Any], ada: Account
) -> None:
    made = client.post("/searches", json=BACKEND, headers=ada.headers)
    assert made.status_code == 201, made.text
    search = made.json()
    assert search["messages"] == "success" and search["id"] > 0
    assert search["job_title"] == "Backend Engineer" and search["country_code"] == "IN"
    assert search["min_score"] == 30 and search["frequency"] == "daily"
    assert search["next_run_at"] == search["created_at"]  # due at once
    assert search["webhook_url"] is None and search["last_run_at"] is None
    listed = client.get("/searches", headers=ada.headers).json()
    assert listed["total"] == 1 and [s["id"] for s in listed["searches"]] == [search["id"]]
    url = f"/searches/{search['id']}"
    changed = client.put(
        url, json={"technology": "Python, k8s", "frequency": "WEEKLY"}, headers=ada.headers
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["technology"] == ["python", "kubernetes"]
    assert changed.json()["frequency"] == "weekly" and changed.json()["job_title"] is None
    assert client.get(url, headers=ada.headers).json() == changed.json()
    gone = client.delete(url, headers=ada.headers)
    assert gone.status_code == 200 and gone.json()["search_id"] == search["id"]
    assert_error(client.get(url, headers=ada.headers), 404)
    assert client.get("/searches", headers=ada.headers).json()["total"] == 0
    assert actions(client, ada)[:3] == ["SEARCH_DELETED", "SEARCH_UPDATED", "SEARCH_SAVED"]


def test_bad_searches_are_422_naming_the_field(client: TestClient[Any], ada: Account) -> None:
    for body, field in [
        ({"min_score": 101}, "min_score"),
        ({"frequency": "hourly"}, "frequency"),
        ({"country_code": "Atlantis"}, "country_code"),
        ({"webhook_url": "ftp://example.com"}, "webhook_url"),
        ({"min_salary": -5}, "min_salary"),
    ]:
        answer = assert_error(client.post("/searches", json=body, headers=ada.headers), 422)
        assert field in answer["detail"] or field in str(answer.get("errors")), answer
    assert client.get("/searches", headers=ada.headers).json()["total"] == 0


def test_another_persons_search_and_notification_are_forbidden(
    client: TestClient[Any], world: World, ada: Account, bob: Account, job_ids: list[int]
) -> None:
    search = client.post("/searches", json=BACKEND, headers=ada.headers).json()["id"]
    url = f"/searches/{search}"
    assert_error(client.get(url, headers=bob.headers), 403)
    assert_error(client.put(url, json=BACKEND, headers=bob.headers), 403)
    assert_error(client.delete(url, headers=bob.headers), 403)
    assert_error(client.get("/searches", params={"user_id": ada.user_id}, headers=bob.headers), 403)
    _notify(world, ada, job_ids[:1])
    (note,) = client.get("/notifications", headers=ada.headers).json()["notifications"]
    assert_error(client.post(f"/notifications/{note['id']}/read", headers=bob.headers), 403)
    assert_error(client.post("/notifications/999/read", headers=bob.headers), 404)
    assert client.get("/searches", headers=ada.headers).json()["total"] == 1
    assert "SEARCH_UPDATED" not in actions(client, ada)


def test_notifications_list_with_job_and_score_and_are_read(
    client: TestClient[Any], world: World, ada: Account, job_ids: list[int]
) -> None:
    _notify(world, ada, job_ids[:3])
    page = client.get("/notifications", headers=ada.headers).json()
    assert page["total"] == 3
    first = page["notifications"][0]
    assert first["job"]["id"] == first["job_id"] and first["job"]["job_title"]
    assert {n["score"] for n in page["notifications"]} == {40, 41, 42}
    assert not first["read"] and first["read_at"] is None
    read = client.post(f"/notifications/{first['id']}/read", headers=ada.headers)
    assert read.status_code == 200 and read.json()["read"] is True
    unread = client.get("/notifications", params={"unread": "true"}, headers=ada.headers).json()
    assert unread["total"] == 2 and first["id"] not in {n["id"] for n in unread["notifications"]}


def test_a_dismissed_job_is_never_shown_again(
    client: TestClient[Any], world: World, ada: Account, bob: Account, job_ids: list[int]
) -> None:
    _notify(world, ada, job_ids)
    doomed = job_ids[0]
    first = client.post(f"/jobs/{doomed}/dismiss", headers=ada.headers)
    again = client.post(f"/jobs/{doomed}/dismiss", json={}, headers=ada.headers)
    assert (first.status_code, again.status_code) == (201, 200)
    listed = client.get("/jobs/list_jobs", params={"limit": 100}, headers=ada.headers).json()
    ranked = client.post("/jobs/relevant_jobs", json={"limit": 100}, headers=ada.headers).json()
    notes = client.get("/notifications", params={"limit": 100}, headers=ada.headers).json()
    assert doomed not in {j["id"] for j in listed["jobs"]}
    assert listed["total"] == len(job_ids) - 1
    assert (
        doomed not in {j["id"] for j in ranked["jobs"]} and len(ranked["jobs"]) == len(job_ids) - 1
    )
    assert doomed not in {n["job_id"] for n in notes["notifications"]}
    assert notes["total"] == len(job_ids) - 1
    others = client.get("/jobs/list_jobs", params={"limit": 100}, headers=bob.headers).json()
    assert others["total"] == len(job_ids)
    assert actions(client, ada)[0] == "JOB_DISMISSED"
    assert client.delete(f"/jobs/{doomed}/dismiss", headers=ada.headers).status_code == 200
    assert_error(client.delete(f"/jobs/{doomed}/dismiss", headers=ada.headers), 404)
    assert_error(client.post("/jobs/999999/dismiss", headers=ada.headers), 404)
    relisted = client.get("/jobs/list_jobs", params={"limit": 100}, headers=ada.headers).json()
    assert relisted["total"] == len(job_ids)


def test_a_blocked_company_has_none_of_its_jobs_shown(
    client: TestClient[Any], world: World, ada: Account, job_ids: list[int]
) -> None:
    companies = client.get("/companies", headers=ada.headers).json()["companies"]
    acme = next(c for c in companies if c["key"] == "Acme Analytics")
    _notify(world, ada, job_ids, company="acme analytics")
    first = client.post("/companies/blocked", json={"key": acme["key"]}, headers=ada.headers)
    again = client.post("/companies/blocked", json={"key": "ACME ANALYTICS"}, headers=ada.headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["key"] == "Acme Analytics"
    blocked = client.get("/companies/blocked", headers=ada.headers).json()
    assert blocked["total"] == 1 and blocked["companies"][0]["key"] == "Acme Analytics"
    listed = client.get("/jobs/list_jobs", params={"limit": 100}, headers=ada.headers).json()
    ranked = client.post("/jobs/relevant_jobs", json={"limit": 100}, headers=ada.headers).json()
    assert "Acme Analytics" not in {j["company"] for j in listed["jobs"]}
    assert listed["total"] == len(job_ids) - acme["count"]
    assert "Acme Analytics" not in {j["company"] for j in ranked["jobs"]}
    assert client.get("/notifications", headers=ada.headers).json()["total"] == 0
    assert actions(client, ada)[0] == "COMPANY_BLOCKED"
    assert_error(client.post("/companies/blocked", json={"key": "  "}, headers=ada.headers), 422)
    assert_error(client.delete("/companies/blocked", headers=ada.headers), 422)
    blank = client.delete("/companies/blocked", params={"key": " "}, headers=ada.headers)
    assert_error(blank, 422)
    gone = client.delete(
        "/companies/blocked", params={"key": "acme analytics"}, headers=ada.headers
    )
    assert gone.status_code == 200, gone.text
    assert_error(
        client.delete("/companies/blocked", params={"key": "acme analytics"}, headers=ada.headers),
        404,
    )
    relisted = client.get("/jobs/list_jobs", params={"limit": 100}, headers=ada.headers).json()
    assert relisted["total"] == len(job_ids)


def test_the_worker_inside_the_server_runs_a_new_search(tmp_path: Any) -> None:
    world = build_world(
        sqlite_database(tmp_path / "skael.db"), worker_in_serve=True, worker_interval=0.05
    )
    with TestClient(create_app(world.container)) as client:
        ada = sign_up(client, "ada@example.com", skills="python, django")
        assert (
            client.post("/searches", json={"min_score": 1}, headers=ada.headers).status_code == 201
        )
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            page = client.get("/notifications", headers=ada.headers).json()
            if page["total"]:
                break
            time.sleep(0.05)
        assert page["total"] == len(world.source.jobs)
        credits = client.get("/health").json()["credits"]
        assert credits["spent_today"] == len(world.source.jobs)
        assert credits["daily_budget"] == 1000 and credits["per_person_budget"] == 100
        (search,) = client.get("/searches", headers=ada.headers).json()["searches"]
        assert search["last_run_at"] is not None and search["failures"] == 0
        assert "SEARCH_RAN" in actions(client, ada)


def _wait_for(client: TestClient[Any], path: str, account: Account, ready: Any) -> Any:
    deadline = time.monotonic() + 10
    while True:
        page = client.get(path, headers=account.headers).json()
        if ready(page) or time.monotonic() > deadline:
            return page
        time.sleep(0.05)


async def due_now(world: World, search_id: int) -> None:
    async with world.database.unit_of_work() as uow:
        search = await uow.saved_searches.get(search_id)
        assert search is not None
        await uow.saved_searches.update(msgspec.structs.replace(search, next_run_at=NOW))
        await uow.commit()


def test_the_worker_tells_of_postings_an_import_stored_since_the_search(tmp_path: Any) -> None:
    world = build_world(
        sqlite_database(tmp_path / "skael.db"), worker_in_serve=True, worker_interval=0.05
    )
    world.source.jobs = []  # the provider has nothing: only stored postings can match

    async def store(*jobs: Any) -> list[int]:
        async with world.database.unit_of_work() as uow:
            report = await uow.jobs.upsert_many(jobs)
            await uow.commit()
        return list(report.ids)

    before = asyncio.run(store(make_job(1, source="import")))
    with TestClient(create_app(world.container)) as client:
        ada = sign_up(client, "ada@example.com", skills="python, django")
        search = {"job_title": "Python Developer", "country_code": "DE", "min_score": 1}
        made = client.post("/searches", json=search, headers=ada.headers)
        assert made.status_code == 201, made.text
        _wait_for(client, "/searches", ada, lambda p: p["searches"][0]["last_run_at"])
        after = asyncio.run(
            store(
                make_job(2, source="import"),
                make_job(3, source="import", country_code="FR", country="France"),
            )
        )
        asyncio.run(due_now(world, made.json()["id"]))  # as the next day would
        page = _wait_for(client, "/notifications", ada, lambda p: p["total"])
        assert [n["job_id"] for n in page["notifications"]] == [after[0]]
        assert page["notifications"][0]["job"]["id"] == after[0]
        assert before[0] not in {n["job_id"] for n in page["notifications"]}
        (kept,) = client.get("/searches", headers=ada.headers).json()["searches"]
        assert kept["failures"] == 0 and "discovered_until" in kept


def test_a_failed_webhook_delivery_is_listed_then_delivered_by_a_later_round(
    tmp_path: Any,
) -> None:
    world = build_world(
        sqlite_database(tmp_path / "skael.db"),
        worker_in_serve=True,
        worker_interval=0.05,
        webhook_allow_private=True,
        webhook_attempts=1,
        webhook_retry_after=300,
    )
    with running_receiver() as receiver, TestClient(create_app(world.container)) as client:
        receiver.script = [503, 200]
        ada = sign_up(client, "ada@example.com", skills="python, django")
        body = {"min_score": 1, "webhook_url": receiver.url}
        assert client.post("/searches", json=body, headers=ada.headers).status_code == 201
        path = "/notifications/webhook_deliveries"
        page = _wait_for(client, path, ada, lambda p: p["total"] and p["deliveries"][0]["attempts"])
        (waiting,) = page["deliveries"]
        assert waiting["status"] == "pending" and waiting["attempts"] == 1
        assert "HTTP 503" in waiting["last_error"] and waiting["delivered_at"] is None
        assert client.get(path, params={"pending": True}, headers=ada.headers).json()["total"] == 1
        world.clock.advance(minutes=5)  # its next try is due
        page = _wait_for(client, path, ada, lambda p: p["deliveries"][0]["status"] != "pending")
        (done,) = page["deliveries"]
        assert done["status"] == "delivered" and done["attempts"] == 2
        assert done["next_attempt_at"] is None and done["last_error"] is None
        assert client.get(path, params={"pending": True}, headers=ada.headers).json()["total"] == 0
        other = sign_up(client, "bob@example.com")
        assert client.get(path, headers=other.headers).json()["total"] == 0
        refused = client.get(path, params={"user_id": ada.user_id}, headers=other.headers)
        assert refused.status_code == 403
    assert len(receiver.deliveries) == 2
