"""Wire shapes of ``/v0``: the original backend's answers where they differ from the contract.

Each is made from the contract's own wire Struct, so the two surfaces cannot drift
apart on what they hold, only on how they hold it:

- a job's ``key_info`` is a string holding a JSON object (``{"requirement_1": ...}``),
  ``null`` when the job has none;
- lists (jobs, activities) are bare JSON arrays, without the ``messages`` envelope.
"""

from __future__ import annotations

from typing import Self

import msgspec

from skael_core.model import Job, RankedJob

from ..schemas import JobListing, RankedJobListing, Success

_ENCODE = msgspec.json.Encoder()


def key_info_text(requirements: list[str]) -> str | None:
    """The key requirements as the original backend held them: one JSON object in text."""
    if not requirements:
        return None
    numbered = {f"requirement_{n}": item for n, item in enumerate(requirements, start=1)}
    return _ENCODE.encode(numbered).decode()


class V0Job(JobListing, kw_only=True):
    """A job as ``/v0`` answers it: the contract's JobListingResponse but ``key_info``."""

    key_info: str | None = None  # type: ignore[assignment]

    @classmethod
    def of(cls, job: Job) -> Self:
        listing = msgspec.structs.asdict(JobListing.of(job))
        requirements = listing.pop("key_info")
        return cls(**listing, key_info=key_info_text(requirements))


class V0RankedJob(V0Job, kw_only=True):
    match_score: int
    match_explanation: str

    @classmethod
    def ranked(cls, ranked: RankedJob) -> V0RankedJob:
        listing = msgspec.structs.asdict(RankedJobListing.ranked(ranked))
        requirements = listing.pop("key_info")
        return cls(**listing, key_info=key_info_text(requirements))


class V0FetchJobsOut(Success, kw_only=True):
    jobs_fetched: int
    jobs_new: int
    jobs: list[V0Job]
