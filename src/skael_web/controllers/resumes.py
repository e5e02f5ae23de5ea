"""Resumes and cover letters, and applying with them: ``/resumes``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.openapi.spec import (
    OpenAPIMediaType,
    OpenAPIResponse,
    Operation,
    RequestBody,
    Schema,
)
from litestar.openapi.spec.enums import OpenAPIType
from litestar.params import JSONBody

from skael_core.files import FIELD, MEDIA_TYPES, ExportFormat, export_format
from skael_core.usecases.documents import document_kind

from ..schemas import (
    MAX_ID,
    ActivityIdOut,
    ApplyIn,
    DocumentOut,
    DocumentResponse,
    DocumentsOut,
    FormatQuery,
    GeneratedOut,
    KindQuery,
    Limit,
    PathId,
    ProposedProfile,
    ResumeIn,
    Skip,
    UploadedOut,
    read_form_or_json,
)
from ..uploads import UPLOAD_BODY_LIMIT, file_response, read_upload
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


_FILE = Schema(type=OpenAPIType.STRING, format="binary")  # type: ignore[arg-type]
_UPLOAD_BODY = Schema(
    type=OpenAPIType.OBJECT,
    required=[FIELD],
    properties={FIELD: _FILE},
    description="The resume: a PDF, DOCX or plain-text file of at most 5 MiB.",
)


@dataclass
class UploadOperation(Operation):
    """The upload operation documents its multipart body, which the handler reads itself."""

    def __post_init__(self) -> None:
        media = OpenAPIMediaType(schema=_UPLOAD_BODY)
        self.request_body = RequestBody(required=True, content={"multipart/form-data": media})


@dataclass
class DocumentOperation(Operation):
    """A document answers JSON, or a file with ``format``: each media type documented."""

    def __post_init__(self) -> None:
        answer = (self.responses or {}).get("200")
        if isinstance(answer, OpenAPIResponse) and answer.content is not None:
            for format in (ExportFormat.PDF, ExportFormat.DOCX):
                answer.content[MEDIA_TYPES[format]] = OpenAPIMediaType(schema=_FILE)
            text = Schema(type=OpenAPIType.STRING)
            answer.content[MEDIA_TYPES[ExportFormat.MD]] = OpenAPIMediaType(schema=text)


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

    @get("/{resume_id:int}", operation_class=DocumentOperation)
    async def document(
        self, core: Core, caller: CurrentCaller, resume_id: PathId, format: FormatQuery = None
    ) -> DocumentResponse:
        """One document, readable by its owner only: JSON, or with ``format`` (pdf, docx,
        md) a file to download."""
        if format is not None:
            chosen = export_format(format)
            exported = await core.export_document.execute(caller.user_id, resume_id, chosen)
            return file_response(exported)  # type: ignore[return-value]
        document = await core.get_document.execute(caller.user_id, resume_id)
        return DocumentResponse.of(document)

    @post(
        "/upload",
        status_code=201,
        opt={"form": True},
        request_max_body_size=UPLOAD_BODY_LIMIT,
        operation_class=UploadOperation,
    )
    async def upload(
        self, core: Core, caller: CurrentCaller, request: Request[Any, Any, Any]
    ) -> UploadedOut:
        """Upload a resume (multipart, field ``file``: PDF, DOCX or text, at most 5 MiB):
        stored as the caller's document; the answer proposes profile fields drawn from
        it, for ``PUT /users/{id}``; the profile itself is not changed."""
        upload = await read_upload(request, core.import_resume.max_bytes)
        imported = await core.import_resume.execute(
            caller.user_id, upload.content, upload.filename, upload.content_type
        )
        return UploadedOut(
            resume_id=imported.document.id,
            proposed_profile=ProposedProfile.of(imported.facts),
            links=list(imported.facts.links),
        )

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
