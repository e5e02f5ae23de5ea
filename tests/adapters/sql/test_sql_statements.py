"""A page of jobs costs a constant number of statements, whatever its size."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from adapters.sql.sql_support import counting_statements, person, posting
from skael_adapters.sql import SqlDatabase
from skael_core.model import BlockedCompany, DismissedJob, Hidden, JobFilter

NOW = datetime(2026, 12, 8, tzinfo=UTC)
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


async def test_the_ranking_index_catches_up_in_one_statement_on_postgresql(
    database: SqlDatabase,
) -> None:
    async with database.unit_of_work() as uow:
        await uow.jobs.upsert_many([posting(n, techs=2) for n in range(1, 11)])
        await uow.commit()
    async with database.unit_of_work() as uow:
        mark = await uow.jobs.change_mark()
    async with database.unit_of_work() as uow:
        await uow.jobs.upsert_many([posting(n, techs=2) for n in range(11, 14)])
        await uow.commit()
    async with database.unit_of_work() as uow:
        now = await uow.jobs.change_mark()
        with counting_statements(database) as quiet:
            later, unchanged = await uow.jobs.changes(now, 100)
        with counting_statements(database) as busy:
            _, changed = await uow.jobs.changes(mark, 100)
    assert later >= mark
    assert {j.source_id for j in changed} >= {11, 12, 13}
    assert all(len(j.technologies) == 2 for j in changed)
    # on PostgreSQL the mark is the oldest transaction running anywhere on the server,
    # so other work on it may show as changes: their technologies take one more statement
    if database.dialect == "postgresql":
        # the mark and the page in one statement; the page's technologies in one more
        assert len(quiet) == (2 if unchanged else 1) and len(busy) == 2, (quiet, busy)
    else:
        assert unchanged == [] and (len(quiet), len(busy)) == (2, 3), (quiet, busy)


async def test_what_a_person_hides_is_read_in_one_statement(database: SqlDatabase) -> None:
    async with database.unit_of_work() as uow:
        user = await uow.users.add(person(1))
        ids = (await uow.jobs.upsert_many([posting(1), posting(2)])).ids
        for job_id in ids:
            await uow.dismissed_jobs.add(
                DismissedJob(user_id=user.id, job_id=job_id, dismissed_at=NOW)
            )
        await uow.blocked_companies.add(BlockedCompany(user_id=user.id, key="Acme", blocked_at=NOW))
        await uow.commit()
    async with database.unit_of_work() as uow:
        await uow.jobs.count()
        with counting_statements(database) as seen:
            hidden = await uow.dismissed_jobs.hidden(user.id)
    assert hidden == Hidden(job_ids=tuple(sorted(ids)), company_keys=("acme",))
    assert len(seen) == 1, seen
