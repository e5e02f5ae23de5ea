"""Documents: resumes and cover letters, uploaded or written for the user."""

from __future__ import annotations

from .. import normalize as norm
from ..errors import Forbidden, InvalidInput, NotFound
from ..model import ActionType, Document, DocumentKind, Page
from ..ports import Clock, DocumentWriter, UnitOfWorkFactory
from .common import UseCase, load_job, load_user, owner

MAX_DOCUMENT = 200_000

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


class GetDocument(UseCase):
    """A document is readable by its owner only."""

    async def execute(self, actor: int, document_id: int) -> Document:
        async with self._uow(read_only=True) as uow:
            document = await uow.documents.get(document_id)
        if document is None:
            raise NotFound("document", document_id)
        if document.user_id != actor:
            raise Forbidden("this document belongs to another user")
        return document
