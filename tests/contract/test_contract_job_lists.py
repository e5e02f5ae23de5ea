"""Job lists: every filter, newest first with ties by id, pages with totals; candidates."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from contract.contract_builders import RANKING_FIELDS, day, job, stored_jobs, tech
from skael_core.model import Job, JobFeatures, JobFilter, Technology
from skael_core.ports import UnitOfWorkFactory

# Ten postings, each with something a filter should catch or miss; key = source_id.
POSTINGS = [
    job(
        1,
        remote=True,
        country_code="US",
        country="United States",
        location="New York, NY",
        seniority="Senior",
        company="Acme Corp",
        min_salary=None,
        max_salary=150000.0,
        technologies=(tech("python"), tech("aws")),
        date_posted=day(1),
    ),
    job(
        2,
        remote=False,
        country_code="FR",
        location="Paris",
        seniority="mid_level",
        company="Beta SAS",
        min_salary=40000.0,
        max_salary=None,
        technologies=(tech("java"),),
        date_posted=day(2),
    ),
    job(
        3,
        remote=None,
        country_code="FR",
        location="Lyon",
        seniority="SENIOR",
        company="beta labs",
        min_salary=60000.0,
        max_salary=80000.0,
        date_posted=day(2),
        job_title="Senior Python Developer",
        description="Django and PostgreSQL.",
    ),
    job(
        4,
        remote=True,
        country_code=None,
        country=None,
        location=None,
        seniority=None,
        company=None,
        min_salary=None,
        max_salary=None,
        technologies=(),
        date_posted=None,
        description=None,
        job_title="Data Engineer 100%_remote",
    ),
    job(
        5,
        remote=True,
        country_code="DE",
        country="Germany",
        location="Zürich area",
        seniority="junior",
        company="Gamma GmbH",
        min_salary=90000.0,
        max_salary=120000.0,
        technologies=(tech("python"), tech("rust")),
        date_posted=day(0),
        description="Ein Team in ZÜRICH.",
    ),
    job(
        6,
        remote=False,
        country_code="US",
        country="United States",
        location="Austin, TX",
        seniority="senior",
        company="Acme Corp",
        min_salary=100000.0,
        max_salary=99000.0,
        technologies=(tech("go"),),
        date_posted=day(30),
        job_title="Backend engineer",
    ),
    job(
        7,
        remote=False,
        country_code="GB",
        country="United Kingdom",
        location="London",
        seniority="mid_level",
        company="Delta_Ltd",
        min_salary=None,
        max_salary=None,
        technologies=(tech("python"),),
        date_posted=day(2),
        description="python everywhere",
    ),
    job(
        8,
        remote=True,
        country_code="FR",
        country="France",
        location="Remote",
        seniority="Senior",
        company="ACME",
        min_salary=70000.0,
        max_salary=70000.0,
        technologies=(tech("aws"), tech("python")),
        date_posted=None,
    ),
]

# (filter, expected source ids in list order)
CASES = {
    "none": (JobFilter(), [5, 1, 7, 3, 2, 6, 8, 4]),
    "empty-strings-mean-any": (
        JobFilter(
            q="",
            country_code="",
            seniority="",
            technology="",
            company="",
            location="",
            job_title="",
        ),
        [5, 1, 7, 3, 2, 6, 8, 4],
    ),
    "remote-true": (JobFilter(remote=True), [5, 1, 8, 4]),
    "remote-false-includes-unknown": (JobFilter(remote=False), [7, 3, 2, 6]),
    "country-code": (JobFilter(country_code="FR"), [3, 2, 8]),
    "seniority-ignores-case": (JobFilter(seniority="senior"), [1, 3, 6, 8]),
    "technology": (JobFilter(technology="python"), [5, 1, 7, 3, 8]),
    "technology-unknown": (JobFilter(technology="cobol"), []),
    "company-substring-any-case": (JobFilter(company="ACME co"), [1, 6]),
    "company-underscore-is-literal": (JobFilter(company="a_l"), [7]),
    "min-salary-max-else-min": (JobFilter(min_salary=99000.0), [5, 1, 6]),
    "min-salary-zero-needs-a-salary": (JobFilter(min_salary=0.0), [5, 1, 3, 2, 6, 8]),
    "posted-since": (JobFilter(posted_since=day(2)), [5, 1, 7, 3, 2]),
    "posted-since-future": (JobFilter(posted_since=date(2099, 1, 1)), []),
    "job-title-substring": (JobFilter(job_title="PYTHON dev"), [3]),
    "job-title-percent-is-literal": (JobFilter(job_title="100%_"), [4]),
    "location-or-country": (JobFilter(location="united"), [1, 7, 6]),
    "location-unicode-case": (JobFilter(location="ZÜRICH"), [5]),
    "q-in-title-company-or-description": (JobFilter(q="python"), [1, 7, 3, 2, 6, 8]),
    "q-in-company": (JobFilter(q="beta"), [3, 2]),
    "q-unicode-description": (JobFilter(q="zürich"), [5]),
    "combined": (JobFilter(remote=True, technology="python", min_salary=100000.0), [5, 1]),
    "combined-none": (JobFilter(country_code="US", remote=True, seniority="junior"), []),
}


@pytest.mark.parametrize(("filters", "expected"), CASES.values(), ids=CASES.keys())
async def test_every_filter_keeps_exactly_its_matches(
    uow_factory: UnitOfWorkFactory, filters: JobFilter, expected: list[int]
) -> None:
    # "q" looks at titles too: every posting's default title is "Software Engineer n".
    await stored_jobs(uow_factory, *POSTINGS)
    async with uow_factory() as uow:
        page = await uow.jobs.list(filters, 0, 50)
    assert [j.source_id for j in page.items] == expected
    assert page.total == len(expected)


async def test_newest_first_then_undated_with_ties_by_id(uow_factory: UnitOfWorkFactory) -> None:
    ids = await stored_jobs(
        uow_factory,
        job(1, date_posted=day(3)),
        job(2, date_posted=None),
        job(3, date_posted=day(1)),
        job(4, date_posted=day(3)),
        job(5, date_posted=None),
        job(6, date_posted=day(1)),
    )
    by_key = dict(zip(range(1, 7), ids, strict=True))
    async with uow_factory() as uow:
        page = await uow.jobs.list(JobFilter(), 0, 10)
    assert [j.id for j in page.items] == [by_key[k] for k in (6, 3, 4, 1, 5, 2)]


async def test_pages_cut_the_same_order_and_carry_the_total(uow_factory: UnitOfWorkFactory) -> None:
    await stored_jobs(uow_factory, *(job(n, date_posted=day(n % 4)) for n in range(1, 24)))
    async with uow_factory() as uow:
        everything = await uow.jobs.list(JobFilter(), 0, 100)
        pages = [await uow.jobs.list(JobFilter(), skip, 5) for skip in range(0, 25, 5)]
        beyond = await uow.jobs.list(JobFilter(), 40, 5)
        empty_limit = await uow.jobs.list(JobFilter(), 0, 0)
        filtered = await uow.jobs.list(JobFilter(posted_since=day(1)), 5, 5)
    assert everything.total == 23
    assert [j.id for p in pages for j in p.items] == [j.id for j in everything.items]
    assert [len(p.items) for p in pages] == [5, 5, 5, 5, 3]
    assert {p.total for p in pages} == {23}
    assert (beyond.items, beyond.total) == ([], 23)
    assert (empty_limit.items, empty_limit.total) == ([], 23)
    assert filtered.total == len([n for n in range(1, 24) if n % 4 <= 1])
    assert len(filtered.items) == 5


async def test_a_list_longer_than_the_count_limit_has_no_total(
    uow_factory: UnitOfWorkFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    import skael_adapters.memory
    import skael_adapters.sql.base

    for module in (skael_adapters.memory, skael_adapters.sql.base):
        monkeypatch.setattr(module, "LIST_COUNT_LIMIT", 7)
    await stored_jobs(uow_factory, *(job(n, technologies=(tech("python"),)) for n in range(1, 12)))
    async with uow_factory() as uow:
        first = await uow.jobs.list(JobFilter(), 0, 5)
        last = await uow.jobs.list(JobFilter(), 10, 5)  # the end is in sight: counted
        tagged = await uow.jobs.list(JobFilter(technology="python"), 0, 3)
        few = await uow.jobs.list(JobFilter(technology="python", remote=True), 0, 3)
    assert (len(first.items), first.total) == (5, None)
    assert (len(last.items), last.total) == (1, 11)
    assert (len(tagged.items), tagged.total) == (3, None)
    assert few.total == 0


# Skill sets for candidates: none held, one, two, three held (with one nobody holds).
SKILL_SETS = {
    "no-skills": [],
    "unheld": ["cobol"],
    "one": ["python"],
    "two": ["java", "rust"],
    "three-and-unheld": ["python", "aws", "go", "cobol"],
    "duplicates": ["aws", "aws", "python"],
}


def ranking_view(found: Job) -> dict[str, object]:
    return {name: getattr(found, name) for name in RANKING_FIELDS}


def overlap(found: Job, skills: list[str]) -> int:
    return len(set(skills).intersection(found.technology_slugs))


async def test_candidates_put_skill_matches_first_then_newest(
    uow_factory: UnitOfWorkFactory,
) -> None:
    ids = await stored_jobs(
        uow_factory,
        job(1, technologies=(tech("python"),), date_posted=day(5)),
        job(2, technologies=(tech("java"),), date_posted=day(0)),
        job(3, technologies=(tech("rust"), tech("go")), date_posted=day(9)),
        job(4, technologies=(), date_posted=None),
        job(5, technologies=(tech("python"),), date_posted=day(5)),
        job(6, technologies=(tech("go"),), date_posted=None, country_code="US"),
    )
    key = dict(zip(range(1, 7), ids, strict=True))
    async with uow_factory() as uow:
        found = await uow.jobs.candidates(JobFilter(), ["python", "go"], 10)
        limited = await uow.jobs.candidates(JobFilter(), ["python", "go"], 2)
        filtered = await uow.jobs.candidates(JobFilter(country_code="FR"), ["go"], 10)
        no_skills = await uow.jobs.candidates(JobFilter(), [], 10)
        nothing = await uow.jobs.candidates(JobFilter(), ["python"], 0)
    assert [j.id for j in found] == [key[k] for k in (5, 1, 3, 6, 2, 4)]
    assert [j.id for j in limited] == [key[5], key[1]]
    assert [j.id for j in filtered] == [key[k] for k in (3, 2, 5, 1, 4)]
    assert [j.id for j in no_skills] == [key[k] for k in (2, 5, 1, 3, 6, 4)]
    assert nothing == []


async def test_candidates_holding_more_skills_come_first(uow_factory: UnitOfWorkFactory) -> None:
    def techs(*slugs: str) -> tuple[Technology, ...]:
        return tuple(tech(s) for s in slugs)

    ids = await stored_jobs(
        uow_factory,
        job(1, technologies=techs("python"), date_posted=day(0)),
        job(2, technologies=techs("python", "go"), date_posted=day(9)),
        job(3, technologies=techs("python", "go", "aws"), date_posted=day(20)),
        job(4, technologies=techs("go", "aws"), date_posted=None),
        job(5, technologies=techs("java"), date_posted=day(0)),
        job(6, technologies=techs("aws", "python"), date_posted=day(9)),
        job(7, technologies=techs("go"), date_posted=day(3)),
        job(8, technologies=techs("go", "python"), date_posted=day(9)),
        job(9, technologies=(), date_posted=day(1)),
        job(10, technologies=techs("aws"), date_posted=None),
    )
    key = dict(zip(range(1, 11), ids, strict=True))

    async def ranked(skills: list[str], limit: int = 20, **filters: Any) -> list[int]:
        async with uow_factory() as uow:
            found = await uow.jobs.candidates(JobFilter(**filters), skills, limit)
        by_id = {v: k for k, v in key.items()}
        return [by_id[j.id] for j in found]

    # three skills held: 3 holds all, then pairs (newest, ties by id, undated last)
    everything = [3, 8, 6, 2, 4, 1, 7, 10, 5, 9]
    assert await ranked(["python", "go", "aws"]) == everything
    assert await ranked(["aws", "cobol", "go", "python", "go"]) == everything
    for limit in range(1, 11):
        assert await ranked(["python", "go", "aws"], limit) == everything[:limit]
    # two skills held: both, then either, then none
    assert await ranked(["go", "aws"]) == [3, 4, 7, 8, 6, 2, 10, 5, 1, 9]
    assert await ranked(["go", "aws"], 3) == [3, 4, 7]
    # one skill held
    assert await ranked(["java", "cobol"]) == [5, 1, 9, 7, 8, 6, 2, 3, 10, 4]
    # the technology filter among the skills, and outside them
    assert await ranked(["python", "go", "aws"], technology="go") == [3, 8, 2, 4, 7]
    assert await ranked(["python", "aws"], technology="go") == [3, 8, 2, 4, 7]
    assert await ranked(["java"], technology="go") == [7, 8, 2, 3, 4]
    # facets and substring filters
    assert await ranked(["python", "go", "aws"], posted_since=day(9)) == [8, 6, 2, 1, 7, 5, 9]
    assert await ranked(["python", "go"], job_title="engineer 1") == [1, 10]


@pytest.mark.parametrize(("filters", "expected"), CASES.values(), ids=CASES.keys())
async def test_candidates_keep_exactly_the_matches_of_every_filter(
    uow_factory: UnitOfWorkFactory, filters: JobFilter, expected: list[int]
) -> None:
    await stored_jobs(uow_factory, *POSTINGS)
    for skills in SKILL_SETS.values():
        held = {p.source_id: overlap(p, skills) for p in POSTINGS}
        # the list order (newest, then id), stably regrouped by skills held
        ranked = sorted(expected, key=lambda n, held=held: -held[n])
        async with uow_factory() as uow:
            found = await uow.jobs.candidates(filters, skills, 50)
            first = await uow.jobs.candidates(filters, skills, 2)
        assert [j.source_id for j in found] == ranked, skills
        assert [j.source_id for j in first] == ranked[:2], skills


async def test_candidates_carry_what_ranking_reads(uow_factory: UnitOfWorkFactory) -> None:
    rich = job(
        11,
        country="Germany",
        country_code="DE",
        location="Berlin",
        remote=True,
        hybrid=True,
        seniority="Senior",
        min_salary=70000.0,
        max_salary=None,
        currency="EUR",
        date_posted=day(2),
        date_reposted=day(1),
        job_expired=True,
        technologies=(tech("python"), tech("go")),
        features=JobFeatures(
            skills=frozenset({"python", "go", "docker"}),
            title_tokens=frozenset({"backend", "engineer"}),
            seniority_rank=2,
            min_years=5,
            location_keys=frozenset({"berlin", "germany"}),
            skill_order=("go", "python", "docker"),
        ),
    )
    plain = job(12, remote=None, min_salary=None, max_salary=None, currency=None, date_posted=None)
    ids = await stored_jobs(uow_factory, rich, plain)
    async with uow_factory() as uow:
        found = await uow.jobs.candidates(JobFilter(), ["go", "python"], 10)
        again = await uow.jobs.candidates(JobFilter(), ["go", "python"], 10)
        stored = await uow.jobs.get_many(ids)
    assert [j.id for j in found] == ids
    assert [ranking_view(j) for j in found] == [ranking_view(j) for j in stored]
    assert found == again


async def test_candidates_are_deterministic_among_equals(uow_factory: UnitOfWorkFactory) -> None:
    same = [job(n, date_posted=day(1), technologies=(tech("go"),)) for n in range(1, 9)]
    ids = await stored_jobs(uow_factory, *same)
    async with uow_factory() as uow:
        runs = [await uow.jobs.candidates(JobFilter(), ["go", "rust"], 5) for _ in range(3)]
    assert [[j.id for j in run] for run in runs] == [sorted(ids, reverse=True)[:5]] * 3


async def test_candidates_are_whole_enough_to_be_loaded_whole(
    uow_factory: UnitOfWorkFactory,
) -> None:
    [job_id] = await stored_jobs(uow_factory, POSTINGS[4])
    async with uow_factory() as uow:
        [listed] = (await uow.jobs.list(JobFilter(technology="rust"), 0, 1)).items
        [candidate] = await uow.jobs.candidates(JobFilter(), ["rust"], 1)
        [loaded] = await uow.jobs.get_many([candidate.id])
        stored = await uow.jobs.get(job_id)
    assert listed == loaded == stored
    assert ranking_view(candidate) == ranking_view(stored)
