"""The application tracker: ``/applications``."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, put
from litestar.params import JSONBody

from skael_core.model import ApplicationStatus

from ..csv_export import (
    APPLICATION_COLUMNS,
    CsvAlternativeOperation,
    FormatQuery,
    application_rows,
    asked_page,
    csv_response,
    wants_csv,
)
from ..schemas import (
    ApplicationOut,
    ApplicationsOut,
    ApplicationStatusIn,
    ApplicationStatusOut,
    Limit,
    PathId,
    Skip,
    StatusQuery,
)
from ..wording import chosen
from .deps import Core, CurrentCaller


class ApplicationController(Controller):
    path = "/applications"
    tags = ["applications"]

    @get("/user/{user_id:int}", operation_class=CsvAlternativeOperation)
    async def of_user(
        self,
        request: Request[Any, Any, Any],
        core: Core,
        caller: CurrentCaller,
        user_id: PathId,
        status: StatusQuery = None,
        skip: Skip = 0,
        limit: Limit = 20,
        format: FormatQuery = None,
    ) -> Response[ApplicationsOut]:
        """The user's applications, most recently updated first; with ``format=csv``,
        all of them as a CSV file (the page asked for when ``skip`` or ``limit`` is given)."""
        wanted = chosen(ApplicationStatus, status) if status else None
        if wants_csv(format):
            records = await core.export_applications.execute(
                caller.user_id, user_id, wanted, asked_page(request, skip, limit)
            )
            return csv_response("applications.csv", APPLICATION_COLUMNS, application_rows(records))
        page = await core.list_applications.execute(caller.user_id, user_id, wanted, skip, limit)
        return Response(
            ApplicationsOut(
                applications=[ApplicationOut.of(v) for v in page.items], total=page.total
            )
        )

    @put("/{job_id:int}")
    async def change_status(
        self,
        core: Core,
        caller: CurrentCaller,
        job_id: PathId,
        data: JSONBody[ApplicationStatusIn],
    ) -> ApplicationStatusOut:
        """Move the application for a job to a status (created if new); logged."""
        application = await core.change_application_status.execute(
            caller.user_id, data.user_id, job_id, data.chosen_status(), data.notes
        )
        return ApplicationStatusOut(job_id=application.job_id, status=application.status)
