"""Documents: resumes and cover letters, uploaded or written for the user."""

from __future__ import annotations

import msgspec

from .. import normalize as norm
from ..errors import Forbidden, InvalidInput, NotFound, TooLarge
from ..files import (
    FIELD,
    MEDIA_TYPES,
    ExportedFile,
    ExportFormat,
    FileKind,
    file_kind,
    plain_text,
)
from ..model import ActionType, Document, DocumentKind, Page
from ..ports import (
    Clock,
    CountryCatalog,
    DocumentReader,
    DocumentRenderer,
    DocumentWriter,
    UnitOfWork,
    UnitOfWorkFactory,
)
from ..resume_facts import ResumeFacts, draw_facts
from .common import UseCase, load_job, load_user, owner

MAX_DOCUMENT = 200_000
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
"""The largest resume file taken by default (5 MiB)."""

_ACTIONS = {
    (DocumentKind.RESUME, True): ActionType.RESUME_GENERATED_FOR_JOB,
    (DocumentKind.RESUME, False): ActionType.GENERAL_RESUME_GENERATED,
    (DocumentKind.COVER_LETTER, True): ActionType.COVER_LETTER_GENERATED_FOR_JOB,
    (DocumentKind.COVER_LETTER, False): ActionType.GENERAL_COVER_LETTER_GENERATED,
}


def document_kind(value: str | None) -> DocumentKind:
    if value is None:
        return DocumentKind.RESUME
    try:
        return DocumentKind(value.strip().lower())
    except ValueError:
        raise InvalidInput.field("kind", "must be resume or cover_letter") from None


class GenerateDocument(UseCase):
    """Given content is stored as uploaded; otherwise the writer drafts it from the profile."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, writer: DocumentWriter) -> None:
        super().__init__(uow, clock)
        self._writer = writer

    async def execute(
        self,
        actor: int,
        user_id: int | None,
        kind: DocumentKind = DocumentKind.RESUME,
        job_id: int | None = None,
        content: str | None = None,
        source: str | None = None,
    ) -> Document:
        target = owner(actor, user_id)
        uploaded = norm.text(content, "content", MAX_DOCUMENT)
        origin = norm.text(source, "source")
        async with self._uow(read_only=True) as uow:
            user = await load_user(uow, target)
            job = await load_job(uow, job_id) if job_id is not None else None
        if uploaded is None:
            uploaded = await self._writer.write(kind.value, user, job)
            origin = origin or "skael"
        document = Document(
            user_id=target,
            job_id=job_id,
            kind=kind,
            source=origin or "upload",
            content=uploaded,
            created_at=self._clock.now(),
        )
        async with self._uow() as uow:
            document = await uow.documents.add(document)
            meta = {"document_id": document.id, "source": document.source}
            await self._log(uow, target, _ACTIONS[(kind, job_id is not None)], job_id, meta)
            await uow.commit()
        return document


class ListDocuments(UseCase):
    """The user's documents, newest first, optionally of one kind."""

    async def execute(
        self,
        actor: int,
        user_id: int | None,
        kind: DocumentKind | None = None,
        skip: int = 0,
        limit: int = 20,
    ) -> Page[Document]:
        target = owner(actor, user_id)
        skip, limit = norm.page(skip, limit)
        async with self._uow(read_only=True) as uow:
            return await uow.documents.list(target, kind, skip, limit)


async def owned_document(uow: UnitOfWork, actor: int, document_id: int) -> Document:
    """The document ``document_id``, which must be the actor's own."""
    document = await uow.documents.get(document_id)
    if document is None:
        raise NotFound("document", document_id)
    if document.user_id != actor:
        raise Forbidden("this document belongs to another user")
    return document


class GetDocument(UseCase):
    """A document is readable by its owner only."""

    async def execute(self, actor: int, document_id: int) -> Document:
        async with self._uow(read_only=True) as uow:
            return await owned_document(uow, actor, document_id)


class ImportedResume(msgspec.Struct, frozen=True, kw_only=True):
    """An uploaded resume as stored, and the facts drawn from it."""

    document: Document
    facts: ResumeFacts


class ImportResume(UseCase):
    """An uploaded resume file (PDF, DOCX or text, at most ``max_bytes``) is stored as the
    caller's document, its text only; its facts are proposed, never written to the profile."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        reader: DocumentReader | None,
        countries: CountryCatalog,
        max_bytes: int = MAX_UPLOAD_BYTES,
    ) -> None:
        super().__init__(uow, clock)
        self._reader = reader
        self._countries = countries
        self.max_bytes = max_bytes

    async def execute(
        self,
        actor: int,
        content: bytes,
        filename: str | None = None,
        content_type: str | None = None,
    ) -> ImportedResume:
        if len(content) > self.max_bytes:
            raise TooLarge("the file", self.max_bytes)
        kind = file_kind(content, filename, content_type)
        text = await self._text(kind, content)
        if not text.strip():
            raise InvalidInput.field(FIELD, "the file holds no text")
        if len(text) > MAX_DOCUMENT:
            raise InvalidInput.field(
                FIELD, f"the file holds more than {MAX_DOCUMENT:,} characters of text"
            )
        facts = draw_facts(text, self._clock.today(), self._countries.resolve)
        async with self._uow() as uow:
            await load_user(uow, actor)
            document = await uow.documents.add(
                Document(
                    user_id=actor,
                    kind=DocumentKind.RESUME,
                    source=f"upload:{kind.value}",
                    content=text,
                    created_at=self._clock.now(),
                )
            )
            meta = {"document_id": document.id, "file_kind": kind.value, "bytes": len(content)}
            await self._log(uow, actor, ActionType.RESUME_UPLOADED, None, meta)
            await uow.commit()
        return ImportedResume(document=document, facts=facts)

    async def _text(self, kind: FileKind, content: bytes) -> str:
        if kind is FileKind.TEXT:
            return plain_text(content)
        if self._reader is None:
            raise InvalidInput.field(FIELD, f"{kind.value.upper()} files are not read here")
        text = await self._reader.text(kind, content)
        return text.replace("\x00", "")


class ExportDocument(UseCase):
    """The owner's document as a Markdown, PDF or DOCX file; each export is logged."""

    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, renderer: DocumentRenderer | None
    ) -> None:
        super().__init__(uow, clock)
        self._renderer = renderer

    async def execute(self, actor: int, document_id: int, format: ExportFormat) -> ExportedFile:
        async with self._uow(read_only=True) as uow:
            document = await owned_document(uow, actor, document_id)
            user = await load_user(uow, actor)
        content = await self._content(document, user.profile.user_name, format)
        async with self._uow() as uow:
            meta = {"document_id": document.id, "format": format.value, "bytes": len(content)}
            await self._log(uow, actor, ActionType.DOCUMENT_EXPORTED, document.job_id, meta)
            await uow.commit()
        name = f"{document.kind.value.replace('_', '-')}-{document.id}.{format.value}"
        return ExportedFile(filename=name, media_type=MEDIA_TYPES[format], content=content)

    async def _content(self, document: Document, author: str, format: ExportFormat) -> bytes:
        if format is ExportFormat.MD:
            return document.content.encode()
        if self._renderer is None:
            raise InvalidInput.field("format", f"{format.value} export is not available here")
        title = f"{author} - {document.kind.value.replace('_', ' ')}"
        return await self._renderer.render(document.content, title, format)
