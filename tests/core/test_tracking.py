"""Saved jobs, analyses, applications and the activity log."""

from __future__ import annotations

import pytest

from skael_core.errors import Forbidden, InvalidInput, NotFound
from skael_core.model import ApplicationStatus, DocumentKind, JobFilter
from skael_core.service import Skael
from skael_core.usecases.accounts import ProfileChanges
from skael_core.usecases.ingest import jobs_feed
from support import make_job, register


@pytest.fixture
async def job_ids(core: Skael) -> tuple[int, ...]:
    report = await core.ingest_postings.execute(
        jobs_feed([[make_job(1), make_job(2), make_job(3)]])
    )
    return report.ids


async def actions(core: Skael, user_id: int) -> list[str]:
    page = await core.list_activity.execute(user_id, None, limit=100)
    return [a.action_type for a in page.items]


async def test_saving_twice_keeps_one_entry_and_logs_the_first_save(
    core: Skael, job_ids: tuple[int, ...]
) -> None:
    me = (await register(core)).user_id
    first = await core.save_job.execute(me, None, job_ids[0])
    again = await core.save_job.execute(me, me, job_ids[0])
    await core.save_job.execute(me, None, job_ids[1])
    assert first.created and not again.created
    assert again.activity_id == first.activity_id
    saved = await core.list_saved_jobs.execute(me, None)
    assert [j.id for j in saved.items] == [job_ids[1], job_ids[0]]
    assert saved.total == 2
    assert await actions(core, me) == ["JOB_SAVED"] * 2


async def test_unsave_removes_and_logs_and_unknown_is_not_found(
    core: Skael, job_ids: tuple[int, ...]
) -> None:
    me = (await register(core)).user_id
    await core.save_job.execute(me, None, job_ids[0])
    await core.unsave_job.execute(me, None, job_ids[0])
    assert (await core.list_saved_jobs.execute(me, None)).total == 0
    with pytest.raises(NotFound):
        await core.unsave_job.execute(me, None, job_ids[0])
    assert await actions(core, me) == ["JOB_UNSAVED", "JOB_SAVED"]


async def test_saving_an_unknown_job_is_not_found_and_logs_nothing(core: Skael) -> None:
    me = (await register(core)).user_id
    with pytest.raises(NotFound):
        await core.save_job.execute(me, None, 404)
    assert await actions(core, me) == []


async def test_a_given_score_is_kept_as_the_clients_beside_the_computed_one(
    core: Skael, job_ids: tuple[int, ...]
) -> None:
    me = (await register(core)).user_id
    logged = await core.analyze_job.execute(me, None, job_ids[0], 99, "Strong fit")
    assert logged.activity.action_type == "AI_JOB_ANALYZED" and logged.activity.id > 0
    assert logged.client is not None and logged.client.id > 0
    assert (logged.client.score, logged.client.explanation) == (99, "Strong fit")
    computed = logged.analysis
    assert computed.score != 99 and computed.breakdown
    view = await core.get_match_score.execute(me, None, job_ids[0])
    assert view.analysis.score == computed.score and view.analysis.breakdown
    assert view.client is not None and view.client.id == logged.client.id
    assert await actions(core, me) == ["AI_JOB_ANALYZED"]
    # a later computed analysis keeps the client's score beside it
    again = await core.analyze_job.execute(me, None, job_ids[0])
    assert again.client is not None and again.client.score == 99


async def test_match_score_is_the_score_relevant_jobs_and_listings_give(
    core: Skael, job_ids: tuple[int, ...]
) -> None:
    me = (await register(core, skills="python, django", experience=6)).user_id
    stored = (await core.analyze_job.execute(me, None, job_ids[0])).analysis
    await core.update_profile.execute(me, None, ProfileChanges(skills="excel, sap", experience=1))
    view = await core.get_match_score.execute(me, None, job_ids[0])
    ranked = await core.rank_jobs.execute(me, None, JobFilter(), limit=100)
    listed = await core.score_jobs.execute(me, [await core.get_job.execute(job_ids[0])])
    ranked_score = next(r.match.score for r in ranked if r.job.id == job_ids[0])
    assert view.analysis.score == ranked_score == listed[0].match.score
    assert view.analysis.score != stored.score  # recomputed for the changed profile


async def test_analyze_without_a_score_computes_one(core: Skael, job_ids: tuple[int, ...]) -> None:
    me = (await register(core, skills="python, django", experience=6)).user_id
    analysis = (await core.analyze_job.execute(me, None, job_ids[0])).analysis
    assert 0 <= analysis.score <= 100 and analysis.explanation and analysis.breakdown
    assert analysis.id > 0


@pytest.mark.parametrize("score", [-1, 101])
async def test_analyze_rejects_out_of_range_scores(
    core: Skael, job_ids: tuple[int, ...], score: int
) -> None:
    me = (await register(core)).user_id
    with pytest.raises(InvalidInput):
        await core.analyze_job.execute(me, None, job_ids[0], score)


async def test_match_score_without_analysis_is_computed_not_stored(
    core: Skael, job_ids: tuple[int, ...]
) -> None:
    me = (await register(core, skills="python")).user_id
    fresh = (await core.get_match_score.execute(me, None, job_ids[0])).analysis
    assert fresh.id == 0 and 0 <= fresh.score <= 100
    assert await actions(core, me) == []
    with pytest.raises(NotFound):
        await core.get_match_score.execute(me, None, 999)


