"""Files in and out: what kind an uploaded file is, plain text, and exported files.

The kind of an upload is decided by its bytes, not by its name or declared type: a PDF
starts with ``%PDF-``, a DOCX is a ZIP package (the reader checks it holds a Word
document), anything else must be text in UTF-8 (or UTF-16 with its byte-order mark).
A name or type that promises a PDF or DOCX the bytes do not hold is refused, as is an
old binary Word file (``.doc``), with a reason the person can act on.
"""

from __future__ import annotations

import enum

import msgspec

from .errors import InvalidInput

FIELD = "file"
"""The multipart field, and the field an upload's errors name."""


class FileKind(enum.StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    TEXT = "text"


class ExportFormat(enum.StrEnum):
    """What a document can be exported as."""

    MD = "md"
    PDF = "pdf"
    DOCX = "docx"


MEDIA_TYPES = {  # text is sent as UTF-8 (the web layer names the charset)
    ExportFormat.MD: "text/markdown",
    ExportFormat.PDF: "application/pdf",
    ExportFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class ExportedFile(msgspec.Struct, frozen=True, kw_only=True):
    """A document as a file: its name, media type and bytes."""

    filename: str
    media_type: str
    content: bytes


def export_format(value: str) -> ExportFormat:
    """``pdf``, ``docx`` or ``md`` in any letter case; anything else is ``InvalidInput``."""
    try:
        return ExportFormat(value.strip().lower())
    except ValueError:
        raise InvalidInput.field("format", "must be one of pdf, docx or md") from None


_PDF = b"%PDF-"
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary Office files (.doc)


def _claims(filename: str | None, content_type: str | None) -> FileKind | None:
    name = (filename or "").strip().lower()
    media = (content_type or "").split(";")[0].strip().lower()
    if name.endswith(".pdf") or media == "application/pdf":
        return FileKind.PDF
    if name.endswith(".docx") or media == MEDIA_TYPES[ExportFormat.DOCX]:
        return FileKind.DOCX
    return None


def file_kind(
    content: bytes, filename: str | None = None, content_type: str | None = None
) -> FileKind:
    """The kind of an uploaded file, from its first bytes; ``InvalidInput`` saying why
    for an empty file, a PDF or DOCX in name only, or a file of another kind."""
    if not content.strip():
        raise InvalidInput.field(FIELD, "the file is empty")
    claimed = _claims(filename, content_type)
    head = content[:1024]
    if _PDF in head:
        return FileKind.PDF
    if content.startswith(_ZIP):
        return FileKind.DOCX
    if content.startswith(_OLE):
        raise InvalidInput.field(
            FIELD, "this is an old Word (.doc) file, which is not read: save it as DOCX or PDF"
        )
    if claimed is FileKind.PDF:
        raise InvalidInput.field(FIELD, "the file is named or typed as a PDF but is not one")
    if claimed is FileKind.DOCX:
        raise InvalidInput.field(FIELD, "the file is named or typed as a DOCX but is not one")
    return FileKind.TEXT


_NOT_TEXT = "is not a PDF, a DOCX or a plain-text file"


def plain_text(content: bytes) -> str:
    """The text of a plain-text upload: UTF-8 (a byte-order mark allowed), or UTF-16
    with its byte-order mark. Binary content is ``InvalidInput``."""
    utf16 = content.startswith((b"\xff\xfe", b"\xfe\xff"))
    encoding = "utf-16" if utf16 else "utf-8-sig"
    try:
        text = content.decode(encoding)
    except UnicodeDecodeError:
        raise InvalidInput.field(FIELD, f"the file {_NOT_TEXT} (it is not UTF-8 text)") from None
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\n\r\f")
    if "\x00" in text or controls > len(text) // 100:
        raise InvalidInput.field(FIELD, f"the file {_NOT_TEXT} (it holds binary data)")
    return text
