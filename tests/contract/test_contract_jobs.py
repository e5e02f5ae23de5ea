"""Jobs: upserted on (source, source_id), read back whole, counted and listed in catalogs."""

from __future__ import annotations

import msgspec
import pytest

from contract.contract_builders import at, day, job, stored_jobs, tech
from skael_core.model import CatalogEntry, Job, JobFilter
from skael_core.ports import UnitOfWorkFactory


def _without_id(found: Job) -> Job:
    return msgspec.structs.replace(found, id=0)


async def test_upsert_stores_new_postings_whole(uow_factory: UnitOfWorkFactory) -> None:
    postings = [
        job(1),
        job(2, remote=None, date_posted=None, technologies=()),
        job(3, company=None),
    ]
    async with uow_factory() as uow:
        report = await uow.jobs.upsert_many(postings)
        await uow.commit()
    assert (report.new, report.updated) == (3, 0)
    assert len(set(report.ids)) == 3
    assert list(report.ids) == sorted(report.ids)
    async with uow_factory() as uow:
        for job_id, posting in zip(report.ids, postings, strict=True):
            found = await uow.jobs.get(job_id)
            assert found == msgspec.structs.replace(posting, id=job_id)
        assert await uow.jobs.get(max(report.ids) + 1) is None
        assert await uow.jobs.count() == 3


async def test_upsert_is_idempotent_and_keeps_ids(uow_factory: UnitOfWorkFactory) -> None:
    postings = [job(n) for n in range(1, 6)]
    first = await stored_jobs(uow_factory, *postings)
    async with uow_factory() as uow:
        report = await uow.jobs.upsert_many(postings)
        await uow.commit()
    assert list(report.ids) == first
    assert (report.new, report.updated) == (0, 5)
    async with uow_factory() as uow:
        assert await uow.jobs.count() == 5


async def test_upsert_refreshes_a_known_posting_with_the_newer_values(
    uow_factory: UnitOfWorkFactory,
) -> None:
    [job_id] = await stored_jobs(uow_factory, job(1, technologies=(tech("python"), tech("django"))))
    newer = job(1, job_title="Staff Engineer", max_salary=99000.0, technologies=(tech("rust"),))
    async with uow_factory() as uow:
        report = await uow.jobs.upsert_many([newer, job(2)])
        await uow.commit()
    assert report.ids[0] == job_id
    assert (report.new, report.updated) == (1, 1)
    async with uow_factory() as uow:
        assert await uow.jobs.get(job_id) == msgspec.structs.replace(newer, id=job_id)
        python = await uow.jobs.list(JobFilter(technology="django"), 0, 10)
        rust = await uow.jobs.list(JobFilter(technology="rust"), 0, 10)
        assert python.total == 0
        assert [j.id for j in rust.items] == [job_id]


async def test_a_key_twice_in_one_batch_is_one_posting_with_the_last_values(
    uow_factory: UnitOfWorkFactory,
) -> None:
    batch = [job(1, job_title="Old"), job(2), job(1, job_title="New")]
    async with uow_factory() as uow:
        report = await uow.jobs.upsert_many(batch)
        await uow.commit()
    assert report.ids[0] == report.ids[2] != report.ids[1]
    assert report.ids[0] < report.ids[1]
    assert (report.new, report.updated) == (2, 0)
    async with uow_factory() as uow:
        assert (await uow.jobs.get(report.ids[0])).job_title == "New"  # type: ignore[union-attr]
        assert await uow.jobs.count() == 2


async def test_sources_keep_their_own_id_spaces(uow_factory: UnitOfWorkFactory) -> None:
    other = job(1, source="theirstack", job_title="Data Engineer")  # another opening
    ids = await stored_jobs(uow_factory, job(1), other)
    assert ids[0] != ids[1]
    async with uow_factory() as uow:
        assert await uow.jobs.count() == 2


async def test_a_large_import_spans_batches_and_keeps_input_order(
    uow_factory: UnitOfWorkFactory,
) -> None:
    postings = [job(n, technologies=(tech(f"t{n % 5}"),)) for n in range(1, 1301)]
    first = await stored_jobs(uow_factory, *postings[:700])
    async with uow_factory() as uow:
        report = await uow.jobs.upsert_many(list(reversed(postings)))
        await uow.commit()
    assert (report.new, report.updated) == (600, 700)
    assert list(reversed(report.ids))[:700] == first
    async with uow_factory() as uow:
        assert await uow.jobs.count() == 1300
        assert (await uow.jobs.list(JobFilter(technology="t3"), 0, 5)).total == 260
        got = await uow.jobs.get_many(list(report.ids[:3]))
        assert [_without_id(j) for j in got] == list(reversed(postings))[:3]


