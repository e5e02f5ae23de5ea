"""Ingestion: the one way postings enter the store, whatever brought them.

A :class:`~skael_core.ports.PostingFeed` gives records (an export file read here or by
worker processes, a provider's answer, the bundled sample set); :class:`IngestPostings`
prepares the postings that come unprepared, applies the bad-record policy the same way
for every feed, and hands them to one bulk load of the job repository, which owns the
writes (their size, the indexes built at the end). All of it happens in one unit of
work: a bad record under ``STRICT``, a feed that fails, or anything else that stops it
leaves nothing stored.

::

    PostingFeed.chunks() --records--> IngestPostings.store(uow, feed, policy)
        bad record: SKIP -> counted with its place | STRICT -> BadRecordError, nothing stored
        Job -> prepared() -> PreparedJob     (a feed may send PreparedJob already)
            --> uow.jobs.bulk_load().add(...)   (batches, sameness, deferred indexes)
    --> IngestReport(stored=UpsertReport(ids, new, updated, merged), read, bad, skipped)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence

from ..errors import BadRecordError
from ..matching import prepared
from ..model import (
    BadRecord,
    BadRecordPolicy,
    FeedRecord,
    IngestReport,
    Job,
    PreparedJob,
)
from ..ports import PostingFeed, RankingCache, UnitOfWork, UnitOfWorkFactory

MAX_BAD_KEPT = 1000
"""Skipped records kept with their place in a report; the rest are only counted."""


class JobsFeed(PostingFeed):
    """A feed of postings at hand (a provider's answer, the sample set, a caller's
    lists): record ``i`` is the ``i``-th job (0-based), in the chunks given, which are
    read only as the ingestion reaches them."""

    def __init__(self, name: str, chunks: Iterable[Iterable[Job | PreparedJob]]) -> None:
        self.name = name
        self._chunks = chunks

    async def chunks(self) -> AsyncIterator[Sequence[FeedRecord]]:
        position = 0
        for chunk in self._chunks:
            records = []
            for job in chunk:
                records.append(FeedRecord(position=position, where=self._where(position), job=job))
                position += 1
            yield records

    def _where(self, position: int) -> str:
        return f"{self.name}[{position}]"


def jobs_feed(chunks: Iterable[Iterable[Job | PreparedJob]], name: str = "jobs") -> JobsFeed:
    """A :class:`JobsFeed` of ``chunks`` (iterables of jobs)."""
    return JobsFeed(name, chunks)


class IngestPostings:
    """Store every posting of a feed in one unit of work, under a bad-record policy."""

    def __init__(self, uow: UnitOfWorkFactory, rankings: RankingCache | None = None) -> None:
        self._uow = uow
        self._rankings = rankings

    async def execute(
        self, feed: PostingFeed, policy: BadRecordPolicy = BadRecordPolicy.SKIP
    ) -> IngestReport:
        async with self._uow() as uow:
            report = await self.store(uow, feed, policy)
            await uow.commit()
        await self.stored(report)
        return report

    async def store(
        self, uow: UnitOfWork, feed: PostingFeed, policy: BadRecordPolicy
    ) -> IngestReport:
        """Ingest ``feed`` inside ``uow``, which the caller commits (and then calls
        :meth:`stored`): for a use case that writes more in the same unit of work."""
        read = bad = 0
        skipped: list[BadRecord] = []
        strict = policy is BadRecordPolicy.STRICT
        async with uow.jobs.bulk_load() as load:
            async for chunk in feed.chunks():
                ready: list[PreparedJob] = []
                for record in chunk:
                    job = record.job
                    if job is None:
                        refused = BadRecord(
                            position=record.position,
                            where=record.where,
                            error=record.error or "unreadable",
                        )
                        if strict:
                            raise BadRecordError(refused.where, refused.error)
                        bad += 1
                        if len(skipped) < MAX_BAD_KEPT:
                            skipped.append(refused)
                        continue
                    ready.append(job if isinstance(job, PreparedJob) else prepared(job))
                read += len(ready)
                if ready:
                    await load.add(ready)
        return IngestReport(stored=load.report, read=read, bad=bad, skipped=tuple(skipped))

    async def stored(self, report: IngestReport) -> None:
        """What follows a committed ingestion: rankings made before it are dropped."""
        if self._rankings is not None and report.ids:
            await self._rankings.clear()
