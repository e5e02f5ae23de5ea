"""``/v0/jobs``: the contract's job routes with the original backend's answers.

Lists (list_jobs, relevant_jobs, saved, ``GET /v0/jobs/``) are bare arrays; a job's
``key_info`` is a string holding a JSON object; ``match_score`` is a 204 with no body
when the person has stored no analysis of the job (the frontend then runs its own
analysis and posts it to ``analyze``). Saving, unsaving and analyze answer as on
``/jobs``.
"""

from __future__ import annotations

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody

from skael_core.model import JobFilter
from skael_core.usecases.jobs import job_filter

from ..controllers.deps import Core, CurrentCaller
from ..controllers.jobs import (
    LIST_FILTER,
    AnyOfText,
    JobController,
    OptionalBodyOperation,
    rank_request,
)
from ..errors import PROVIDER_ERRORS
from ..schemas import (
    AnalyzeResult,
    FetchJobsIn,
    JobFilterRequest,
    Limit,
    PathId,
    Skip,
    UserIdQuery,
)
from .wire import V0FetchJobsOut, V0Job, V0RankedJob


class V0JobController(JobController):
    tags = ["v0"]

    @post(
        "/fetch_jobs",
        status_code=200,
        responses=PROVIDER_ERRORS,
        operation_class=OptionalBodyOperation,
    )
    async def fetch_jobs(
        self, core: Core, caller: CurrentCaller, data: JSONBody[FetchJobsIn | None] = None
    ) -> V0FetchJobsOut:
        """Fetch postings for the caller and store each once; jobs as ``/v0`` shows them."""
        request = data or FetchJobsIn()
        outcome = await core.fetch_jobs.execute(caller.user_id, request.user_id, request.request())
        return V0FetchJobsOut(
            jobs_fetched=outcome.fetched,
            jobs_new=outcome.new,
            jobs=[V0Job.of(j) for j in outcome.jobs],
        )

    @get("/list_jobs", dependencies=LIST_FILTER)
    async def list_jobs(
        self,
        core: Core,
        caller: CurrentCaller,
        filters: NamedDependency[JobFilter],
        skip: Skip = 0,
        limit: Limit = 100,
    ) -> list[V0Job]:
        """Stored jobs matching every filter, newest first, as a bare array."""
        page = await core.list_jobs.execute(filters, skip, limit, viewer=caller.user_id)
        return [V0Job.of(j) for j in page.items]

    @get("/")
    async def jobs(
        self,
        core: Core,
        technology: AnyOfText = None,
        location: AnyOfText = None,
        skip: Skip = 0,
        limit: Limit = 100,
    ) -> list[V0Job]:
        """The original ``GET /jobs/``: jobs of a technology and a place, newest first."""
        filters = job_filter(core.ports.countries, technology=technology, location=location)
        page = await core.list_jobs.execute(filters, skip, limit)
        return [V0Job.of(j) for j in page.items]

    @post("/relevant_jobs", status_code=200, operation_class=OptionalBodyOperation)
    async def relevant_jobs(
        self, core: Core, caller: CurrentCaller, data: JSONBody[JobFilterRequest | None] = None
    ) -> list[V0RankedJob]:
        """Jobs ranked best first for the caller, as a bare array."""
        ranked = await rank_request(core, caller, data or JobFilterRequest())
        return [V0RankedJob.ranked(x) for x in ranked]

    @get("/saved")
    async def saved(
        self, core: Core, caller: CurrentCaller, skip: Skip = 0, limit: Limit = 20
    ) -> list[V0Job]:
        """The caller's saved jobs, most recently saved first, as a bare array."""
        page = await core.list_saved_jobs.execute(caller.user_id, None, skip, limit)
        return [V0Job.of(j) for j in page.items]

    @get("/user/{user_id:int}/saved")
    async def saved_of_user(
        self,
        core: Core,
        caller: CurrentCaller,
        user_id: PathId,
        skip: Skip = 0,
        limit: Limit = 20,
    ) -> list[V0Job]:
        """The user's saved jobs (the caller's own only), as a bare array."""
        page = await core.list_saved_jobs.execute(caller.user_id, user_id, skip, limit)
        return [V0Job.of(j) for j in page.items]

    @get("/{job_id:int}")
    async def job(self, core: Core, job_id: PathId) -> V0Job:
        """One stored job, ``key_info`` as a JSON object in a string."""
        return V0Job.of(await core.get_job.execute(job_id))

    @get(
        "/{job_id:int}/match_score",
        responses={204: ResponseSpec(None, description="No analysis of this job is stored")},
    )
    async def match_score(
        self, core: Core, caller: CurrentCaller, job_id: PathId, user_id: UserIdQuery = None
    ) -> Response[AnalyzeResult | None]:
        """The latest stored analysis; 204 with no body when there is none."""
        analysis = await core.get_stored_analysis.execute(caller.user_id, user_id, job_id)
        if analysis is None:
            return Response(None, status_code=204)
        return Response(AnalyzeResult.of(analysis))
