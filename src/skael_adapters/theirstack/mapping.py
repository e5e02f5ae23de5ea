"""Pure mapping between Skael's core and Theirstack's shapes, both directions.

``build_search_body`` turns a :class:`FetchQuery` into a request body holding only
filters the provider knows (its schema forbids unknown keys) and no empty values.
``to_job`` turns one decoded posting into a core :class:`Job`, normalising what the
core is strict about (alpha-2 country codes, UTC-aware times) and dropping what it
cannot trust instead of failing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from typing import Any

from skael_core.matching import canonical_skill
from skael_core.model import Company, FetchQuery, HiringMember, Job, Technology

from .wire import JobPosting, WireCompany, WireHiringMember

SOURCE = "theirstack"

KNOWN_FILTERS = frozenset(
    {
        "job_title_or",
        "job_technology_slug_or",
        "job_seniority_or",
        "job_country_code_or",
        "job_location_pattern_or",
        "remote",
        "limit",
        "posted_at_max_age_days",
        "discovered_at_gte",
        "job_id_not",
        "include_total_results",
    }
)
"""The request keys ``build_search_body`` may send; a subset of the provider's schema."""

SENIORITY_BY_EXPERIENCE: tuple[tuple[int, tuple[str, ...]], ...] = (
    (0, ("junior",)),
    (2, ("junior", "mid_level")),
    (5, ("mid_level", "senior")),
    (9, ("senior", "staff")),
)
"""Years of experience -> seniorities to ask for, as (lowest years, levels).

    0-1 years  junior
    2-4 years  junior, mid_level   (still junior-friendly, ready for mid-level)
    5-8 years  mid_level, senior
    9+ years   senior, staff       (c_level is never inferred from years alone)
"""

_RE2_SPECIAL = re.compile(r"([\\.^$|?*+()\[\]{}])")
_WHITESPACE = re.compile(r"\s+")

_TECHNOLOGY_NAMES = {
    "aws": "AWS",
    "gcp": "GCP",
    "css": "CSS",
    "html": "HTML",
    "sql": "SQL",
    "sap": "SAP",
    "php": "PHP",
    "ios": "iOS",
    "dbt": "dbt",
    "javascript": "JavaScript",
    "typescript": "TypeScript",
    "postgresql": "PostgreSQL",
    "mysql": "MySQL",
    "mongodb": "MongoDB",
    "graphql": "GraphQL",
    "fastapi": "FastAPI",
    "github": "GitHub",
    "gitlab": "GitLab",
    "github-actions": "GitHub Actions",
    "hubspot": "HubSpot",
    "quickbooks": "QuickBooks",
    "power-bi": "Power BI",
    "pytorch": "PyTorch",
    "tensorflow": "TensorFlow",
    "scikit-learn": "scikit-learn",
    "nodejs": "Node.js",
    "node-js": "Node.js",
    "vuejs": "Vue.js",
    "nextjs": "Next.js",
    "dotnet": ".NET",
    "csharp": "C#",
    "cpp": "C++",
    "oracle-netsuite": "Oracle NetSuite",
    "autocad": "AutoCAD",
    "solidworks": "SolidWorks",
    "wordpress": "WordPress",
    "bamboohr": "BambooHR",
    "semrush": "Semrush",
    "datev": "DATEV",
    "adp": "ADP",
    "eplan": "EPLAN",
    "matlab": "MATLAB",
    "mlflow": "MLflow",
    "civil-3d": "Civil 3D",
    "epic-ehr": "Epic EHR",
    "meditech": "MEDITECH",
    "geogebra": "GeoGebra",
    "smart-board": "SMART Board",
    "opentable": "OpenTable",
    "opera-pms": "Opera PMS",
    "oracle-micros": "Oracle MICROS",
    "oracle-scm": "Oracle SCM",
    "toast-pos": "Toast POS",
    "sap-ewm": "SAP EWM",
    "sap-ariba": "SAP Ariba",
    "sap-successfactors": "SAP SuccessFactors",
    "manhattan-wms": "Manhattan WMS",
    "linkedin-sales-navigator": "LinkedIn Sales Navigator",
    "linkedin-recruiter": "LinkedIn Recruiter",
}


# --------------------------------------------------------------------------- request


def build_search_body(
    query: FetchQuery, exclude_ids: Sequence[int] = (), *, known_ids_limit: int = 500
) -> dict[str, Any]:
    """The JSON body of a job search for ``query``: known keys only, no empty values.

    ``posted_at_max_age_days`` is always present (the provider requires a date or a
    company filter); ``discovered_at_gte`` (UTC, ISO 8601) pages forward from a moment
    the caller knows every stored posting after; ``job_id_not`` holds at most
    ``known_ids_limit`` ids, the first ones given (callers pass the most recently
    discovered first).
    """
    body: dict[str, Any] = {
        "job_title_or": _unique_texts((_clean_text(t) for t in query.job_titles), str.casefold),
        "job_technology_slug_or": _unique_texts(canonical_skill(s).lower() for s in query.skills),
        "job_seniority_or": list(seniorities_for_experience(query.experience)),
        "job_country_code_or": _unique_texts(_country_filter(c) for c in query.countries),
        "job_location_pattern_or": _unique_texts(location_pattern(x) for x in query.locations),
        "remote": query.remote,
        "limit": query.limit,
        "posted_at_max_age_days": query.posted_at_max_age_days,
        "discovered_at_gte": (
            None
            if query.discovered_at_gte is None
            else query.discovered_at_gte.astimezone(UTC).isoformat()
        ),
        "job_id_not": list(dict.fromkeys(int(i) for i in exclude_ids))[: max(0, known_ids_limit)],
        "include_total_results": False,
    }
    return {key: value for key, value in body.items() if value not in (None, [], "")}


