"""A labelled set of clear-cut pairs: for each profile, job A fits clearly better than B.

The pairs in ``tests/data/match_pairs.json`` are judged as a recruiter would, each with
its reason and its ``kind``: pay (in several currencies and periods), years of
experience, roles named in other words (``synonym``, across professions outside
software), remote preference, location, skills, another profession, freshness and
expiry. They are ordered through ``relevant_jobs`` as a new user meets them (register
with the profile, store both postings, rank), on the memory store and on SQLite, and
by ``score_job`` directly; at least 95% of each kind must come out right.

Run as a script (``python tests/core/test_match_pairs.py``) to print the figures.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import date
from pathlib import Path
from typing import Any

import msgspec
import pytest

from skael_adapters.memory import MemoryDatabase
from skael_adapters.sql import SqlDatabase, migrate
from skael_core.matching import prepare_job, profile_features, score_job
from skael_core.model import Job, JobFilter, Profile
from skael_core.ports import UnitOfWorkFactory
from skael_core.usecases.accounts import ProfileChanges
from skael_core.usecases.ingest import jobs_feed
from support import make_core

PAIRS = Path(__file__).parent.parent / "data" / "match_pairs.json"
REQUIRED_ACCURACY = 0.95
KINDS = ("pay", "years", "synonym", "remote", "location", "skills", "profession")


def load() -> tuple[date, list[dict[str, Any]]]:
    data = json.loads(PAIRS.read_text(encoding="utf-8"))
    return date.fromisoformat(data["today"]), data["pairs"]


def _changes(number: int, profile: dict[str, Any]) -> ProfileChanges:
    """The profile as a new user sends it (fields this version does not know left out)."""
    known = set(ProfileChanges.__struct_fields__)
    fields = {k: v for k, v in profile.items() if k in known}
    return ProfileChanges(email=f"pair{number}@example.com", **fields)


async def ordered_through_relevant_jobs(uow: UnitOfWorkFactory) -> dict[str, bool]:
    """For each pair id: whether relevant_jobs ranks job A above job B, with a higher
    score, for a user registered with the pair's profile."""
    _, pairs = load()
    core = make_core(uow)
    jobs = [msgspec.convert(p[side], Job) for p in pairs for side in ("job_a", "job_b")]
    ids = iter((await core.ingest_postings.execute(jobs_feed([jobs]))).ids)
    right: dict[str, bool] = {}
    for number, pair in enumerate(pairs):
        a, b = next(ids), next(ids)
        user = (
            await core.register.execute("correct horse battery", _changes(number, pair["profile"]))
        ).user_id
        ranked = await core.rank_jobs.execute(user, None, JobFilter(), limit=100)
        where = {r.job.id: (i, r.match.score) for i, r in enumerate(ranked)}
        ok = a in where and (
            b not in where or (where[a][0] < where[b][0] and where[a][1] > where[b][1])
        )
        right[pair["id"]] = ok
    return right


def ordered_by_score_job() -> dict[str, bool]:
    today, pairs = load()
    right = {}
    for pair in pairs:
        person = profile_features(msgspec.convert(pair["profile"], Profile))
        a = score_job(person, prepare_job(msgspec.convert(pair["job_a"], Job)), today)
        b = score_job(person, prepare_job(msgspec.convert(pair["job_b"], Job)), today)
        right[pair["id"]] = a.score > b.score
    return right


def per_kind(right: dict[str, bool]) -> dict[str, tuple[int, int]]:
    """(right, total) for each kind, and for ``all``."""
    _, pairs = load()
    total: Counter[str] = Counter()
    good: Counter[str] = Counter()
    for pair in pairs:
        for kind in (pair["kind"], "all"):
            total[kind] += 1
            good[kind] += right[pair["id"]]
    return {kind: (good[kind], total[kind]) for kind in total}


def report(title: str, figures: dict[str, tuple[int, int]]) -> str:
    cells = ", ".join(f"{k} {g}/{t} ({g / t:.0%})" for k, (g, t) in sorted(figures.items()))
    return f"{title}: {cells}"


def assert_each_kind(right: dict[str, bool], show: Callable[[str], None]) -> None:
    figures = per_kind(right)
    show(report("match pairs ordered right", figures))
    wrong = sorted(k for k, ok in right.items() if not ok)
    for kind, (good, total) in figures.items():
        assert good / total >= REQUIRED_ACCURACY, f"{kind}: {good}/{total}; wrong: {wrong}"


# --------------------------------------------------------------------------- tests


def test_the_labelled_set_is_broad() -> None:
    _, pairs = load()
    assert len(pairs) >= 120
    assert len({p["id"] for p in pairs}) == len(pairs)
    assert all(p["reason"] and p["kind"] for p in pairs)
    kinds = Counter(p["kind"] for p in pairs)
    assert all(kinds[kind] >= 6 for kind in KINDS), kinds
    assert {"DE", "IN", "US", "GB", "BR", "JP"} <= {p["country"] for p in pairs}
    currencies = {
        p[side].get("currency") for p in pairs if p["kind"] == "pay" for side in ("job_a", "job_b")
    }
    assert len(currencies - {None}) >= 4
    synonyms = {p["profession"] for p in pairs if p["kind"] == "synonym"}
    assert len(synonyms - {"software"}) >= 10
    assert any("years" in p["job_b"]["description"] for p in pairs if p["kind"] == "years")


def test_score_job_orders_each_kind_at_least_95_percent_right(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with capsys.disabled():
        assert_each_kind(ordered_by_score_job(), lambda line: print(f"\nscore_job {line}"))


@pytest.fixture(params=["memory", "sqlite"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[UnitOfWorkFactory]:
    if request.param == "memory":
        yield MemoryDatabase().unit_of_work
        return
    url = f"sqlite+aiosqlite:///{tmp_path / 'pairs.db'}"
    await migrate.ensure_schema(url)
    database = SqlDatabase.from_url(url)
    try:
        yield database.unit_of_work
    finally:
        await database.dispose()


async def test_relevant_jobs_orders_each_kind_at_least_95_percent_right(
    store: UnitOfWorkFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    right = await ordered_through_relevant_jobs(store)
    with capsys.disabled():
        assert_each_kind(right, lambda line: print(f"\nrelevant_jobs {line}"))


if __name__ == "__main__":
    print(report("score_job", per_kind(ordered_by_score_job())))
    memory = asyncio.run(ordered_through_relevant_jobs(MemoryDatabase().unit_of_work))
    print(report("relevant_jobs (memory)", per_kind(memory)))
    print("wrong:", sorted(k for k, ok in memory.items() if not ok))
