"""Skael used as a library: the sequence docs/library.md shows, on in-memory adapters."""

from __future__ import annotations

from skael_adapters.memory import MemoryDatabase
from skael_adapters.sample import SampleJobSource
from skael_adapters.security import HmacTokenService
from skael_adapters.stores import LocalStore, StoreLoginThrottle, StoreRevokedTokens
from skael_adapters.system import PycountryCatalog, SystemClock
from skael_adapters.writers import TemplateDocumentWriter
from skael_core.model import ApplicationStatus, JobFilter
from skael_core.service import Ports, Skael
from skael_core.usecases.accounts import ProfileChanges
from skael_core.usecases.ingest import jobs_feed
from support import fast_hasher


async def test_register_import_rank_save_apply_without_http() -> None:
    clock = SystemClock()
    source = SampleJobSource()
    core = Skael(
        Ports(
            uow=MemoryDatabase().unit_of_work,
            clock=clock,
            hasher=fast_hasher(),
            tokens=HmacTokenService("a secret of at least thirty-two bytes!!", clock),
            revoked=StoreRevokedTokens(LocalStore(), clock),
            throttle=StoreLoginThrottle(LocalStore()),
            source=source,
            writer=TemplateDocumentWriter(),
            countries=PycountryCatalog(),
        )
    )
    me = await core.register.execute(
        "a long password",
        ProfileChanges(
            email="ada@example.com",
            user_name="Ada",
            desired_job_role="Python Developer",
            skills="python, django, postgres",
            experience=6,
            countries="India",
        ),
    )
    report = await core.ingest_postings.execute(jobs_feed([source.all_jobs()]))
    assert report.new >= 300

    ranked = await core.rank_jobs.execute(me.user_id, None, JobFilter(), limit=5)
    assert len(ranked) == 5
    assert ranked[0].match.score >= ranked[-1].match.score
    assert "python" in {s for s in ranked[0].job.features.skills}

    best = ranked[0].job.id
    await core.save_job.execute(me.user_id, None, best)
    await core.apply_to_job.execute(me.user_id, None, best)
    applications = await core.list_applications.execute(me.user_id, None)
    assert applications.items[0].application.status is ApplicationStatus.APPLIED
    log = await core.list_activity.execute(me.user_id, None)
    assert [a.action_type for a in log.items] == ["JOB_APPLIED", "JOB_SAVED"]
