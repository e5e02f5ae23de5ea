"""Reading a file from a ``multipart/form-data`` body, and answering with a file.

The body is parsed as it streams in (the ``multipart`` package that Litestar itself
uses), so a file past its limit is refused at the byte that crosses it, and memory
holds at most one file of the allowed size:

- a body larger than the route's limit, or a file larger than the core's: 413;
- more parts than :data:`MAX_PARTS`, or a part header past the parser's limit: 413;
- a body that is not ``multipart/form-data``: 415; a malformed one: 400;
- no ``file`` part, or two: 422 naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from litestar import Request, Response
from litestar.exceptions import ClientException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from multipart import (
    MultipartSegment,
    ParserError,
    ParserLimitReached,
    PushMultipartParser,
)

from skael_core.errors import InvalidInput, TooLarge
from skael_core.files import FIELD, ExportedFile
from skael_core.usecases.documents import MAX_UPLOAD_BYTES

from .errors import UnsupportedMediaType

MULTIPART: Final = "multipart/form-data"
MAX_PARTS: Final = 8
"""Parts a form may have: the file and a few fields a client may add (all ignored)."""
FORM_OVERHEAD: Final = 64 * 1024
UPLOAD_BODY_LIMIT: Final = MAX_UPLOAD_BYTES + FORM_OVERHEAD
"""The largest body an upload route reads: the largest file and its form around it."""


@dataclass(frozen=True)
class Upload:
    filename: str | None
    content_type: str | None
    content: bytes


def _boundary(request: Request[Any, Any, Any]) -> bytes:
    media, options = request.content_type
    if media != MULTIPART:
        raise UnsupportedMediaType(
            detail=f"unsupported content type {media or '(none)'!r}: send the file as "
            f"{MULTIPART}, in the field {FIELD!r}"
        )
    boundary = options.get("boundary", "")
    if not boundary:
        raise ClientException(detail=f"the {MULTIPART} body names no boundary")
    return boundary.encode("latin-1", "replace")


async def read_upload(request: Request[Any, Any, Any], limit: int) -> Upload:
    """The one file of the field ``file`` of a multipart body, at most ``limit`` bytes."""
    boundary = _boundary(request)
    files: list[Upload] = []
    segment: MultipartSegment | None = None
    data = bytearray()
    try:
        with PushMultipartParser(boundary, max_segment_count=MAX_PARTS) as parser:
            async for chunk in request.stream():
                for event in parser.parse(chunk):
                    if isinstance(event, MultipartSegment):
                        segment, data = event, bytearray()
                    elif event is None and segment is not None:
                        if segment.name == FIELD:
                            files.append(
                                Upload(segment.filename, segment.content_type, bytes(data))
                            )
                        segment = None
                    elif segment is not None and segment.name == FIELD:
                        data += event
                        if len(data) > limit:
                            raise TooLarge("the file", limit)
                if parser.closed:
                    break
    except ParserLimitReached:
        raise RequestEntityTooLarge(
            detail=f"the form is too large: at most {MAX_PARTS} parts with short headers"
        ) from None
    except ParserError as exc:
        raise ClientException(detail=f"the {MULTIPART} body is malformed: {exc}") from None
    if len(files) != 1:
        problem = "is required" if not files else "must be sent once"
        raise InvalidInput.field(FIELD, f"{problem}: send the resume in the form field {FIELD!r}")
    return files[0]


def file_response(exported: ExportedFile) -> Response[bytes]:
    """A file to download: its media type, and its name in ``Content-Disposition``."""
    return Response(
        exported.content,
        media_type=exported.media_type,
        headers={"Content-Disposition": f'attachment; filename="{exported.filename}"'},
    )
