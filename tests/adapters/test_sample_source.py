"""The bundled sample job source: size, variety, freshness and offline filters."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from skael_adapters.sample import SampleJobSource
from skael_adapters.sample.generate import OUTPUT, build_dataset
from skael_adapters.theirstack import seniorities_for_experience
from skael_core.model import FetchQuery, Job

NOW = datetime(2027, 3, 10, 9, 30, tzinfo=UTC)

PROFESSIONS = {
    "software": r"engineer|developer",
    "data": r"\bdata\b|analyst",
    "nursing": r"nurse|nursing",
    "teaching": r"teacher|school|head teacher",
    "accounting": r"accountant|bookkeeper|financ|payroll|tax",
    "sales": r"sales|account executive|account manager",
    "logistics": r"logistic|warehouse|supply|procurement|fleet",
    "design": r"design|ux",
    "support": r"support|customer",
    "hospitality": r"chef|hotel|restaurant|housekeeping|front office",
}


class FixedClock:
    def now(self) -> datetime:
        return NOW

    def today(self) -> date:
        return NOW.date()


@pytest.fixture(scope="module")
def source() -> SampleJobSource:
    return SampleJobSource(clock=FixedClock())


@pytest.fixture(scope="module")
def jobs(source: SampleJobSource) -> list[Job]:
    return source.all_jobs()


def test_the_set_is_large_and_valid(jobs: list[Job]) -> None:
    assert len(jobs) >= 300
    assert len({job.source_id for job in jobs}) == len(jobs)
    assert all(job.source == "sample" and job.job_title.strip() for job in jobs)
    assert all(job.company_obj and job.company_domain for job in jobs)
    assert all(job.company_domain.endswith(".example.com") for job in jobs if job.company_domain)


def test_the_set_is_varied(jobs: list[Job]) -> None:
    countries = {job.country_code for job in jobs}
    continents = {"DE", "US", "BR", "IN", "JP", "ZA", "AU"}
    modes = {(job.remote, job.hybrid) for job in jobs}
    professions = {
        name
        for name, pattern in PROFESSIONS.items()
        if any(re.search(pattern, job.job_title.lower()) for job in jobs)
    }

    assert len(countries) >= 8 and continents <= countries
    assert len(professions) >= 6
    assert modes >= {(True, False), (False, True), (False, False)}
    assert {job.seniority for job in jobs} >= {"junior", "mid_level", "senior", "staff"}
    assert len({slug for job in jobs for slug in job.technology_slugs}) >= 60
    assert {job.currency for job in jobs} >= {"EUR", "USD", "INR", "JPY", "BRL", "GBP"}


def test_salaries_come_in_local_currency_and_usd(jobs: list[Job]) -> None:
    paid = [job for job in jobs if job.min_salary is not None]

    assert len(paid) >= len(jobs) // 2
    for job in paid:
        assert job.max_salary is not None and job.min_salary <= job.max_salary
        assert job.min_salary_usd is not None and job.max_salary_usd is not None
        assert job.currency and job.currency in (job.salary_string or "")


def test_descriptions_list_requirements(jobs: list[Job]) -> None:
    for job in jobs:
        assert job.description is not None
        requirements = job.description.split("## Requirements", 1)[1]
        assert requirements.lstrip().startswith("- ")
    assert sum("+ years of experience" in (job.description or "") for job in jobs) > 250
    assert any("degree" in (job.description or "").lower() for job in jobs)
    assert any("Fluent German" in (job.description or "") for job in jobs)


def test_dates_are_shifted_so_the_newest_is_today(jobs: list[Job]) -> None:
    stamps = [job.discovered_at for job in jobs if job.discovered_at]

    assert len(stamps) == len(jobs)
    assert max(stamps).date() == NOW.date()
    assert max(stamps) <= NOW
    assert min(stamps) >= NOW - timedelta(days=30)
    assert all(job.date_posted and job.date_posted <= NOW.date() for job in jobs)
    assert stamps == sorted(stamps, reverse=True)  # newest first


def test_the_bundled_file_is_what_the_generator_writes() -> None:
    assert OUTPUT.read_bytes() == build_dataset()


async def test_no_filter_returns_the_newest_up_to_the_limit(source: SampleJobSource) -> None:
    result = await source.fetch(FetchQuery(limit=40), [])

    assert len(result.jobs) == 40
    assert result.jobs == tuple(source.all_jobs()[:40])
    assert result.credits_used == 0 and result.truncated == 0


async def test_titles_match_whole_words_in_any_case(source: SampleJobSource) -> None:
    result = await source.fetch(FetchQuery(job_titles=("data ENGINEER", "nurse"), limit=500), [])

    assert result.jobs
    for job in result.jobs:
        words = set(re.findall(r"\w+", job.job_title.lower()))
        assert {"data", "engineer"} <= words or "nurse" in words
    assert any("nurse" in job.job_title.lower() for job in result.jobs)


async def test_skills_match_by_slug_overlap(source: SampleJobSource) -> None:
    result = await source.fetch(FetchQuery(skills=("Apache Airflow", "Figma"), limit=500), [])

    assert result.jobs
    assert all({"apache-airflow", "figma"} & set(job.technology_slugs) for job in result.jobs)
    everyone = await source.fetch(FetchQuery(limit=500), [])
    with_them = [j for j in everyone.jobs if {"apache-airflow", "figma"} & set(j.technology_slugs)]
    assert len(result.jobs) == len(with_them)


async def test_countries_and_remote(source: SampleJobSource) -> None:
    remote = await source.fetch(FetchQuery(countries=("de", "NL"), remote=True, limit=500), [])
    onsite = await source.fetch(FetchQuery(countries=("JP",), remote=False, limit=500), [])

    assert remote.jobs and onsite.jobs
    assert all(job.country_code in ("DE", "NL") and job.remote for job in remote.jobs)
    assert all(job.country_code == "JP" and not job.remote for job in onsite.jobs)


@pytest.mark.parametrize("years", [0, 3, 6, 12])
async def test_experience_selects_seniorities(source: SampleJobSource, years: int) -> None:
    result = await source.fetch(FetchQuery(experience=years, limit=500), [])

    assert result.jobs
    assert {job.seniority for job in result.jobs} <= set(seniorities_for_experience(years))


async def test_locations_match_the_place_name(source: SampleJobSource) -> None:
    result = await source.fetch(FetchQuery(locations=("são paulo, Brazil",), limit=500), [])

    assert result.jobs
    assert all(job.location == "São Paulo" for job in result.jobs)


async def test_max_age_limit_and_exclusions(source: SampleJobSource) -> None:
    recent = await source.fetch(FetchQuery(posted_at_max_age_days=3, limit=500), [])
    skipped = {job.source_id for job in recent.jobs[:5]}
    rest = await source.fetch(FetchQuery(posted_at_max_age_days=3, limit=500), list(skipped))

    assert recent.jobs
    assert all(job.discovered_at >= NOW - timedelta(days=3) for job in recent.jobs)
    assert len(rest.jobs) == len(recent.jobs) - 5
    assert not skipped & {job.source_id for job in rest.jobs}


async def test_discovered_at_gte_pages_forward(source: SampleJobSource) -> None:
    every = (await source.fetch(FetchQuery(limit=500), [])).jobs
    moments = sorted({job.discovered_at for job in every if job.discovered_at}, reverse=True)
    edge = moments[9]
    newer = (await source.fetch(FetchQuery(limit=500, discovered_at_gte=edge), [])).jobs

    assert newer and all(job.discovered_at and job.discovered_at >= edge for job in newer)
    assert {job.source_id for job in newer} == {
        job.source_id for job in every if job.discovered_at and job.discovered_at >= edge
    }
    assert source.matcher(FetchQuery(discovered_at_gte=edge))(newer[0])
    assert not source.matcher(FetchQuery(discovered_at_gte=edge))(every[-1])


async def test_filters_combine(source: SampleJobSource) -> None:
    query = FetchQuery(job_titles=("engineer",), countries=("US", "GB", "DE"), limit=3)

    result = await source.fetch(query, [])

    assert 0 < len(result.jobs) <= 3
    assert all(job.country_code in ("US", "GB", "DE") for job in result.jobs)


def test_without_a_clock_the_newest_is_today() -> None:
    before = datetime.now(UTC).date()
    newest = SampleJobSource().all_jobs()[0]
    after = datetime.now(UTC).date()

    assert newest.discovered_at is not None
    assert newest.discovered_at.date() in (before, after)
