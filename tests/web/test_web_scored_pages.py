"""Scored job lists are kept by store version: every change shows on the very next list.

Each test first asks for the list twice (the second answer comes from the kept page),
then changes one thing the answer depends on and checks the next answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from skael_adapters.caches import MemoryScoredPageCache
from skael_core.ports import UnitOfWorkFactory
from skael_web.app import create_app
from support import make_job
from web.web_support import (
    Account,
    World,
    build_world,
    fetch_jobs,
    log_in,
    sign_up,
    sqlite_database,
)

LIST = "/jobs/list_jobs"


def listed(client: TestClient[Any], account: Account, **params: Any) -> dict[str, Any]:
    response = client.get(LIST, params={"limit": 100, **params}, headers=account.headers)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def kept(world: World) -> int:
    pages = world.container.scored_pages()
    assert isinstance(pages, MemoryScoredPageCache)
    return len(pages)


def warm(client: TestClient[Any], world: World, account: Account) -> dict[str, Any]:
    """The list, asked twice: the second answer is the kept page, the same bytes."""
    first = client.get(LIST, params={"limit": 100}, headers=account.headers)
    second = client.get(LIST, params={"limit": 100}, headers=account.headers)
    assert first.content == second.content
    assert kept(world) >= 1
    answer: dict[str, Any] = second.json()
    return answer


async def store(uow: UnitOfWorkFactory, *jobs: Any) -> None:
    async with uow() as u:
        await u.jobs.upsert_many(list(jobs))
        await u.commit()


def test_a_dismissal_shows_on_the_next_list(
    client: TestClient[Any], world: World, ada: Account, job_ids: list[int]
) -> None:
    before = warm(client, world, ada)
    assert job_ids[0] in {j["id"] for j in before["jobs"]}
    assert client.post(f"/jobs/{job_ids[0]}/dismiss", headers=ada.headers).status_code == 201
    after = listed(client, ada)
    assert job_ids[0] not in {j["id"] for j in after["jobs"]}
    assert after["total"] == before["total"] - 1


def test_a_block_shows_on_the_next_list(
    client: TestClient[Any], world: World, ada: Account, job_ids: list[int]
) -> None:
    before = warm(client, world, ada)
    assert "Pixel Works" in {j["company"] for j in before["jobs"]}
    blocked = client.post("/companies/blocked", json={"key": "Pixel Works"}, headers=ada.headers)
    assert blocked.status_code == 201
    after = listed(client, ada)
    assert "Pixel Works" not in {j["company"] for j in after["jobs"]}


def test_a_profile_change_shows_on_the_next_list(
    client: TestClient[Any], world: World, ada: Account, job_ids: list[int]
) -> None:
    before = {j["id"]: j["match_score"] for j in warm(client, world, ada)["jobs"]}
    body = {"skills": ["nursing"], "desired_job_role": "Nurse"}
    changed = client.put(f"/users/{ada.user_id}", json=body, headers=ada.headers)
    assert changed.status_code == 200, changed.text
    after = {j["id"]: j["match_score"] for j in listed(client, ada)["jobs"]}
    assert after.keys() == before.keys()
    assert after != before


def test_a_new_job_and_a_job_changed_in_place_show_on_the_next_list(
    client: TestClient[Any], world: World, ada: Account, job_ids: list[int]
) -> None:
    warm(client, world, ada)
    uow = world.container.core().ports.uow
    client.blocking_portal.call(store, uow, make_job(77, job_title="Welder", company="Forge"))
    assert "Welder" in {j["job_title"] for j in listed(client, ada)["jobs"]}
    listed(client, ada)
    renamed = make_job(77, job_title="Master Welder", company="Forge")
    client.blocking_portal.call(store, uow, renamed)
    titles = {j["job_title"] for j in listed(client, ada)["jobs"]}
    assert "Master Welder" in titles and "Welder" not in titles


def test_other_viewers_pages_are_their_own(
    client: TestClient[Any], world: World, ada: Account, bob: Account, job_ids: list[int]
) -> None:
    warm(client, world, ada)
    assert client.post(f"/jobs/{job_ids[0]}/dismiss", headers=bob.headers).status_code == 201
    assert job_ids[0] in {j["id"] for j in listed(client, ada)["jobs"]}
    assert job_ids[0] not in {j["id"] for j in listed(client, bob)["jobs"]}


def test_a_new_day_scores_afresh(
    client: TestClient[Any], world: World, ada: Account, job_ids: list[int]
) -> None:
    before = warm(client, world, ada)
    world.clock.advance(days=40)
    after = listed(client, log_in(client, ada.email))
    assert [j["id"] for j in after["jobs"]] == [j["id"] for j in before["jobs"]]
    assert [j["match_score"] for j in after["jobs"]] != [j["match_score"] for j in before["jobs"]]


@pytest.fixture
def two_servers(tmp_path: Path) -> Iterator[tuple[TestClient[Any], TestClient[Any], World]]:
    """Two apps, each with its own container, connections and caches, on one SQLite
    file: as two server processes are."""
    path = tmp_path / "shared.db"
    one, other = build_world(sqlite_database(path)), build_world(sqlite_database(path))
    with TestClient(create_app(one.container)) as a, TestClient(create_app(other.container)) as b:
        yield a, b, one


def test_a_change_made_by_another_server_shows_on_the_next_list(
    two_servers: tuple[TestClient[Any], TestClient[Any], World],
) -> None:
    a, b, world = two_servers
    ada = sign_up(a, "ada@example.com", skills="python, django")
    ids = fetch_jobs(a, ada)
    before = warm(a, world, ada)
    assert b.post(f"/jobs/{ids[0]}/dismiss", headers=ada.headers).status_code == 201
    assert ids[0] not in {j["id"] for j in listed(a, ada)["jobs"]}
    changed = b.put(f"/users/{ada.user_id}", json={"skills": ["react"]}, headers=ada.headers)
    assert changed.status_code == 200, changed.text
    scores = [j["match_score"] for j in listed(a, ada)["jobs"]]
    assert scores != [j["match_score"] for j in before["jobs"] if j["id"] != ids[0]]
    uow = b.app.state.container.core().ports.uow
    b.blocking_portal.call(store, uow, make_job(88, job_title="Glassblower", company="Vitro"))
    assert "Glassblower" in {j["job_title"] for j in listed(a, ada)["jobs"]}


def test_without_the_cache_every_list_is_read_anew(tmp_path: Path) -> None:
    world = build_world(scored_page_cache_size=0)
    assert world.container.scored_pages() is None
    with TestClient(create_app(world.container)) as client:
        ada = sign_up(client, "ada@example.com", skills="python")
        ids = fetch_jobs(client, ada)
        first = listed(client, ada)
        client.post(f"/jobs/{ids[0]}/dismiss", headers=ada.headers)
        assert len(listed(client, ada)["jobs"]) == len(first["jobs"]) - 1


def test_kept_pages_are_the_answers_read_afresh(tmp_path: Path) -> None:
    """A kept page is byte for byte what reading and scoring again gives (an app
    without the cache, on the same file)."""
    path = tmp_path / "shared.db"
    keeping = build_world(sqlite_database(path))
    fresh = build_world(sqlite_database(path), scored_page_cache_size=0)
    with (
        TestClient(create_app(keeping.container)) as a,
        TestClient(create_app(fresh.container)) as b,
    ):
        ada = sign_up(a, "ada@example.com", skills="python, django")
        fetch_jobs(a, ada)
        for params in ({"limit": 100}, {"skip": 1, "limit": 2}, {"limit": 1}, {}):
            for _ in range(2):
                got = a.get(LIST, params=params, headers=ada.headers)
                want = b.get(LIST, params=params, headers=ada.headers)
                assert (got.status_code, got.content) == (200, want.content)
        assert kept(keeping) == 4
