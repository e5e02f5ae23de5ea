"""Theirstack's wire shapes, as msgspec Structs, for decoding only.

Lenient where Skael can live without a value (every field but ``id`` and ``job_title``
is optional and may be null; unknown fields are ignored) and strict where it cannot
(``id`` must be an int, ``job_title`` a string). Dates arrive as strings and are parsed
by the mapper, so an odd date format costs that one value, not the whole response.
"""

from __future__ import annotations

import msgspec


class Wire(msgspec.Struct, frozen=True, kw_only=True):
    """Base of the provider's shapes: unknown fields are ignored."""


class WireLocation(Wire, frozen=True, kw_only=True):
    id: int | None = None
    name: str | None = None
    country_code: str | None = None
    country_name: str | None = None
    admin1_name: str | None = None
    display_name: str | None = None


class WireHiringMember(Wire, frozen=True, kw_only=True):
    first_name: str | None = None
    full_name: str | None = None
    linkedin_url: str | None = None
    role: str | None = None
    image_url: str | None = None


class WireCompany(Wire, frozen=True, kw_only=True):
    id: str | int | None = None
    name: str | None = None
    domain: str | None = None
    url: str | None = None
    linkedin_url: str | None = None
    logo: str | None = None
    industry: str | None = None
    industry_id: int | None = None
    country: str | None = None
    country_code: str | None = None
    employee_count: int | None = None
    long_description: str | None = None


class JobPosting(Wire, frozen=True, kw_only=True):
    """One job as the search endpoint returns it."""

    id: int
    job_title: str
    normalized_title: str | None = None
    url: str | None = None
    final_url: str | None = None
    source_url: str | None = None
    date_posted: str | None = None
    discovered_at: str | None = None
    reposted: bool | None = None
    date_reposted: str | None = None
    job_expired: bool | None = None
    description: str | None = None
    company: str | None = None
    company_domain: str | None = None
    company_object: WireCompany | None = None
    location: str | None = None
    short_location: str | None = None
    long_location: str | None = None
    locations: list[WireLocation] | None = None
    country: str | None = None
    country_code: str | None = None
    country_codes: list[str] | None = None
    remote: bool | None = None
    hybrid: bool | None = None
    salary_string: str | None = None
    min_annual_salary: float | None = None
    max_annual_salary: float | None = None
    min_annual_salary_usd: float | None = None
    max_annual_salary_usd: float | None = None
    salary_currency: str | None = None
    seniority: str | None = None
    employment_statuses: list[str] | None = None
    technology_slugs: list[str] | None = None
    hiring_team: list[WireHiringMember] | None = None
    matching_phrases: list[str] | None = None
    matching_words: list[str] | None = None
    has_blurred_data: bool | None = None


class SearchMetadata(Wire, frozen=True, kw_only=True):
    total_results: int | None = None
    truncated_results: int | None = None
    truncated_companies: int | None = None
    total_companies: int | None = None
    skael_source: str | None = None
    """Not the provider's: set in exports whose provider ids are another source's (the
    bundled sample set says "sample"), so an import keys them as that source does."""


class SearchResponse(Wire, frozen=True, kw_only=True):
    """The body of a 200 from ``POST /v1/jobs/search``."""

    metadata: SearchMetadata | None = None
    data: list[JobPosting]


class RawSearchResponse(Wire, frozen=True, kw_only=True):
    """A search response whose postings are left undecoded, to decode one by one."""

    metadata: SearchMetadata | None = None
    data: list[msgspec.Raw]


class WireErrorDetail(Wire, frozen=True, kw_only=True):
    code: str | None = None
    title: str | None = None
    description: str | None = None


class WireValidationIssue(Wire, frozen=True, kw_only=True):
    loc: list[str | int] = []
    msg: str | None = None
    type: str | None = None


class ErrorResponse(Wire, frozen=True, kw_only=True):
    """Either error shape: ``{"error": {...}}`` or FastAPI's ``{"detail": [...]}``."""

    request_id: int | str | None = None
    error: WireErrorDetail | str | None = None
    detail: list[WireValidationIssue] | str | None = None