def seniorities_for_experience(years: int | None) -> tuple[str, ...]:
    """The provider seniorities that fit ``years`` of experience (see the table above)."""
    if years is None:
        return ()
    levels: tuple[str, ...] = ()
    for lowest, candidate in SENIORITY_BY_EXPERIENCE:
        if max(0, years) >= lowest:
            levels = candidate
    return levels


def location_pattern(location: str) -> str:
    """An RE2-safe pattern matching the place name of ``location`` literally.

    Only the first comma-separated part is kept ("Berlin, Germany" -> "Berlin"): the
    provider formats regions and countries its own way, and countries have their own
    filter.
    """
    place = _clean_text(location.split(",", 1)[0])
    return _RE2_SPECIAL.sub(r"\\\1", place)


def _clean_text(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def _country_filter(code: str) -> str:
    code = code.strip().upper()
    return code if len(code) == 2 and code.isascii() and code.isalpha() else ""


def _unique_texts(values: Iterable[str], key: Callable[[str], str] = str) -> list[str]:
    """The non-empty ``values`` in order, the first of those with the same ``key`` kept."""
    kept: dict[str, str] = {}
    for value in values:
        if value:
            kept.setdefault(key(value), value)
    return list(kept.values())


# --------------------------------------------------------------------------- response


def to_job(posting: JobPosting, *, source: str = SOURCE) -> Job:
    """The core job for one posting; raises ``ValueError`` if the core refuses it."""
    first = posting.locations[0] if posting.locations else None
    place = first.display_name if first else None
    company = posting.company_object
    return Job(
        source=source,
        source_id=posting.id,
        job_title=posting.job_title.strip(),
        normalized_title=posting.normalized_title,
        url=posting.url,
        final_url=posting.final_url,
        source_url=posting.source_url,
        date_posted=parse_date(posting.date_posted),
        discovered_at=parse_utc(posting.discovered_at),
        company=posting.company or (company.name if company else None),
        company_domain=posting.company_domain or (company.domain if company else None),
        company_obj=_company(company) if company else None,
        location=posting.location or posting.short_location or place,
        remote=posting.remote,
        hybrid=posting.hybrid,
        salary_string=posting.salary_string,
        min_salary=posting.min_annual_salary,
        max_salary=posting.max_annual_salary,
        min_salary_usd=posting.min_annual_salary_usd,
        max_salary_usd=posting.max_annual_salary_usd,
        currency=posting.salary_currency,
        country=posting.country or (first.country_name if first else None),
        country_code=country_code(_job_country_code(posting)),
        seniority=posting.seniority,
        employment_status=tuple(posting.employment_statuses or ()),
        description=posting.description,
        reposted=posting.reposted,
        date_reposted=parse_date(posting.date_reposted),
        job_expired=posting.job_expired,
        industry_id=company.industry_id if company else None,
        matching_phrase=tuple(posting.matching_phrases or ()),
        matching_words=tuple(posting.matching_words or ()),
        technologies=_technologies(posting.technology_slugs or ()),
        hiring_team=tuple(_member(m) for m in posting.hiring_team or () if _has_member(m)),
    )


def technology_name(slug: str) -> str:
    """A readable name for a technology slug ("apache-airflow" -> "Apache Airflow")."""
    known = _TECHNOLOGY_NAMES.get(slug)
    if known:
        return known
    return " ".join(word if word.isupper() else word.capitalize() for word in slug.split("-"))


def country_code(code: str | None) -> str | None:
    """``code`` as an upper-case ISO 3166 alpha-2 code, or None if it is not one."""
    if not code:
        return None
    code = code.strip().upper()
    return code if code in _iso_alpha2() else None


def parse_utc(text: str | None) -> datetime | None:
    """An ISO date-time as UTC-aware; one without an offset is taken to be UTC."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_date(text: str | None) -> date | None:
    """An ISO date (a date-time keeps its date part), or None if unreadable."""
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def _job_country_code(posting: JobPosting) -> str | None:
    if posting.country_code:
        return posting.country_code
    if posting.country_codes:
        return posting.country_codes[0]
    if posting.locations:
        return posting.locations[0].country_code
    return None


def _company(company: WireCompany) -> Company:
    return Company(
        id=None if company.id is None else str(company.id),
        company_name=company.name,
        company_domain=company.domain,
        industry=company.industry,
        industry_id=company.industry_id,
        country=company.country,
        country_code=country_code(company.country_code),
        url=company.url,
        linkedin_url=company.linkedin_url,
        logo=company.logo,
        long_description=company.long_description,
        employee_count=company.employee_count,
    )


def _technologies(slugs: Iterable[str]) -> tuple[Technology, ...]:
    return tuple(_technology(slug) for slug in _unique_texts(s.strip().lower() for s in slugs))


@lru_cache(maxsize=4096)
def _technology(slug: str) -> Technology:
    """Shared per slug: Technology is frozen, and imports repeat the same few thousand."""
    return Technology(technology_slug=slug, technology_name=technology_name(slug))


def _has_member(member: WireHiringMember) -> bool:
    return bool(member.full_name or member.first_name or member.role or member.linkedin_url)


def _member(member: WireHiringMember) -> HiringMember:
    return HiringMember(
        name=member.full_name or member.first_name,
        title=member.role,
        linkedin_profile_url=member.linkedin_url,
    )


@cache
def _iso_alpha2() -> frozenset[str]:
    import pycountry  # loaded once, on first use: its database is large

    return frozenset(country.alpha_2 for country in pycountry.countries)
