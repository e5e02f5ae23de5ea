"""SampleJobSource: a bundled, synthetic set of postings, searched offline.

The data is a Theirstack search response shipped as package data (written by
``python -m skael_adapters.sample.generate``), decoded and mapped exactly as the
Theirstack source does. Its dates are shifted when loaded so the newest posting is
dated today, and ``fetch`` applies the same filters the provider would.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from importlib import resources

import msgspec

from skael_adapters.theirstack.mapping import seniorities_for_experience, to_job
from skael_adapters.theirstack.wire import SearchResponse
from skael_core.matching import canonical_skill
from skael_core.model import FetchQuery, FetchResult, Job
from skael_core.ports import Clock, JobSource

DATA_FILE = "sample_jobs.json.gz"
_WORDS = re.compile(r"\w+")


class _SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().date()


class SampleJobSource(JobSource):
    """Postings from the bundled sample set; free, offline and deterministic per day."""

    name = "sample"

    def __init__(self, *, clock: Clock | None = None, data: bytes | None = None) -> None:
        """``data`` replaces the bundled file (a search response, gzip-compressed or not)."""
        self._clock: Clock = clock or _SystemClock()
        self._data = data
        self._jobs: tuple[Job, ...] | None = None

    def all_jobs(self) -> list[Job]:
        """Every sample posting, newest first, dated so the newest is today."""
        if self._jobs is None:
            self._jobs = _load(self._data or _bundled(), self._clock.now())
        return list(self._jobs)

    async def fetch(self, query: FetchQuery, exclude_source_ids: Sequence[int]) -> FetchResult:
        keep = _Filter(query, set(exclude_source_ids), self._clock.now())
        found = [job for job in self.all_jobs() if keep(job)]
        return FetchResult(jobs=tuple(found[: query.limit]), truncated=0, credits_used=0)


class _Filter:
    """Whether a job answers a query: every given filter must hold (like the provider's)."""

    def __init__(self, query: FetchQuery, excluded: set[int], now: datetime) -> None:
        self._query = query
        self._excluded = excluded
        self._since = now - timedelta(days=query.posted_at_max_age_days)
        self._titles = [_words(t) for t in query.job_titles if _words(t)]
        self._skills = {canonical_skill(s) for s in query.skills} - {""}
        self._countries = {c.strip().upper() for c in query.countries} - {""}
        self._places = [p for p in (_place(loc) for loc in query.locations) if p]
        self._levels = set(seniorities_for_experience(query.experience))

    def __call__(self, job: Job) -> bool:
        return (
            job.source_id not in self._excluded
            and self._fresh(job)
            and self._fits_title(job)
            and self._fits_skills(job)
            and (not self._countries or job.country_code in self._countries)
            and (self._query.remote is None or bool(job.remote) == self._query.remote)
            and (not self._levels or job.seniority in self._levels)
            and self._fits_place(job)
        )

    def _fresh(self, job: Job) -> bool:
        return job.discovered_at is None or job.discovered_at >= self._since

    def _fits_skills(self, job: Job) -> bool:
        """Any overlap, both sides canonical ("epic-ehr" and "Epic" are one skill)."""
        if not self._skills:
            return True
        return not self._skills.isdisjoint(canonical_skill(s) for s in job.technology_slugs)

    def _fits_title(self, job: Job) -> bool:
        if not self._titles:
            return True
        words = _words(job.job_title)
        return any(wanted <= words for wanted in self._titles)

    def _fits_place(self, job: Job) -> bool:
        if not self._places:
            return True
        where = " ".join(filter(None, (job.location, job.country))).lower()
        return any(place in where for place in self._places)


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORDS.findall(text.lower()))


def _place(location: str) -> str:
    return " ".join(location.split(",", 1)[0].split()).lower()


def _bundled() -> bytes:
    return resources.files(__package__).joinpath("data", DATA_FILE).read_bytes()


def _load(data: bytes, now: datetime) -> tuple[Job, ...]:
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    response = msgspec.json.decode(data, type=SearchResponse)
    jobs = [to_job(posting, source=SampleJobSource.name) for posting in response.data]
    shifted = _shift_to(jobs, now)
    return tuple(sorted(shifted, key=_newest_first))


def _shift_to(jobs: list[Job], now: datetime) -> list[Job]:
    """``jobs`` moved in time so the newest is dated ``now``'s day, none in the future."""
    days = [job.discovered_at.date() for job in jobs if job.discovered_at]
    if not days:
        return jobs
    shift = timedelta(days=(now.date() - max(days)).days)
    return [_shift(job, shift, now) for job in jobs]


def _shift(job: Job, shift: timedelta, now: datetime) -> Job:
    discovered = job.discovered_at + shift if job.discovered_at else None
    return msgspec.structs.replace(
        job,
        discovered_at=min(discovered, now) if discovered else None,
        date_posted=job.date_posted + shift if job.date_posted else None,
        date_reposted=job.date_reposted + shift if job.date_reposted else None,
    )


def _newest_first(job: Job) -> tuple[float, int]:
    stamp = job.discovered_at.timestamp() if job.discovered_at else 0.0
    return (-stamp, -job.source_id)
