"""Documents: uploads, written resumes and cover letters, ownership."""

from __future__ import annotations

import pytest

from skael_core.errors import Forbidden, InvalidInput, NotFound
from skael_core.model import DocumentKind
from skael_core.service import Skael
from skael_core.usecases.documents import document_kind
from skael_core.usecases.ingest import jobs_feed
from support import make_job, register


async def test_uploaded_content_is_stored_as_given(core: Skael) -> None:
    me = (await register(core)).user_id
    doc = await core.generate_document.execute(
        me, None, DocumentKind.RESUME, content="# My CV", source="upload.pdf"
    )
    assert (doc.content, doc.source, doc.kind) == ("# My CV", "upload.pdf", DocumentKind.RESUME)
    assert (await core.get_document.execute(me, doc.id)) == doc


async def test_written_documents_are_tailored_and_logged_by_kind(core: Skael) -> None:
    me = (await register(core, user_name="Grace")).user_id
    job_id = (await core.ingest_postings.execute(jobs_feed([[make_job(1)]]))).ids[0]
    general = await core.generate_document.execute(me, None, DocumentKind.RESUME)
    letter = await core.generate_document.execute(me, None, DocumentKind.COVER_LETTER, job_id)
    assert "Grace" in general.content and general.source == "skael"
    assert "Acme Analytics" in letter.content and letter.job_id == job_id
    page = await core.list_activity.execute(me, None)
    assert [a.action_type for a in page.items] == [
        "COVER_LETTER_GENERATED_FOR_JOB",
        "GENERAL_RESUME_GENERATED",
    ]
    letters = await core.list_documents.execute(me, None, DocumentKind.COVER_LETTER)
    assert [d.id for d in letters.items] == [letter.id]
    assert (await core.list_documents.execute(me, None)).total == 2


async def test_documents_for_unknown_jobs_are_not_found(core: Skael) -> None:
    me = (await register(core)).user_id
    with pytest.raises(NotFound):
        await core.generate_document.execute(me, None, DocumentKind.RESUME, 77)
    assert (await core.list_documents.execute(me, None)).total == 0


async def test_a_document_is_readable_by_its_owner_only(core: Skael) -> None:
    ada = (await register(core)).user_id
    bob = (await register(core, "bob@example.com")).user_id
    doc = await core.generate_document.execute(ada, None, DocumentKind.RESUME)
    with pytest.raises(Forbidden):
        await core.get_document.execute(bob, doc.id)
    with pytest.raises(NotFound):
        await core.get_document.execute(ada, 12345)


def test_document_kind_parses_and_rejects() -> None:
    assert document_kind(None) is DocumentKind.RESUME
    assert document_kind(" Cover_Letter ") is DocumentKind.COVER_LETTER
    with pytest.raises(InvalidInput):
        document_kind("poem")
