"""Theirstack job search: the HTTP job source and its pure request/response mapping."""

from .mapping import (
    KNOWN_FILTERS,
    SENIORITY_BY_EXPERIENCE,
    build_search_body,
    seniorities_for_experience,
    technology_name,
    to_job,
)
from .source import DEFAULT_BASE_URL, PROVIDER, TheirstackJobSource
from .wire import JobPosting, SearchResponse

__all__ = [
    "DEFAULT_BASE_URL",
    "KNOWN_FILTERS",
    "PROVIDER",
    "SENIORITY_BY_EXPERIENCE",
    "JobPosting",
    "SearchResponse",
    "TheirstackJobSource",
    "build_search_body",
    "seniorities_for_experience",
    "technology_name",
    "to_job",
]
