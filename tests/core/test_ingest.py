"""The one ingestion pipeline: prepared postings as a type, the bad-record policy, all
or nothing (``IngestPostings`` over a ``PostingFeed``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence

import msgspec
import pytest

from skael_core.errors import BadRecordError
from skael_core.matching import prepare_job, prepared
from skael_core.model import (
    BadRecordPolicy,
    FeedRecord,
    Job,
    JobFeatures,
    JobFilter,
    PreparedJob,
)
from skael_core.ports import PostingFeed
from skael_core.sameness import sameness_key
from skael_core.service import Skael
from skael_core.usecases.ingest import jobs_feed
from support import make_job


class RecordsFeed(PostingFeed):
    """A feed of records as given, in chunks of two."""

    name = "records"

    def __init__(self, records: list[FeedRecord]) -> None:
        self._records = records

    async def chunks(self) -> AsyncIterator[Sequence[FeedRecord]]:
        for start in range(0, len(self._records), 2):
            yield self._records[start : start + 2]


def good(position: int, source_id: int) -> FeedRecord:
    return FeedRecord(position=position, where=f"f:{position}", job=make_job(source_id))


def bad(position: int) -> FeedRecord:
    return FeedRecord(position=position, where=f"f:{position}", error="malformed JSON")


async def test_prepared_jobs_are_stored_as_given(core: Skael) -> None:
    job = prepare_job(make_job(1))
    marked = msgspec.structs.replace(
        job, features=msgspec.structs.replace(job.features, skills=frozenset({"cobol"}))
    )

    report = await core.ingest_postings.execute(
        jobs_feed([[PreparedJob(marked, sameness_key(marked))]])
    )

    stored = await core.get_job.execute(report.ids[0])
    assert stored.features.skills == {"cobol"}  # not prepared again
    assert stored.key_info == job.key_info


async def test_jobs_that_come_unprepared_are_prepared(core: Skael) -> None:
    report = await core.ingest_postings.execute(jobs_feed([[make_job(1)]]))

    stored = await core.get_job.execute(report.ids[0])
    assert stored.features == prepare_job(make_job(1)).features != JobFeatures()


async def test_an_ingestion_is_all_or_nothing(core: Skael) -> None:
    def batches() -> Iterator[list[PreparedJob]]:
        yield [prepared(make_job(1)), prepared(make_job(2))]
        raise RuntimeError("the file turned unreadable")

    with pytest.raises(RuntimeError):
        await core.ingest_postings.execute(jobs_feed(batches()))

    assert (await core.list_jobs.execute(JobFilter())).total == 0


async def test_bad_records_are_skipped_and_counted_with_their_place(core: Skael) -> None:
    feed = RecordsFeed([good(0, 1), bad(1), good(2, 2), bad(3), good(4, 3)])

    report = await core.ingest_postings.execute(feed, BadRecordPolicy.SKIP)

    assert (report.read, report.bad, report.new) == (3, 2, 3)
    assert [(r.position, r.where, r.error) for r in report.skipped] == [
        (1, "f:1", "malformed JSON"),
        (3, "f:3", "malformed JSON"),
    ]
    assert (await core.list_jobs.execute(JobFilter())).total == 3


async def test_the_strict_policy_stores_nothing_at_the_first_bad_record(core: Skael) -> None:
    feed = RecordsFeed([good(0, 1), good(1, 2), good(2, 3), bad(3), good(4, 4)])

    with pytest.raises(BadRecordError) as caught:
        await core.ingest_postings.execute(feed, BadRecordPolicy.STRICT)

    assert caught.value.where == "f:3"
    assert "bad record at f:3: malformed JSON" in caught.value.detail
    assert (await core.list_jobs.execute(JobFilter())).total == 0


async def test_a_report_follows_the_feed_order(core: Skael) -> None:
    first = await core.ingest_postings.execute(
        jobs_feed([[make_job(1), make_job(2)], [make_job(3)]])
    )
    again = await core.ingest_postings.execute(jobs_feed([[make_job(3)], [make_job(1)]]))

    assert (first.new, first.updated) == (3, 0)
    assert (again.new, again.updated) == (0, 2)
    assert again.ids == (first.ids[2], first.ids[0])


def test_a_job_is_not_a_prepared_job() -> None:
    job: Job = make_job(1)
    assert not isinstance(job, PreparedJob)
    assert prepared(job).job == prepare_job(job)
    assert prepared(job).same_key == sameness_key(job)
