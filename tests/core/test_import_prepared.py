"""Importing jobs prepared elsewhere (``ImportJobs.execute(..., prepared=True)``)."""

from __future__ import annotations

from collections.abc import Iterator

import msgspec
import pytest

from skael_core.matching import prepare_job
from skael_core.model import Job, JobFeatures, JobFilter
from skael_core.service import Skael
from support import make_job


async def test_prepared_jobs_are_stored_as_given(core: Skael) -> None:
    job = prepare_job(make_job(1))
    marked = msgspec.structs.replace(
        job, features=msgspec.structs.replace(job.features, skills=frozenset({"cobol"}))
    )

    report = await core.import_jobs.execute([[marked]], prepared=True)

    stored = await core.get_job.execute(report.ids[0])
    assert stored.features.skills == {"cobol"}  # not prepared again
    assert stored.key_info == job.key_info


async def test_jobs_are_prepared_unless_said_otherwise(core: Skael) -> None:
    report = await core.import_jobs.execute([[make_job(1)]])

    stored = await core.get_job.execute(report.ids[0])
    assert stored.features == prepare_job(make_job(1)).features != JobFeatures()


async def test_prepared_batches_are_all_or_nothing(core: Skael) -> None:
    def batches() -> Iterator[list[Job]]:
        yield [prepare_job(make_job(1)), prepare_job(make_job(2))]
        raise RuntimeError("the file turned unreadable")

    with pytest.raises(RuntimeError):
        await core.import_jobs.execute(batches(), prepared=True)

    assert (await core.list_jobs.execute(JobFilter())).total == 0
