"""Reading a stored analysis without computing one (what /v0's match score answers)."""

from __future__ import annotations

import pytest

from skael_core.errors import Forbidden, NotFound
from skael_core.service import Skael
from skael_core.usecases.ingest import jobs_feed
from support import make_job, register


async def test_a_stored_analysis_is_read_and_none_is_computed(core: Skael) -> None:
    [job_id] = (await core.ingest_postings.execute(jobs_feed([[make_job(1)]]))).ids
    me = (await register(core)).user_id
    assert await core.get_stored_analysis.execute(me, None, job_id) is None
    await core.analyze_job.execute(me, None, job_id, 78.5, "Strong fit.")
    stored = await core.get_stored_analysis.execute(me, me, job_id)
    assert stored is not None
    assert (stored.score, stored.explanation, stored.job_id) == (79, "Strong fit.", job_id)
    # reading computes nothing and logs nothing: still the one analysis, one activity
    page = await core.list_activity.execute(me, None, limit=10)
    assert [a.action_type for a in page.items] == ["AI_JOB_ANALYZED"]


async def test_an_unknown_job_or_another_persons_analysis_is_refused(core: Skael) -> None:
    [job_id] = (await core.ingest_postings.execute(jobs_feed([[make_job(1)]]))).ids
    me = (await register(core)).user_id
    other = (await register(core, "bob@example.com")).user_id
    with pytest.raises(NotFound):
        await core.get_stored_analysis.execute(me, None, job_id + 100)
    with pytest.raises(Forbidden):
        await core.get_stored_analysis.execute(me, other, job_id)
