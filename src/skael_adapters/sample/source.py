"""SampleJobSource: a bundled, synthetic set of postings, searched offline.

The data is a Theirstack search response shipped as package data (written by
``python -m skael_adapters.sample.generate``), decoded and mapped exactly as the
Theirstack source does. Its dates are shifted when loaded so the newest posting is
dated today, and ``fetch`` applies the same filters the provider would.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from importlib import resources

import msgspec

from skael_adapters.theirstack.mapping import to_job
from skael_adapters.theirstack.matching import QueryMatcher
from skael_adapters.theirstack.wire import SearchResponse
from skael_core.model import FetchQuery, FetchResult, Job
from skael_core.ports import Clock, JobSource
from skael_core.usecases.ingest import JobsFeed

DATA_FILE = "sample_jobs.json.gz"


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

    def feed(self) -> JobsFeed:
        """Every sample posting as a feed, for seeding a store through ingestion."""
        return JobsFeed(self.name, [self.all_jobs()])

    async def fetch(self, query: FetchQuery, exclude_source_ids: Sequence[int]) -> FetchResult:
        excluded = set(exclude_source_ids)
        answers = self.matcher(query)
        found = [job for job in self.all_jobs() if job.source_id not in excluded and answers(job)]
        return FetchResult(jobs=tuple(found[: query.limit]), truncated=0, credits_used=0)

    def matcher(self, query: FetchQuery) -> Callable[[Job], bool]:
        return QueryMatcher(query, self._clock.now())


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
