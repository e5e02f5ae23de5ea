"""Resumes and cover letters, and applying with them: ``/resumes``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody, Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.params import JSONBody

from skael_core.usecases.documents import document_kind

from ..schemas import (
    MAX_ID,
    ActivityIdOut,
    ApplyIn,
    DocumentOut,
    DocumentResponse,
    DocumentsOut,
    GeneratedOut,
    KindQuery,
    Limit,
    PathId,
    ResumeIn,
    Skip,
    read_form_or_json,
)
from .deps import Core, CurrentCaller
from .recorded import ALREADY_RECORDED, recorded

_ID = Schema(type=OpenAPIType.INTEGER, minimum=1, maximum=MAX_ID)
_ID_OR_NULL = Schema(one_of=[_ID, Schema(type=OpenAPIType.NULL)])
_APPLY_BODY = Schema(
    type=OpenAPIType.OBJECT,
    required=["job_id"],
    properties={"user_id": _ID_OR_NULL, "job_id": _ID, "resume_id": _ID_OR_NULL},
)


@dataclass
class FormOrJsonOperation(Operation):
    """The apply operation documents its body, which the handler decodes by hand."""

    def __post_init__(self) -> None:
        media = OpenAPIMediaType(schema=_APPLY_BODY)
        self.request_body = RequestBody(
            required=True,
            content={"application/json": media, "application/x-www-form-urlencoded": media},
        )


class ResumeController(Controller):
    path = "/resumes"
    tags = ["resumes"]

    @post("/generate", status_code=201)
    async def generate(
        self, core: Core, caller: CurrentCaller, data: JSONBody[ResumeIn]
    ) -> GeneratedOut:
        """Store ``content`` as given, or write the document from the profile (for a job)."""
        document = await core.generate_document.execute(
            caller.user_id,
            data.user_id,
            document_kind(data.kind),
            data.job_id,
            data.content,
            data.source,
        )
        return GeneratedOut(resume_id=document.id, content=document.content)

    @get("/user/{user_id:int}")
    async def of_user(
        self,
        core: Core,
        caller: CurrentCaller,
        user_id: PathId,
        skip: Skip = 0,
        limit: Limit = 20,
        kind: KindQuery = None,
    ) -> DocumentsOut:
        """The user's documents, newest first, optionally of one kind."""
        page = await core.list_documents.execute(
            caller.user_id, user_id, document_kind(kind) if kind else None, skip, limit
        )
        return DocumentsOut(resumes=[DocumentOut.of(d) for d in page.items], total=page.total)

    @get("/{resume_id:int}")
    async def document(
        self, core: Core, caller: CurrentCaller, resume_id: PathId
    ) -> DocumentResponse:
        """One document, readable by its owner only."""
        document = await core.get_document.execute(caller.user_id, resume_id)
        return DocumentResponse.of(document)

    @post(
        "/apply",
        status_code=201,
        responses=ALREADY_RECORDED,
        opt={"form": True, "body": ApplyIn},
        operation_class=FormOrJsonOperation,
    )
    async def apply(
        self, core: Core, caller: CurrentCaller, request: Request[Any, Any, Any]
    ) -> Response[ActivityIdOut]:
        """Apply to a job (form or JSON body): 201, the application recorded as Applied;
        applying again answers 200 with the first activity and changes nothing."""
        data = await read_form_or_json(request, ApplyIn)
        outcome = await core.apply_to_job.execute(
            caller.user_id, data.user_id, data.job_id, data.resume_id
        )
        return recorded(outcome)
