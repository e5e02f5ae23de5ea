"""Jobs: fetching, listing, ranking, saving and analysing: ``/jobs``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.openapi.spec import Operation, RequestBody
from litestar.params import FromQuery, JSONBody, QueryParameter

from skael_core.model import JobFilter, RankedJob
from skael_core.service import Skael
from skael_core.usecases.common import Caller
from skael_core.usecases.jobs import job_filter

from ..csv_export import (
    SAVED_JOB_COLUMNS,
    CsvAlternativeOperation,
    FormatQuery,
    asked_page,
    csv_response,
    saved_job_rows,
    wants_csv,
)
from ..errors import PROVIDER_ERRORS
from ..schemas import (
    YEARS_PATTERN,
    ActivityIdOut,
    AnalyzeOut,
    AnalyzeResultIn,
    AnalyzeResultOut,
    FetchJobsIn,
    FetchJobsOut,
    JobFilterRequest,
    JobListing,
    JobListingResponse,
    JobsOut,
    Limit,
    MessageOut,
    PathId,
    RankedJobListing,
    RankedJobsOut,
    SaveJobIn,
    ScoredJobsOut,
    SearchText,
    Skip,
    UserIdQuery,
    same_id,
)
from ..wire import EncodedJson, JobJson
from .deps import Core, CurrentCaller
from .recorded import ALREADY_RECORDED, recorded

AnyOfText = Annotated[
    str | None,
    QueryParameter(
        max_length=1000, description="One value, or several comma-separated: any will do."
    ),
]
YearsText = Annotated[
    str | None,
    QueryParameter(
        max_length=40,
        pattern=YEARS_PATTERN,
        description='Years of experience the person has ("4", "5+", "3 years"): jobs asking '
        "for more are left out.",
    ),
]


async def rank_request(core: Skael, caller: Caller, r: JobFilterRequest) -> list[RankedJob]:
    """The jobs of a relevant_jobs request ranked for the caller (on both surfaces)."""
    filters = job_filter(
        core.ports.countries,
        technology=r.technology,
        location=r.location,
        remote=r.remote,
        country_code=r.country_code,
        min_salary=r.min_salary,
    )
    return await core.rank_jobs.execute(
        caller.user_id,
        r.user_id,
        filters,
        job_title=r.job_title,
        experience=r.experience,
        skip=r.skip,
        limit=r.limit,
    )


async def scored_list(
    core: Skael, job_json: JobJson, viewer: int, filters: JobFilter, skip: int, limit: int
) -> bytes:
    """The body of a ``/jobs/list_jobs`` answer (``ScoredJobsOut``), for its handler and
    for :mod:`skael_web.fastpath`."""
    return job_json.page(await core.list_scored_jobs.execute(viewer, filters, skip, limit))


def job_json_of(state: State) -> JobJson:
    """The container's :class:`JobJson` (the JSON of recently answered jobs)."""
    job_json: JobJson = state.container.job_json()
    return job_json


@dataclass
class OptionalBodyOperation(Operation):
    """An operation whose body may be left out (Litestar documents every body as required)."""

    def __post_init__(self) -> None:
        if isinstance(self.request_body, RequestBody):
            self.request_body.required = False


MinSalary = Annotated[float | None, QueryParameter(ge=0, schema_extra={"minimum": 0})]


async def list_filter(
    core: Core,
    q: SearchText = None,
    remote: FromQuery[bool | None] = None,
    country_code: SearchText = None,
    seniority: SearchText = None,
    technology: AnyOfText = None,
    tech: AnyOfText = None,
    location: AnyOfText = None,
    experience: YearsText = None,
    company: SearchText = None,
    min_salary: MinSalary = None,
    posted_since: FromQuery[date | None] = None,
) -> JobFilter:
    """The filters of a job list from its query (``tech`` is the frontend's name for
    ``technology``): one dependency for ``/jobs/list_jobs`` and ``/v0/jobs/list_jobs``."""
    return job_filter(
        core.ports.countries,
        q=q,
        remote=remote,
        country_code=country_code,
        seniority=seniority,
        technology=technology if technology is not None else tech,
        company=company,
        min_salary=min_salary,
        posted_since=posted_since,
        location=location,
        experience=experience,
    )


LIST_FILTER = {"filters": Provide(list_filter)}
"""The dependency a job list's handler names ``filters``."""


