"""Tracking: saved jobs, analyses and match scores, applications, the activity log.

Every change here logs its activity inside the same unit of work as the change.
"""

from __future__ import annotations

from typing import Any

import msgspec

from .. import normalize as norm
from ..errors import InvalidInput, NotFound
from ..matching import profile_features, score_job
from ..model import (
    ActionType,
    Activity,
    Analysis,
    Application,
    ApplicationStatus,
    Job,
    Page,
    SavedJob,
    StatusChange,
)
from ..ports import UnitOfWork
from .common import UseCase, load_job, load_user, owner

MAX_ACTION_TYPE = 100
MAX_METADATA_BYTES = 16_384


class ApplicationView(msgspec.Struct, frozen=True, kw_only=True):
    """An application with the job's title and company beside it."""

    application: Application
    job_title: str
    company: str | None


def _metadata(value: dict[str, Any] | None, field: str = "metadata") -> dict[str, Any]:
    if value is None:
        return {}
    if len(msgspec.json.encode(value)) > MAX_METADATA_BYTES:
        raise InvalidInput.field(field, f"must be at most {MAX_METADATA_BYTES} bytes as JSON")
    return value


class AnalysisLogged(msgspec.Struct, frozen=True, kw_only=True):
    """An analysis and the activity that records it.

    ``analysis`` is the score computed for the user's current profile; ``client`` the
    latest score a client gave for the job (analyze with a score), or None.
    """

    analysis: Analysis
    activity: Activity
    client: Analysis | None = None


class MatchView(msgspec.Struct, frozen=True, kw_only=True):
    """The score computed now for the user's current profile (``analysis``, not
    stored) and the latest score a client gave for the job (``client``), or None."""

    analysis: Analysis
    client: Analysis | None = None


class Recorded(msgspec.Struct, frozen=True, kw_only=True):
    """A save or an application: the activity that recorded it, and whether this call
    recorded it (False: it was recorded before, and the call changed nothing)."""

    activity_id: int
    created: bool


