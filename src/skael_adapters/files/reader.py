"""The text of uploaded PDF (pypdf) and DOCX (python-docx) files.

Every failure of a library on a file is the file's fault, and becomes an
``InvalidInput`` naming the ``file`` field with a reason the person can act on. Work
is done in a worker thread, so a large file never holds up the event loop.

Limits that keep a hostile file cheap: a PDF is read up to :attr:`max_pages` pages; a
DOCX is refused before anything is unpacked when its ZIP directory declares more than
:attr:`max_expanded_bytes` in all (a "zip bomb"): Python's ``zipfile`` never unpacks
more than an entry declares, so the declared sizes bound the work.
"""

from __future__ import annotations

import asyncio
import io
import zipfile
from collections.abc import Iterator
from typing import Any

from skael_core.errors import InvalidInput
from skael_core.files import FIELD, FileKind
from skael_core.ports import DocumentReader

MAX_EXPANDED_BYTES = 32 * 1024 * 1024
MAX_ZIP_ENTRIES = 1000
MAX_PAGES = 50


def _refuse(reason: str) -> InvalidInput:
    return InvalidInput.field(FIELD, reason)


class PdfDocxReader(DocumentReader):
    """Reads PDF files with pypdf and DOCX files with python-docx."""

    def __init__(
        self, max_expanded_bytes: int = MAX_EXPANDED_BYTES, max_pages: int = MAX_PAGES
    ) -> None:
        self.max_expanded_bytes = max_expanded_bytes
        self.max_pages = max_pages

    async def text(self, kind: FileKind, content: bytes) -> str:
        if kind is FileKind.PDF:
            return await asyncio.to_thread(self.pdf_text, content)
        if kind is FileKind.DOCX:
            return await asyncio.to_thread(self.docx_text, content)
        raise ValueError(f"not a file kind this reader reads: {kind}")

    # ----------------------------------------------------------------------- PDF

    def pdf_text(self, content: bytes) -> str:
        from pypdf import PdfReader

        try:
            reader = PdfReader(io.BytesIO(content), strict=False)
            if reader.is_encrypted and not _opens_without_password(reader):
                raise _refuse("the PDF is encrypted with a password: upload a copy without one")
            pages = reader.pages
            if len(pages) > self.max_pages:
                raise _refuse(f"the PDF has {len(pages)} pages; at most {self.max_pages} are read")
            text = "\n".join(page.extract_text() or "" for page in pages)
        except InvalidInput:
            raise
        except Exception:
            raise _refuse("the PDF cannot be read: it is damaged or not really a PDF") from None
        if not text.strip():
            raise _refuse(
                "the PDF has no text layer (a scanned image?): upload the PDF your editor "
                "exported, a DOCX or plain text"
            )
        return text

    # ----------------------------------------------------------------------- DOCX

    def docx_text(self, content: bytes) -> str:
        self._check_package(content)
        import docx

        try:
            document = docx.Document(io.BytesIO(content))
            lines = [*_header_lines(document), *_body_lines(document)]
        except Exception:
            raise _refuse("the DOCX cannot be read: it is damaged") from None
        return "\n".join(lines)

    def _check_package(self, content: bytes) -> None:
        try:
            package = zipfile.ZipFile(io.BytesIO(content))
            entries = package.infolist()
        except (zipfile.BadZipFile, ValueError, OSError):
            raise _refuse("the file is not a DOCX: it is not a ZIP package") from None
        if "word/document.xml" not in {e.filename for e in entries}:
            raise _refuse("the file is a ZIP archive but not a Word document (DOCX)")
        expanded = sum(e.file_size for e in entries)
        if expanded > self.max_expanded_bytes or len(entries) > MAX_ZIP_ENTRIES:
            raise _refuse(
                f"the DOCX expands to {expanded:,} bytes in {len(entries)} parts when unpacked; "
                f"at most {self.max_expanded_bytes:,} bytes in {MAX_ZIP_ENTRIES} parts are read"
            )


def _opens_without_password(reader: Any) -> bool:
    """Whether an encrypted PDF opens with the empty password (owner restrictions only)."""
    try:
        return bool(reader.decrypt(""))
    except Exception:
        return False


def _line(paragraph: Any) -> str | None:
    text = " ".join(paragraph.text.split())
    if not text:
        return None
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    numbered = paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
    if numbered or style.startswith("List"):
        return f"- {text}"
    return text


def _header_lines(document: Any) -> Iterator[str]:
    for section in document.sections[:1]:
        for paragraph in section.header.paragraphs:
            if (line := _line(paragraph)) is not None:
                yield line


def _body_lines(document: Any) -> Iterator[str]:
    """Paragraphs and tables in the order of the body; a table cell by cell, each merged
    cell once, so a two-column layout reads one column after the other."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            if (line := _line(block)) is not None:
                yield line
        elif isinstance(block, Table):
            yield from _table_lines(block)


def _table_lines(table: Any) -> Iterator[str]:
    seen: set[int] = set()
    for row in table.rows:
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            for paragraph in cell.paragraphs:
                if (line := _line(paragraph)) is not None:
                    yield line
            for inner in cell.tables:
                yield from _table_lines(inner)