class JobController(Controller):
    path = "/jobs"
    tags = ["jobs"]

    @post(
        "/fetch_jobs",
        status_code=200,
        responses=PROVIDER_ERRORS,
        operation_class=OptionalBodyOperation,
    )
    async def fetch_jobs(
        self, core: Core, caller: CurrentCaller, data: JSONBody[FetchJobsIn | None] = None
    ) -> FetchJobsOut:
        """Fetch postings for the caller from the job source and store each once."""
        request = data or FetchJobsIn()
        outcome = await core.fetch_jobs.execute(caller.user_id, request.user_id, request.request())
        return FetchJobsOut.of(outcome)

    @get("/list_jobs", dependencies=LIST_FILTER)
    async def list_jobs(
        self,
        core: Core,
        caller: CurrentCaller,
        state: State,
        filters: NamedDependency[JobFilter],
        skip: Skip = 0,
        limit: Limit = 20,
    ) -> Response[ScoredJobsOut]:
        """Stored jobs matching every filter, newest first, each with its match score
        for the caller (the score relevant_jobs and match_score give); jobs the caller
        dismissed and those of companies they blocked are left out."""
        body = await scored_list(core, job_json_of(state), caller.user_id, filters, skip, limit)
        return EncodedJson(body)

    @post("/relevant_jobs", status_code=200, operation_class=OptionalBodyOperation)
    async def relevant_jobs(
        self, core: Core, caller: CurrentCaller, data: JSONBody[JobFilterRequest | None] = None
    ) -> RankedJobsOut:
        """Jobs ranked best first for the caller, each with its match score and why."""
        ranked = await rank_request(core, caller, data or JobFilterRequest())
        return RankedJobsOut(jobs=[RankedJobListing.ranked(x) for x in ranked])

    @get("/saved", operation_class=CsvAlternativeOperation)
    async def saved(
        self,
        request: Request[Any, Any, Any],
        core: Core,
        caller: CurrentCaller,
        skip: Skip = 0,
        limit: Limit = 20,
        format: FormatQuery = None,
    ) -> Response[JobsOut]:
        """The caller's saved jobs, most recently saved first; with ``format=csv``, all
        of them as a CSV file (the page asked for when ``skip`` or ``limit`` is given)."""
        if wants_csv(format):
            asked = asked_page(request, skip, limit)
            records = await core.export_saved_jobs.execute(caller.user_id, None, asked)
            return csv_response("saved_jobs.csv", SAVED_JOB_COLUMNS, saved_job_rows(records))
        page = await core.list_saved_jobs.execute(caller.user_id, None, skip, limit)
        return Response(JobsOut(jobs=[JobListing.of(j) for j in page.items], total=page.total))

    @get("/user/{user_id:int}/saved")
    async def saved_of_user(
        self,
        core: Core,
        caller: CurrentCaller,
        user_id: PathId,
        skip: Skip = 0,
        limit: Limit = 20,
    ) -> JobsOut:
        """The user's saved jobs: the caller's own only."""
        page = await core.list_saved_jobs.execute(caller.user_id, user_id, skip, limit)
        return JobsOut(jobs=[JobListing.of(j) for j in page.items], total=page.total)

    @get("/{job_id:int}")
    async def job(self, core: Core, job_id: PathId, state: State) -> Response[JobListingResponse]:
        """One stored job (JobListingResponse)."""
        return EncodedJson(job_json_of(state).job(await core.get_job.execute(job_id)))

    @post(
        "/{job_id:int}/save",
        status_code=201,
        responses=ALREADY_RECORDED,
        operation_class=OptionalBodyOperation,
    )
    async def save(
        self,
        core: Core,
        caller: CurrentCaller,
        job_id: PathId,
        data: JSONBody[SaveJobIn | None] = None,
    ) -> Response[ActivityIdOut]:
        """Save a job: 201 and an activity the first time; saving it again answers 200
        with that activity and changes nothing."""
        s = data or SaveJobIn()
        outcome = await core.save_job.execute(
            caller.user_id,
            s.user_id,
            same_id(job_id, s.job_id, "job_id"),
            s.action_type,
            s.activity_metadata,
        )
        return recorded(outcome)

    @delete("/{job_id:int}/save", status_code=200)
    async def unsave(
        self, core: Core, caller: CurrentCaller, job_id: PathId, user_id: UserIdQuery = None
    ) -> MessageOut:
        """Remove a saved job; 404 if it was not saved."""
        await core.unsave_job.execute(caller.user_id, user_id, job_id)
        return MessageOut(msg="Saved job deleted")

    @post("/{job_id:int}/analyze", status_code=201, operation_class=OptionalBodyOperation)
    async def analyze(
        self,
        core: Core,
        caller: CurrentCaller,
        job_id: PathId,
        data: JSONBody[AnalyzeResultIn | None] = None,
    ) -> AnalyzeOut:
        """Record a given score (0-100) as given, or compute one."""
        a = data or AnalyzeResultIn()
        logged = await core.analyze_job.execute(
            caller.user_id, a.user_id, same_id(job_id, a.job_id, "job_id"), a.score, a.explanation
        )
        return AnalyzeOut.of(logged.analysis, logged.activity.id, logged.client)

    @get("/{job_id:int}/match_score")
    async def match_score(
        self, core: Core, caller: CurrentCaller, job_id: PathId, user_id: UserIdQuery = None
    ) -> AnalyzeResultOut:
        """The score for the user's current profile, computed now and not stored
        (AnalyzeResultOut), with the latest score a client gave beside it."""
        view = await core.get_match_score.execute(caller.user_id, user_id, job_id)
        return AnalyzeResultOut.of(view.analysis, view.client)
