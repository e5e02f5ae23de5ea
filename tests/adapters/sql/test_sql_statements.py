"""A page of jobs costs a constant number of statements, whatever its size."""

from __future__ import annotations

import re

import pytest

from adapters.sql.sql_support import counting_statements, posting
from skael_adapters.sql import SqlDatabase
from skael_core.model import JobFilter

FILTERS = [
    JobFilter(),
    JobFilter(technology="python"),
    JobFilter(country_code="FR", remote=False, min_salary=50000.0, q="python"),
]


@pytest.mark.parametrize("page_size", [1, 20, 100])
async def test_a_page_of_jobs_takes_at_most_three_statements(
    database: SqlDatabase, page_size: int
) -> None:
    async with database.unit_of_work() as uow:
        await uow.jobs.upsert_many([posting(n, techs=4) for n in range(1, 401)])
        await uow.commit()
    async with database.unit_of_work() as uow:
        await uow.jobs.count()  # the transaction has begun: count only what list sends
        for filters in FILTERS:
            with counting_statements(database) as seen:
                page = await uow.jobs.list(filters, 0, page_size)
            assert len(page.items) == page_size
            assert all(len(job.technologies) == 4 for job in page.items)
            assert len(seen) <= 3, seen


SKILLS = {
    "none": [],
    "unheld": ["cobol"],
    "one": ["rust"],
    "two": ["rust", "go"],
    "three": ["rust", "go", "java", "cobol"],
}


@pytest.mark.parametrize("skills", SKILLS.values(), ids=SKILLS.keys())
@pytest.mark.parametrize("limit", [1, 100, 500])
async def test_candidates_take_at_most_three_statements(
    database: SqlDatabase, skills: list[str], limit: int
) -> None:
    async with database.unit_of_work() as uow:
        await uow.jobs.upsert_many([posting(n) for n in range(1, 201)])
        await uow.jobs.count()
        for filters in FILTERS:
            with counting_statements(database) as seen:
                found = await uow.jobs.candidates(filters, skills, limit)
            assert found
            assert len(seen) <= 3, seen


async def test_candidates_read_no_job_document(database: SqlDatabase) -> None:
    async with database.unit_of_work() as uow:
        await uow.jobs.upsert_many([posting(n) for n in range(1, 201)])
        await uow.jobs.count()
        with counting_statements(database) as seen:
            found = await uow.jobs.candidates(JobFilter(country_code="FR"), ["rust", "go"], 100)
    assert len(found) == 100
    assert all(job.description is None and job.technologies == () for job in found)
    documents = re.compile(r"\b(data|description|description_lc)\b")
    assert not any(documents.search(statement) for statement in seen), seen