class SaveJob(UseCase):
    """Saving is idempotent: the first save is stored and logged; saving a saved job
    again changes and logs nothing and answers the first save's activity."""

    async def execute(
        self,
        actor: int,
        user_id: int | None,
        job_id: int,
        action_type: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> Recorded:
        target = owner(actor, user_id)
        extra = _metadata(metadata, "activity_metadata")
        action = norm.text(action_type, "action_type", MAX_ACTION_TYPE) or ActionType.JOB_SAVED
        async with self._uow() as uow:
            await load_job(uow, job_id)
            activity: Activity | None = None
            while True:
                known = await uow.saved_jobs.get(target, job_id)
                if known is not None and known.activity_id is not None:
                    # leaving without commit drops this call's activity, if it logged one
                    return Recorded(activity_id=known.activity_id, created=False)
                if known is not None:  # saved before saves named their activity: anew
                    await uow.saved_jobs.remove(target, job_id)
                activity = activity or await self._log(uow, target, action, job_id, extra)
                saved = SavedJob(
                    user_id=target,
                    job_id=job_id,
                    saved_at=self._clock.now(),
                    activity_id=activity.id,
                )
                # False: a call running alongside saved it first; the next turn reads it
                if await uow.saved_jobs.add(saved):
                    break
            await uow.commit()
        return Recorded(activity_id=activity.id, created=True)


class UnsaveJob(UseCase):
    """Removing a saved job that was not saved is ``NotFound``."""

    async def execute(self, actor: int, user_id: int | None, job_id: int) -> Activity:
        target = owner(actor, user_id)
        async with self._uow() as uow:
            if not await uow.saved_jobs.remove(target, job_id):
                raise NotFound("saved job", job_id)
            activity = await self._log(uow, target, ActionType.JOB_UNSAVED, job_id)
            await uow.commit()
        return activity


class ListSavedJobs(UseCase):
    """The caller's saved jobs, most recently saved first."""

    async def execute(
        self, actor: int, user_id: int | None, skip: int = 0, limit: int = 20
    ) -> Page[Job]:
        target = owner(actor, user_id)
        skip, limit = norm.page(skip, limit)
        async with self._uow(read_only=True) as uow:
            saved = await uow.saved_jobs.list(target, skip, limit)
            jobs = await uow.jobs.get_many([s.job_id for s in saved.items])
        return Page(items=jobs, total=saved.total)


async def _compute(uow: UnitOfWork, user_id: int, job_id: int, now: Any) -> Analysis:
    """The score of the job for the user's profile as it is now (not stored)."""
    user = await load_user(uow, user_id)
    job = await load_job(uow, job_id)
    match = score_job(profile_features(user.profile), job, now.date())
    return Analysis(
        user_id=user_id,
        job_id=job_id,
        score=match.score,
        explanation=match.explanation,
        breakdown=match.breakdown,
        created_at=now,
    )


class AnalyzeJob(UseCase):
    """Record an analysis of a job for the user.

    Without a score, the core computes it for the current profile and stores it. A
    given score (0-100) is a client's own judgement: it is stored as given, a fraction
    rounded to the nearest whole number (halves up: 78.5 is 79), without a
    breakdown (which is how a client's analysis is told from a computed one), and
    returned as ``client`` beside the score computed now, never in its place.
    """

    async def execute(
        self,
        actor: int,
        user_id: int | None,
        job_id: int,
        score: float | None = None,
        explanation: str | None = None,
    ) -> AnalysisLogged:
        target = owner(actor, user_id)
        given = norm.score(score)
        now = self._clock.now()
        async with self._uow() as uow:
            computed = await _compute(uow, target, job_id, now)
            if given is None:
                stored = computed = await uow.analyses.add(computed)
                client = await uow.analyses.latest_given(target, job_id)
            else:
                text = norm.text(explanation, "explanation", norm.MAX_TEXT) or ""
                client_analysis = Analysis(
                    user_id=target, job_id=job_id, score=given, explanation=text, created_at=now
                )
                stored = client = await uow.analyses.add(client_analysis)
            meta = {"score": stored.score, "computed": given is None}
            activity = await self._log(uow, target, ActionType.AI_JOB_ANALYZED, job_id, meta)
            await uow.commit()
        return AnalysisLogged(analysis=computed, activity=activity, client=client)


class GetMatchScore(UseCase):
    """The job's score for the user's current profile, computed now (so it is the
    score relevant_jobs and list_jobs show, whatever was stored before), with the
    latest score a client gave for it beside it."""

    async def execute(self, actor: int, user_id: int | None, job_id: int) -> MatchView:
        target = owner(actor, user_id)
        async with self._uow(read_only=True) as uow:
            computed = await _compute(uow, target, job_id, self._clock.now())
            client = await uow.analyses.latest_given(target, job_id)
        return MatchView(analysis=computed, client=client)


class GetStoredAnalysis(UseCase):
    """The latest stored analysis of the job for the user; None when there is none."""

    async def execute(self, actor: int, user_id: int | None, job_id: int) -> Analysis | None:
        target = owner(actor, user_id)
        async with self._uow(read_only=True) as uow:
            latest = await uow.analyses.latest(target, job_id)
            if latest is None:
                await load_job(uow, job_id)
            return latest


class ApplyToJob(UseCase):
    """Applying records the application as Applied (with the resume used, if any) and
    logs it; applying again changes and logs nothing and answers the first activity."""

    async def execute(
        self, actor: int, user_id: int | None, job_id: int, resume_id: int | None = None
    ) -> Recorded:
        target = owner(actor, user_id)
        now = self._clock.now()
        async with self._uow() as uow:
            await load_job(uow, job_id)
            if resume_id is not None:
                document = await uow.documents.get(resume_id)
                if document is None or document.user_id != target:
                    raise NotFound("resume", resume_id)
            known = await uow.applications.lock(target, job_id)
            if known is not None and known.applied_activity_id is not None:
                return Recorded(activity_id=known.applied_activity_id, created=False)
            meta = {"resume_id": resume_id} if resume_id is not None else {}
            activity = await self._log(uow, target, ActionType.JOB_APPLIED, job_id, meta)
            application = msgspec.structs.replace(
                _moved(known, target, job_id, ApplicationStatus.APPLIED, now),
                applied_activity_id=activity.id,
            )
            if resume_id is not None:
                application = msgspec.structs.replace(application, resume_id=resume_id)
            await uow.applications.save(application)
            await uow.commit()
        return Recorded(activity_id=activity.id, created=True)


def _moved(
    known: Application | None,
    user_id: int,
    job_id: int,
    status: ApplicationStatus,
    now: Any,
    notes: str | None | msgspec.UnsetType = msgspec.UNSET,
) -> Application:
    """The application after moving to ``status`` at ``now`` (created if unknown)."""
    base = known or Application(user_id=user_id, job_id=job_id, status=status, last_updated=now)
    applied = base.applied_date
    if status is ApplicationStatus.APPLIED and applied is None:
        applied = now
    return msgspec.structs.replace(
        base,
        status=status,
        notes=base.notes if notes is msgspec.UNSET else notes,
        applied_date=applied,
        last_updated=now,
        history=(*base.history, StatusChange(status=status, at=now)),
    )


class ListApplications(UseCase):
    """The user's applications, most recently updated first, with job title and company."""

    async def execute(
        self,
        actor: int,
        user_id: int | None,
        status: ApplicationStatus | None = None,
        skip: int = 0,
        limit: int = 20,
    ) -> Page[ApplicationView]:
        target = owner(actor, user_id)
        skip, limit = norm.page(skip, limit)
        async with self._uow(read_only=True) as uow:
            page = await uow.applications.list(target, status, skip, limit)
            jobs = {j.id: j for j in await uow.jobs.get_many([a.job_id for a in page.items])}
        views = [
            ApplicationView(
                application=a,
                job_title=jobs[a.job_id].job_title if a.job_id in jobs else "",
                company=jobs[a.job_id].company if a.job_id in jobs else None,
            )
            for a in page.items
        ]
        return Page(items=views, total=page.total)


class ChangeApplicationStatus(UseCase):
    """Moving an application (created if new) to a status; each change is one history
    entry and one activity naming the status it moved from, however many run at once."""

    async def execute(
        self,
        actor: int,
        user_id: int | None,
        job_id: int,
        status: ApplicationStatus,
        notes: str | None | msgspec.UnsetType = msgspec.UNSET,
    ) -> Application:
        target = owner(actor, user_id)
        if isinstance(notes, str) or notes is None:
            notes = norm.text(notes, "notes", norm.MAX_TEXT)
        now = self._clock.now()
        async with self._uow() as uow:
            await load_job(uow, job_id)
            known = await uow.applications.lock(target, job_id)
            application = _moved(known, target, job_id, status, now, notes)
            application = await uow.applications.save(application)
            previous = known.status.value if known else None
            meta = {"status": status.value, "previous_status": previous}
            await self._log(uow, target, ActionType.APPLICATION_STATUS_UPDATED, job_id, meta)
            await uow.commit()
        return application


class LogActivity(UseCase):
    """Any action type a client wants to record, about one of its jobs or none."""

    async def execute(
        self,
        actor: int,
        user_id: int | None,
        action_type: str,
        job_id: int | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> Activity:
        target = owner(actor, user_id)
        action = norm.required_text(action_type, "action_type", MAX_ACTION_TYPE)
        extra = _metadata(metadata)
        async with self._uow() as uow:
            if job_id is not None:
                await load_job(uow, job_id)
            activity = await self._log(uow, target, action, job_id, extra)
            await uow.commit()
        return activity


class ListActivity(UseCase):
    """The user's activity, newest first, optionally of one action type."""

    async def execute(
        self,
        actor: int,
        user_id: int | None,
        action_type: str | None = None,
        skip: int = 0,
        limit: int = 20,
    ) -> Page[Activity]:
        target = owner(actor, user_id)
        skip, limit = norm.page(skip, limit)
        async with self._uow(read_only=True) as uow:
            return await uow.activities.list(target, action_type, skip, limit)
