"""Postings of one job merge in a load large enough for SQLite to drop its indexes (the
index on ``same_key`` among them) as in any other: with jobs stored before the load,
with jobs of the load's earlier writes, and whatever the hashes of their keys; the
memory adapter is the reference. Also the table of key hashes the load keeps then."""

from __future__ import annotations

from datetime import date

import msgspec
import pytest

from adapters.sql.sql_support import counting_statements, posting
from skael_adapters.memory import MemoryDatabase
from skael_adapters.sql import SqlDatabase, job_writes
from skael_adapters.sql.same_keys import SameKeyIds
from skael_core.matching import prepared
from skael_core.model import Job, PreparedJob, UpsertReport
from skael_core.ports import UnitOfWorkFactory

BEFORE = [posting(n) for n in (1, 2, 3)]


def twin(of: Job, source_id: int, **changes: object) -> Job:
    """Another posting of ``of``'s job: the same company, title, place and day."""
    return msgspec.structs.replace(of, source_id=source_id, **changes)


def the_load() -> list[Job]:
    """More postings than ``DEFER_INDEXES_FROM`` and the store, and among the last
    writes (after the indexes are dropped) postings of jobs stored before and of jobs
    of the first write."""
    load = [posting(n) for n in range(100, 100 + job_writes.DEFER_INDEXES_FROM + 1500)]
    early, middle, later = load[10], load[1500], load[1600]
    load[2500] = twin(BEFORE[0], 1, source="jobboard")  # a job stored before the load
    load[2700] = twin(early, 7, source="careers")  # a job of the load's first write
    load[2800] = twin(early, 8, source="careers2", date_posted=None, discovered_at=None)
    load[3000] = twin(middle, 90_000)  # same source, not a repost: another opening
    load[3100] = twin(later, 90_001, reposted=True)  # a repost
    a_year_before = date(2024, 6, 1)  # outside the window: a job of its own
    load[3200] = twin(BEFORE[1], 2, source="jobboard", date_posted=a_year_before)
    load[3300] = twin(load[3200], 3, source="careers")  # a posting of the load's own job
    return load


async def _store(factory: UnitOfWorkFactory, load: list[Job]) -> UpsertReport:
    async with factory() as uow:
        await uow.jobs.upsert_many(BEFORE)
        await uow.commit()
    ready = [prepared(job) for job in load]
    async with factory() as uow:
        async with uow.jobs.bulk_load() as bulk_load:
            for start in range(0, len(ready), 1000):
                await bulk_load.add(ready[start : start + 1000])
        await uow.commit()
    return bulk_load.report


def _shape(report: UpsertReport) -> tuple[int, int, list[int]]:
    """What a load did, whatever its ids' values: how many postings were new and merged,
    and for each posting where its job's id first appears among the load's."""
    first: dict[int, int] = {}
    shape = [first.setdefault(job_id, index) for index, job_id in enumerate(report.ids)]
    return report.new, report.merged, shape


@pytest.mark.parametrize("hashing", ["python", "colliding"])
async def test_a_large_load_merges_as_the_memory_store_does(
    database: SqlDatabase, hashing: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if hashing == "colliding":  # a handful of hashes for every key: candidates, not answers
        monkeypatch.setattr(
            job_writes, "SameKeyIds", lambda: SameKeyIds(hashing=lambda key: len(key) % 5)
        )
    load = the_load()
    expected = _shape(await _store(MemoryDatabase().unit_of_work, load))
    with counting_statements(database) as statements:
        report = await _store(database.unit_of_work, load)
    assert _shape(report) == expected
    new, merged, shape = expected
    assert merged == 5 and new == len(load) - 5
    assert shape[2700] == shape[2800] == shape[10]
    assert shape[3100] == shape[1600] and shape[3000] == 3000
    assert shape[3300] == shape[3200] == 3200
    if database.engine.dialect.name == "sqlite":  # the load did drop the index on same_key
        assert any(s.startswith('DROP INDEX "ix_jobs_same_key"') for s in statements)
    async with database.unit_of_work(read_only=True) as uow:
        assert await uow.jobs.count() == len(BEFORE) + new
        stored_before = await uow.jobs.get(report.ids[2500])
        of_the_load = await uow.jobs.get(report.ids[10])
    assert stored_before is not None and of_the_load is not None
    assert (stored_before.source, stored_before.source_id) == ("sample", BEFORE[0].source_id)
    assert [(link.source, link.source_id) for link in stored_before.also_posted] == [
        ("jobboard", 1)
    ]
    assert [(link.source, link.source_id) for link in of_the_load.also_posted] == [
        ("careers", 7),
        ("careers2", 8),
    ]


# --------------------------------------------------------------------- the table itself


def test_every_id_added_under_a_key_is_a_candidate_for_it() -> None:
    table = SameKeyIds()
    for n in range(1, 5001):
        table.add(f"company {n % 700}|title|place", n)
    assert len(table) == 5000
    assert sorted(table.candidates("company 3|title|place")) == list(range(3, 5001, 700))
    assert table.candidates("nobody|title|place") == []


def test_keys_sharing_a_hash_are_all_candidates_and_growth_keeps_them() -> None:
    table = SameKeyIds(hashing=lambda key: -len(key))  # negative hashes too
    for n in range(1, 3001):
        table.add("x" * (n % 3 + 1), n)
    assert sorted(table.candidates("y")) == list(range(3, 3001, 3))
    assert sorted(table.candidates("abc")) == list(range(2, 3001, 3))
    assert table.candidates("abcd") == []


def test_adding_all_at_once_finds_what_adding_one_by_one_does() -> None:
    entries = [("x" * (n % 3 + 1), n) for n in range(1, 3001)]
    one_by_one = SameKeyIds(hashing=lambda key: -len(key))
    for key, job_id in entries:
        one_by_one.add(key, job_id)
    at_once = SameKeyIds(hashing=lambda key: -len(key))
    at_once.add_all(entries[:1000])
    at_once.add_all(entries[1000:])  # grown in between
    assert len(at_once) == len(one_by_one) == 3000
    for wanted in (["y"], ["abc"], ["y", "zz"], ["abcd"], []):
        expected = {job_id for key in wanted for job_id in one_by_one.candidates(key)}
        assert at_once.candidates_of(wanted) == expected
    assert at_once.candidates_of(["y", "abc", "zz"]) == set(range(1, 3001))


def test_a_job_id_is_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        SameKeyIds().add("key", 0)
    with pytest.raises(ValueError, match="positive"):
        SameKeyIds().add_all([("key", 1), ("other", -2)])


def test_prepared_jobs_carry_the_key_the_load_hashes() -> None:
    ready = prepared(posting(5))
    assert isinstance(ready, PreparedJob) and ready.same_key is not None