async def test_get_many_follows_the_order_asked_and_skips_unknown_ids(
    uow_factory: UnitOfWorkFactory,
) -> None:
    a, b, c = await stored_jobs(uow_factory, job(1), job(2), job(3))
    async with uow_factory() as uow:
        found = await uow.jobs.get_many([c, 999_999, a, c])
        assert [j.id for j in found] == [c, a, c]
        assert await uow.jobs.get_many([]) == []
        assert b not in [j.id for j in found]


@pytest.mark.parametrize("count", [1, 4, 5, 17, 128, 129, 300])
async def test_get_many_reads_lists_of_any_length(
    uow_factory: UnitOfWorkFactory, count: int
) -> None:
    ids = await stored_jobs(uow_factory, *(job(n) for n in range(1, 302)))
    asked = ids[::-1][:count] + ids[:2]  # newest first, then two of them again
    async with uow_factory() as uow:
        found = await uow.jobs.get_many(asked)
    assert [j.id for j in found] == asked
    titles = [f"Software Engineer {n}" for n in range(301, 301 - count, -1)] + [
        "Software Engineer 1",
        "Software Engineer 2",
    ]
    assert [j.job_title for j in found] == titles


async def test_known_source_ids_are_the_most_recently_discovered(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await stored_jobs(
        uow_factory,
        job(10, discovered_at=at(5)),
        job(11, discovered_at=None),
        job(12, discovered_at=at(9)),
        job(13, discovered_at=at(5)),
        job(14, discovered_at=at(1)),
        job(15, source="other", discovered_at=at(50)),
    )
    async with uow_factory() as uow:
        assert await uow.jobs.known_source_ids("sample", 10) == [12, 13, 10, 14, 11]
        assert await uow.jobs.known_source_ids("sample", 2) == [12, 13]
        assert await uow.jobs.known_source_ids("other", 10) == [15]
        assert await uow.jobs.known_source_ids("nowhere", 10) == []


async def test_technology_catalog_counts_each_job_once_most_common_first(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await stored_jobs(
        uow_factory,
        job(1, technologies=(tech("python", "Python"), tech("go"), tech("python", "Python 3"))),
        job(2, technologies=(tech("python", "CPython"), tech("rust"))),
        job(3, technologies=(tech("rust"), tech("go"), tech("aws"))),
        job(4, technologies=(tech("Zig"), tech("python"))),
    )
    async with uow_factory() as uow:
        page = await uow.jobs.technologies(0, 10)
        assert page.total == 5
        assert page.items == [
            CatalogEntry(key="python", name="Python 3", count=3),
            CatalogEntry(key="go", name="Go", count=2),
            CatalogEntry(key="rust", name="Rust", count=2),
            CatalogEntry(key="Zig", name="Zig", count=1),
            CatalogEntry(key="aws", name="Aws", count=1),
        ]
        second = await uow.jobs.technologies(1, 2)
        assert [e.key for e in second.items] == ["go", "rust"]
        assert second.total == 5


async def test_company_and_location_catalogs_skip_empty_values(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await stored_jobs(
        uow_factory,
        job(1, company="Acme", location="Paris"),
        job(2, company="acme", location="Paris"),
        job(3, company="Acme", location=None),
        job(4, company="", location="Lyon"),
        job(5, company=None, location="Écully"),
        job(6, company="Beta", location="Zurich"),
    )
    async with uow_factory() as uow:
        companies = await uow.jobs.companies(0, 10)
        assert companies.total == 3
        assert [(e.key, e.name, e.count) for e in companies.items] == [
            ("Acme", "Acme", 2),
            ("Beta", "Beta", 1),
            ("acme", "acme", 1),
        ]
        locations = await uow.jobs.locations(0, 2)
        assert locations.total == 4
        assert [(e.key, e.count) for e in locations.items] == [("Paris", 2), ("Lyon", 1)]
        rest = await uow.jobs.locations(2, 10)
        assert [e.key for e in rest.items] == ["Zurich", "Écully"]


async def test_an_empty_store_has_empty_catalogs(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        assert await uow.jobs.count() == 0
        for catalog in (uow.jobs.technologies, uow.jobs.companies, uow.jobs.locations):
            page = await catalog(0, 10)
            assert (page.items, page.total) == ([], 0)
        assert await uow.jobs.known_source_ids("sample", 5) == []
        assert (await uow.jobs.upsert_many([])).ids == ()


async def test_dates_and_times_come_back_equal(uow_factory: UnitOfWorkFactory) -> None:
    posting = job(1, date_posted=day(400), discovered_at=at(-10_000), date_reposted=day(3))
    [job_id] = await stored_jobs(uow_factory, posting)
    async with uow_factory() as uow:
        found = await uow.jobs.get(job_id)
    assert found is not None
    assert (found.date_posted, found.discovered_at, found.date_reposted) == (
        posting.date_posted,
        posting.discovered_at,
        posting.date_reposted,
    )
