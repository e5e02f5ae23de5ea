"""One posting once: the postings of one job (two sources, a repost) are one canonical
job listing its other sources and URLs, on every store; the labelled pairs of
``tests/data/same_job_pairs.json`` say which must and must not merge."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from contract.contract_builders import job
from skael_core.matching import prepared
from skael_core.model import Job, JobFilter, JobSourceLink
from skael_core.ports import UnitOfWorkFactory

PAIRS: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent.parent / "data" / "same_job_pairs.json").read_text()
)


def posting(number: int, fields: dict[str, Any], tag: str = "") -> Job:
    values = dict(fields)
    if values.get("company") and tag:
        values["company"] = f"{tag} {values['company']}"
    if values.get("date_posted"):
        values["date_posted"] = date.fromisoformat(values["date_posted"])
    elif "date_posted" in values:
        values["discovered_at"] = None  # no day at all
    return job(number, url=f"https://{values['source']}.example/{number}", **values)


async def store(uow_factory: UnitOfWorkFactory, *postings: Job) -> Any:
    async with uow_factory() as uow:
        report = await uow.jobs.upsert_many(list(postings))
        await uow.commit()
    return report


async def test_the_labelled_pairs_merge_as_labelled(uow_factory: UnitOfWorkFactory) -> None:
    wrong = []
    for index, pair in enumerate(PAIRS):
        tag = f"P{index}"
        first = await store(uow_factory, posting(2 * index + 1, pair["a"], tag))
        second = await store(uow_factory, posting(2 * index + 2, pair["b"], tag))
        merged = second.ids[0] == first.ids[0]
        if merged != pair["same"] or second.merged != int(pair["same"]):
            wrong.append(pair["why"])
    assert wrong == []
    async with uow_factory(read_only=True) as uow:
        listed = await uow.jobs.list(JobFilter(), 0, 100)
    assert listed.total == len(PAIRS) * 2 - sum(pair["same"] for pair in PAIRS)


async def test_a_merged_posting_is_listed_among_its_jobs_sources(
    uow_factory: UnitOfWorkFactory,
) -> None:
    fields = PAIRS[0]["a"]
    first = await store(uow_factory, posting(1, fields))
    other = posting(2, {**fields, "source": "jobboard"})
    second = await store(uow_factory, other)
    assert (second.new, second.updated, second.merged) == (0, 0, 1)
    async with uow_factory(read_only=True) as uow:
        found = await uow.jobs.get(first.ids[0])
        listed = await uow.jobs.list(JobFilter(), 0, 10)
        known = await uow.jobs.known_source_ids("jobboard", 10)
    assert found is not None
    assert found.also_posted == (
        JobSourceLink(
            source="jobboard",
            source_id=2,
            url="https://jobboard.example/2",
            date_posted=other.date_posted,
        ),
    )
    assert [j.id for j in listed.items] == [first.ids[0]]
    assert known == [2]


async def test_a_merged_posting_stored_again_refreshes_its_link(
    uow_factory: UnitOfWorkFactory,
) -> None:
    fields = PAIRS[0]["a"]
    first = await store(uow_factory, posting(1, fields))
    await store(uow_factory, posting(2, {**fields, "source": "jobboard"}))
    moved = posting(2, {**fields, "source": "jobboard"})
    again = await store(uow_factory, Job(**{**_fields(moved), "url": "https://moved.example/2"}))
    assert (again.ids, again.new, again.updated, again.merged) == ((first.ids[0],), 0, 1, 0)
    async with uow_factory(read_only=True) as uow:
        found = await uow.jobs.get(first.ids[0])
        assert await uow.jobs.count() == 1
    assert found is not None
    assert [link.url for link in found.also_posted] == ["https://moved.example/2"]


async def test_postings_of_one_job_in_one_load_merge(uow_factory: UnitOfWorkFactory) -> None:
    fields = PAIRS[0]["a"]
    postings = [
        posting(1, fields),
        posting(2, {**fields, "source": "jobboard"}),
        posting(3, {**fields, "source": "careers"}),
        posting(4, {**fields, "company": "Globex"}),
    ]
    async with uow_factory() as uow:
        async with uow.jobs.bulk_load() as load:
            await load.add([prepared(p) for p in postings])
        await uow.commit()
    report = load.report
    assert (report.new, report.merged) == (2, 2)
    assert report.ids[0] == report.ids[1] == report.ids[2] != report.ids[3]
    async with uow_factory(read_only=True) as uow:
        found = await uow.jobs.get(report.ids[0])
    assert found is not None
    assert [(link.source, link.source_id) for link in found.also_posted] == [
        ("jobboard", 2),
        ("careers", 3),
    ]


async def test_a_refresh_of_the_canonical_posting_keeps_its_sources(
    uow_factory: UnitOfWorkFactory,
) -> None:
    fields = PAIRS[0]["a"]
    first = await store(uow_factory, posting(1, fields))
    await store(uow_factory, posting(2, {**fields, "source": "jobboard"}))
    again = await store(uow_factory, posting(1, {**fields, "description": "Changed."}))
    assert again.ids == first.ids
    async with uow_factory(read_only=True) as uow:
        found = await uow.jobs.get(first.ids[0])
    assert found is not None
    assert found.description == "Changed."
    assert [link.source_id for link in found.also_posted] == [2]


def _fields(found: Job) -> dict[str, Any]:
    return {name: getattr(found, name) for name in found.__struct_fields__}


@pytest.mark.parametrize("pair", PAIRS, ids=[p["why"] for p in PAIRS])
def test_the_core_rule_on_the_labelled_pairs(pair: dict[str, Any]) -> None:
    from skael_core.sameness import SameJobs, sameness_key

    a, b = posting(1, pair["a"]), posting(2, pair["b"])
    same = SameJobs()
    same.add(sameness_key(a), 1, a.date_posted, a.source)
    assert (same.find(sameness_key(b), b) == 1) is pair["same"]


async def test_a_job_refreshed_in_a_batch_answers_to_its_new_key_from_its_place_on(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """A batch refreshes a stored job whose company changed, then brings another
    source's posting with the job's old company: they are two jobs. A posting with the
    new company after the refresh is the same job; one before it is not."""
    title = {"job_title": "Data Engineer", "normalized_title": "data engineer"}
    first = await store(uow_factory, job(1, company="Zurich Labs", **title))
    (stored,) = first.ids
    refreshed = job(1, company="Basel Labs", **title)
    before = job(2, source="theirstack", company="Basel Labs", **title)
    old_company = job(3, source="theirstack", company="Zurich Labs", **title)
    new_company = job(4, source="board", company="Basel Labs", **title)
    report = await store(uow_factory, before, refreshed, old_company, new_company)
    assert (report.new, report.updated, report.merged) == (2, 1, 1)
    assert report.ids[1] == stored == report.ids[3]
    assert len({report.ids[0], report.ids[2], stored}) == 3
