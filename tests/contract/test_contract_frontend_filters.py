"""The filters the Skael frontend sends: any of several technologies or places, and the
years a person has. Each means the same on memory, SQLite and PostgreSQL, in the list
and in the ranking candidates."""

from __future__ import annotations

import msgspec
import pytest

from contract.contract_builders import day, job, stored_jobs, tech
from contract.test_contract_job_lists import POSTINGS, SKILL_SETS, overlap
from skael_core.model import JobFeatures, JobFilter
from skael_core.ports import UnitOfWorkFactory


def asking(years: int | None) -> JobFeatures:
    return JobFeatures(min_years=years)


# POSTINGS again, with the years each asks for (None: it does not say).
YEARS = {1: 5, 2: 2, 3: None, 4: 10, 5: 0, 6: 3, 7: None, 8: 7}
WITH_YEARS = [msgspec.structs.replace(p, features=asking(YEARS[p.source_id])) for p in POSTINGS]

# (filter, expected source ids in list order)
CASES = {
    "technology-any-of-two": (JobFilter(technology=("java", "go")), [2, 6]),
    "technology-any-of-overlapping": (JobFilter(technology=("python", "aws")), [5, 1, 7, 3, 8]),
    "technology-any-of-with-unknown": (JobFilter(technology=("cobol", "rust")), [5]),
    "technology-one-in-a-tuple": (JobFilter(technology=("python",)), [5, 1, 7, 3, 8]),
    "technology-empty-tuple-means-any": (JobFilter(technology=()), [5, 1, 7, 3, 2, 6, 8, 4]),
    "location-any-of": (JobFilter(location=("paris", "london")), [7, 2]),
    "location-any-of-country-too": (JobFilter(location=("Germany", "lyon")), [5, 3]),
    "location-any-of-none-found": (JobFilter(location=("Tokyo", "Oslo")), []),
    "experience-three-years": (JobFilter(experience=3), [5, 7, 3, 2, 6]),
    "experience-zero": (JobFilter(experience=0), [5, 7, 3]),
    "experience-plenty": (JobFilter(experience=40), [5, 1, 7, 3, 2, 6, 8, 4]),
    "experience-with-technologies": (
        JobFilter(experience=5, technology=("python", "go")),
        [5, 1, 7, 3, 6],
    ),
    "all-three": (
        JobFilter(experience=6, technology=("python", "java"), location=("london", "paris")),
        [7, 2],
    ),
}


@pytest.mark.parametrize(("filters", "expected"), CASES.values(), ids=CASES.keys())
async def test_each_frontend_filter_keeps_exactly_its_matches(
    uow_factory: UnitOfWorkFactory, filters: JobFilter, expected: list[int]
) -> None:
    await stored_jobs(uow_factory, *WITH_YEARS)
    async with uow_factory() as uow:
        page = await uow.jobs.list(filters, 0, 50)
        first = await uow.jobs.list(filters, 0, 1)
    assert [j.source_id for j in page.items] == expected
    assert page.total == len(expected)
    assert first.total == len(expected)


@pytest.mark.parametrize(("filters", "expected"), CASES.values(), ids=CASES.keys())
async def test_candidates_keep_exactly_the_matches_of_each_frontend_filter(
    uow_factory: UnitOfWorkFactory, filters: JobFilter, expected: list[int]
) -> None:
    await stored_jobs(uow_factory, *WITH_YEARS)
    for skills in [*SKILL_SETS.values(), ["java", "go"], ["go", "python", "java"]]:
        held = {p.source_id: overlap(p, skills) for p in POSTINGS}
        ranked = sorted(expected, key=lambda n, held=held: -held[n])
        async with uow_factory() as uow:
            found = await uow.jobs.candidates(filters, skills, 50)
            first = await uow.jobs.candidates(filters, skills, 2)
        assert [j.source_id for j in found] == ranked, skills
        assert [j.source_id for j in first] == ranked[:2], skills


async def test_a_job_holding_several_of_the_technologies_is_listed_once(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await stored_jobs(
        uow_factory,
        job(1, technologies=(tech("python"), tech("kafka"), tech("sql")), date_posted=day(1)),
        job(2, technologies=(tech("sql"),), date_posted=day(2)),
        job(3, technologies=(tech("go"),), date_posted=day(0)),
    )
    async with uow_factory() as uow:
        page = await uow.jobs.list(JobFilter(technology=("python", "sql", "kafka")), 0, 10)
    assert [j.source_id for j in page.items] == [1, 2]
    assert page.total == 2
