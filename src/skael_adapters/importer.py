"""Reading job-provider exports into core jobs, one record at a time.

Three shapes, each optionally gzip-compressed (recognised by its magic bytes, whatever
the file is called):

    a search response   {"metadata": {...}, "data": [posting, ...]}   decoded at once
    a JSON list         [posting, ...]                                 decoded at once
    JSON Lines          one posting per line                           streamed by line

A file named ``*.jsonl`` or ``*.ndjson`` (``.gz`` allowed) is read as JSON Lines; any
other is recognised by its content: JSON Lines when its first line holds a whole
posting. Postings are decoded with the Theirstack wire Structs and mapped by the same
``to_job`` as the live source. A bad record becomes an :class:`ImportItem` carrying an
error and its position; only a file that cannot be opened or read at all raises
:class:`ImportFileError`.

:func:`open_export` also gives the lines of a JSON Lines export undecoded, with their
numbers, for :mod:`skael_adapters.parallel_import` to decode elsewhere with
:func:`line_item`.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import msgspec

from skael_adapters.theirstack.mapping import to_job
from skael_adapters.theirstack.wire import JobPosting, RawSearchResponse
from skael_core.model import FeedRecord, Job
from skael_core.ports import PostingFeed

_GZIP_MAGIC = b"\x1f\x8b"
_LINES_SUFFIXES = (".jsonl", ".ndjson")
_POSTING = msgspec.json.Decoder(JobPosting)
_WHOLE = msgspec.json.Decoder(RawSearchResponse | list[msgspec.Raw])
_READ_ERRORS = (OSError, EOFError, zlib.error)

_Stream = gzip.GzipFile | io.BufferedReader


class ImportFileError(Exception):
    """The file is missing, unreadable, or not JSON of a known shape."""


class _Probe(msgspec.Struct):
    """The keys that tell a posting from a search response, left undecoded (empty: absent)."""

    id: msgspec.Raw = msgspec.Raw()
    data: msgspec.Raw = msgspec.Raw()


_PROBE = msgspec.json.Decoder(_Probe)


class ImportItem(msgspec.Struct, frozen=True, kw_only=True):
    """One record of an export: its job, or the reason it was refused.

    ``position`` is the 1-based line number in JSON Lines and the 0-based index into
    the list otherwise; ``where`` says which ("line 12", "index 3").
    """

    position: int
    where: str
    job: Job | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.job is not None


def iter_postings(path: str | Path, *, source: str = "theirstack") -> Iterator[ImportItem]:
    """Every record of the export at ``path``, in file order, mapped or refused.

    The file is opened and recognised at once, so a missing or unreadable file raises
    :class:`ImportFileError` here rather than on the first ``next``.
    """
    return open_export(path, source=source).items


@dataclass(frozen=True, slots=True)
class OpenedExport:
    """An export opened and recognised; read one of the two iterators, they share the file.

    ``items`` gives every record mapped or refused, as :func:`iter_postings`. ``lines``
    is set for JSON Lines only: each non-blank line undecoded with its 1-based number,
    then :class:`ImportFileError` where the file turns unreadable (after the lines read
    before it), for :func:`line_item` to decode, possibly in another process.
    """

    items: Iterator[ImportItem]
    lines: Iterator[tuple[int, bytes]] | None = None


def open_export(path: str | Path, *, source: str = "theirstack") -> OpenedExport:
    """The export at ``path``, opened and recognised at once (see :func:`iter_postings`)."""
    path = Path(path)
    stream = _open(path)
    try:
        first = _first_line(stream, path)
        if first is None:
            stream.close()
            return OpenedExport(items=iter(()))
        if _is_lines(path, first):
            lines = _numbered_lines(stream, first, path)
            items = (line_item(line, number, source) for number, line in lines)
            return OpenedExport(items=items, lines=lines)
        return OpenedExport(items=_whole(stream, first, path, source))
    except BaseException:
        stream.close()
        raise


def line_item(line: bytes, number: int, source: str = "theirstack") -> ImportItem:
    """Line ``number`` of a JSON Lines export, mapped or refused (as :func:`iter_postings`)."""
    return _item(line, number, f"line {number}", source)


def iter_batches(
    path: str | Path, size: int = 1000, *, source: str = "theirstack"
) -> Iterator[list[ImportItem]]:
    """``iter_postings`` in lists of at most ``size`` items, to store a batch at a time."""
    if size < 1:
        raise ValueError("size must be at least 1")
    items = iter_postings(path, source=source)
    return iter(lambda: list(islice(items, size)), [])


# --------------------------------------------------------------------------- opening


def _open(path: Path) -> _Stream:
    try:
        raw = path.open("rb")
    except FileNotFoundError:
        raise ImportFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ImportFileError(f"{path}: is a directory, not a file") from None
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot be opened ({exc.strerror or exc})") from None
    try:
        compressed = raw.read(2) == _GZIP_MAGIC
        raw.seek(0)
    except OSError as exc:
        raw.close()
        raise ImportFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return gzip.GzipFile(fileobj=raw, mode="rb") if compressed else raw


def _first_line(stream: _Stream, path: Path) -> tuple[int, bytes] | None:
    """The first non-blank line and its number, or None for an empty file."""
    try:
        for number, line in enumerate(stream, start=1):
            if line.strip():
                return number, line
    except _READ_ERRORS as exc:
        raise ImportFileError(f"{path}: cannot be read ({exc})") from None
    return None


def _is_lines(path: Path, first: tuple[int, bytes]) -> bool:
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(_LINES_SUFFIXES):
        return True
    text = first[1].strip()
    if not text.startswith(b"{"):
        return False
    try:
        probe = _PROBE.decode(text)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return False  # an object spread over several lines: one whole document
    return len(probe.id) > 0 or len(probe.data) == 0


# --------------------------------------------------------------------------- reading


def _numbered_lines(
    stream: _Stream, first: tuple[int, bytes], path: Path
) -> Iterator[tuple[int, bytes]]:
    last = first[0]
    with stream:
        yield first
        try:
            for last, line in enumerate(stream, start=first[0] + 1):
                if line.strip():
                    yield last, line
        except _READ_ERRORS as exc:
            raise ImportFileError(f"{path}: unreadable after line {last} ({exc})") from None


def _whole(
    stream: _Stream, first: tuple[int, bytes], path: Path, source: str
) -> Iterator[ImportItem]:
    with stream:
        try:
            content = first[1] + stream.read()
        except _READ_ERRORS as exc:
            raise ImportFileError(f"{path}: cannot be read ({exc})") from None
    try:
        document = _WHOLE.decode(content)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise ImportFileError(
            f"{path}: neither a search response, a JSON list nor JSON Lines ({exc})"
        ) from None
    if isinstance(document, RawSearchResponse):
        named = document.metadata.skael_source if document.metadata else None
        return _records(document.data, named or source)
    return _records(document, source)


def _records(records: Iterable[msgspec.Raw], source: str) -> Iterator[ImportItem]:
    for index, record in enumerate(records):
        yield _item(record, index, f"index {index}", source)


def _item(record: bytes | msgspec.Raw, position: int, where: str, source: str) -> ImportItem:
    try:
        job = to_job(_POSTING.decode(record), source=source)
    except msgspec.ValidationError as exc:
        return ImportItem(position=position, where=where, error=f"not a posting: {exc}")
    except msgspec.DecodeError as exc:
        return ImportItem(position=position, where=where, error=f"malformed JSON: {exc}")
    except ValueError as exc:
        return ImportItem(position=position, where=where, error=f"refused: {exc}")
    return ImportItem(position=position, where=where, job=job)


# --------------------------------------------------------------------------- the feed


def record_of(path: str | Path, item: ImportItem) -> FeedRecord:
    """``item`` of the export at ``path`` as a feed record, named "PATH:POSITION"."""
    return FeedRecord(
        position=item.position, where=f"{path}:{item.position}", job=item.job, error=item.error
    )


class ExportFeed(PostingFeed):
    """The records of export files read in this process, file after file, in chunks of
    ``chunk_size``. A file that cannot be opened or read raises :class:`ImportFileError`
    when the feed reaches it."""

    def __init__(
        self, paths: Sequence[str | Path], *, chunk_size: int = 1000, source: str = "theirstack"
    ) -> None:
        self.name = ", ".join(str(path) for path in paths)
        self._paths = list(paths)
        self._chunk_size = max(1, chunk_size)
        self._source = source

    async def chunks(self) -> AsyncIterator[Sequence[FeedRecord]]:
        for path in self._paths:
            items = iter_postings(path, source=self._source)
            while chunk := list(islice(items, self._chunk_size)):
                yield [record_of(path, item) for item in chunk]