async def test_apply_records_applied_with_the_resume(core: Skael, job_ids: tuple[int, ...]) -> None:
    me = (await register(core)).user_id
    resume = await core.generate_document.execute(me, None, DocumentKind.RESUME, job_ids[0])
    await core.apply_to_job.execute(me, None, job_ids[0], resume.id)
    page = await core.list_applications.execute(me, None)
    view = page.items[0]
    assert view.application.status is ApplicationStatus.APPLIED
    assert view.application.resume_id == resume.id
    assert view.application.applied_date is not None
    assert view.job_title == "Senior Python Developer" and view.company == "Acme Analytics"
    assert (await actions(core, me))[0] == "JOB_APPLIED"


async def test_apply_with_someone_elses_resume_is_refused(
    core: Skael, job_ids: tuple[int, ...]
) -> None:
    ada = (await register(core)).user_id
    bob = (await register(core, "bob@example.com")).user_id
    resume = await core.generate_document.execute(ada, None, DocumentKind.RESUME)
    with pytest.raises(NotFound):
        await core.apply_to_job.execute(bob, None, job_ids[0], resume.id)
    assert (await core.list_applications.execute(bob, None)).total == 0


async def test_status_changes_keep_history_and_log(core: Skael, job_ids: tuple[int, ...]) -> None:
    me = (await register(core)).user_id
    await core.change_application_status.execute(me, None, job_ids[1], ApplicationStatus.INTERESTED)
    await core.apply_to_job.execute(me, None, job_ids[1])
    moved = await core.change_application_status.execute(
        me, None, job_ids[1], ApplicationStatus.INTERVIEWING, "Call on Monday"
    )
    assert moved.status is ApplicationStatus.INTERVIEWING and moved.notes == "Call on Monday"
    assert [h.status for h in moved.history] == ["Interested", "Applied", "Interviewing"]
    assert moved.applied_date is not None
    only = await core.list_applications.execute(me, None, ApplicationStatus.INTERVIEWING)
    assert only.total == 1
    assert (await core.list_applications.execute(me, None, ApplicationStatus.OFFER)).total == 0
    log = await core.list_activity.execute(me, None, "APPLICATION_STATUS_UPDATED")
    assert log.items[0].metadata == {"status": "Interviewing", "previous_status": "Applied"}


async def test_log_activity_validates_and_lists_newest_first(
    core: Skael, job_ids: tuple[int, ...]
) -> None:
    me = (await register(core)).user_id
    await core.log_activity.execute(me, None, "VIEWED", job_ids[0], {"from": "list"})
    await core.log_activity.execute(me, None, "SEARCHED", None, {"q": "nurse"})
    page = await core.list_activity.execute(me, None)
    assert [a.action_type for a in page.items] == ["SEARCHED", "VIEWED"]
    assert page.items[1].metadata == {"from": "list"}
    with pytest.raises(InvalidInput):
        await core.log_activity.execute(me, None, "  ")
    with pytest.raises(NotFound):
        await core.log_activity.execute(me, None, "VIEWED", 999)
    with pytest.raises(InvalidInput):
        await core.log_activity.execute(me, None, "BIG", None, {"x": "y" * 20_000})


async def test_every_tracking_use_case_guards_ownership(
    core: Skael, job_ids: tuple[int, ...]
) -> None:
    ada = (await register(core)).user_id
    bob = (await register(core, "bob@example.com")).user_id
    job = job_ids[0]
    calls = [
        core.save_job.execute(bob, ada, job),
        core.unsave_job.execute(bob, ada, job),
        core.list_saved_jobs.execute(bob, ada),
        core.analyze_job.execute(bob, ada, job, 50),
        core.get_match_score.execute(bob, ada, job),
        core.apply_to_job.execute(bob, ada, job),
        core.list_applications.execute(bob, ada),
        core.change_application_status.execute(bob, ada, job, ApplicationStatus.OFFER),
        core.log_activity.execute(bob, ada, "X"),
        core.list_activity.execute(bob, ada),
        core.generate_document.execute(bob, ada),
        core.list_documents.execute(bob, ada),
    ]
    for call in calls:
        with pytest.raises(Forbidden):
            await call
    assert await actions(core, ada) == []


async def test_delete_user_erases_everything_they_own(
    core: Skael, job_ids: tuple[int, ...]
) -> None:
    ada = (await register(core)).user_id
    bob = (await register(core, "bob@example.com")).user_id
    for me in (ada, bob):
        await core.save_job.execute(me, None, job_ids[0])
        await core.analyze_job.execute(me, None, job_ids[0], 70)
        await core.generate_document.execute(me, None, DocumentKind.COVER_LETTER, job_ids[0])
        await core.apply_to_job.execute(me, None, job_ids[0])
    await core.delete_user.execute(ada)
    async with core.ports.uow() as uow:
        assert (await uow.saved_jobs.list(ada, 0, 100)).total == 0
        assert await uow.analyses.latest(ada, job_ids[0]) is None
        assert (await uow.documents.list(ada, None, 0, 100)).total == 0
        assert (await uow.applications.list(ada, None, 0, 100)).total == 0
        assert (await uow.activities.list(ada, None, 0, 100)).total == 0
        assert (await uow.activities.list(bob, None, 0, 100)).total == 4
