"""Theirstack job search: the HTTP job source and its pure request/response mapping."""

from typing import TYPE_CHECKING, Any

from .mapping import (
    KNOWN_FILTERS,
    SENIORITY_BY_EXPERIENCE,
    build_search_body,
    seniorities_for_experience,
    technology_name,
    to_job,
)
from .wire import JobPosting, SearchResponse

if TYPE_CHECKING:
    from .source import DEFAULT_BASE_URL, PROVIDER, TheirstackJobSource

_SOURCE_NAMES = frozenset({"DEFAULT_BASE_URL", "PROVIDER", "TheirstackJobSource"})


def __getattr__(name: str) -> Any:
    """The HTTP source's names, imported when first asked for: the import workers
    (``parallel_import``) need only the mapping, and the source brings httpx and
    stamina, about a tenth of a second of each worker's start-up."""
    if name in _SOURCE_NAMES:
        from . import source

        return getattr(source, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
