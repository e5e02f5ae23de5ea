"""The JSON of the job answers, with each job's part encoded once.

A job's listing (``JobListing``) is most of the bytes of ``GET /jobs/{id}`` and of a
page of ``GET /jobs/list_jobs``, and building it (the wire Struct, every technology's
id, the JSON) cost more than reading the job. :class:`JobJson` keeps the JSON of the
last jobs it encoded and the answers are put together from those bytes, exactly as
the Structs of :mod:`.schemas` encode: the handlers still declare those Structs, so
the API document does not change, and a test compares the bytes.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Sequence
from typing import Final, TypeVar, cast

import msgspec
from litestar import Response
from litestar.enums import MediaType

from skael_core.model import Job, Page, RankedJob

from .schemas import JobListing

S = TypeVar("S")

_encode = msgspec.json.Encoder().encode

_MESSAGES: Final = b',"messages":"success"}'
_PAGE_START: Final = b'{"messages":"success","jobs":['
_SCORE: Final = b',"match_score":'
_EXPLANATION: Final = b',"match_explanation":'


class JobJson:
    """The JSON of the listings of the last ``size`` jobs answered, by job.

    Jobs are frozen, and the SQL store hands out one object per stored version of a
    job (``mapping.full_jobs``): an entry serves only that very object, so a job
    changed since, or another store's job with the same id, is encoded anew and an
    answer is never stale. An entry holds its job (so the identity stays meaningful)
    and about 3 kB of JSON. When full, the older half is forgotten. Created by the
    container, sized by ``SKAEL_JOB_JSON_CACHE_SIZE`` (0 encodes every time).
    """

    def __init__(self, size: int = 8192, pages: int = 0) -> None:
        self._size = max(0, size)
        self._known: dict[int, tuple[Job, bytes]] = {}
        self._pages = max(0, pages)
        self._known_pages: OrderedDict[int, tuple[Page[RankedJob], bytes]] = OrderedDict()

    def listing(self, job: Job) -> bytes:
        """``JobListing.of(job)`` as JSON."""
        known = self._known.get(job.id)
        if known is not None and known[0] is job:
            return known[1]
        encoded = _encode(JobListing.of(job))
        if self._size:
            if len(self._known) >= self._size:
                for old in list(itertools.islice(self._known, max(1, self._size // 2))):
                    del self._known[old]
            self._known[job.id] = (job, encoded)
        return encoded

    def job(self, job: Job) -> bytes:
        """``JobListingResponse.of(job)`` as JSON: the listing, then ``messages``."""
        return self.listing(job)[:-1] + _MESSAGES

    def scored_page(self, ranked: Sequence[RankedJob], total: int | None) -> bytes:
        """``ScoredJobsOut`` of ``ranked`` and ``total`` as JSON: each job's listing with
        its ``match_score`` and ``match_explanation`` after it (``RankedJobListing``)."""
        parts = [
            b"".join(
                (
                    self.listing(r.job)[:-1],
                    _SCORE,
                    _encode(r.match.score),
                    _EXPLANATION,
                    _encode(r.match.explanation),
                    b"}",
                )
            )
            for r in ranked
        ]
        return b"".join((_PAGE_START, b",".join(parts), b'],"total":', _encode(total), b"}"))

    def page(self, page: Page[RankedJob]) -> bytes:
        """:meth:`scored_page` of a page's items and total, remembered for the last
        ``pages`` page objects (a scored page the core kept comes back as the very same
        object; an entry serves only that object)."""
        known = self._known_pages.get(id(page))
        if known is not None and known[0] is page:
            self._known_pages.move_to_end(id(page))
            return known[1]
        encoded = self.scored_page(page.items, page.total)
        if self._pages:
            self._known_pages[id(page)] = (page, encoded)
            while len(self._known_pages) > self._pages:
                self._known_pages.popitem(last=False)
        return encoded

    def __len__(self) -> int:
        return len(self._known)


class EncodedJson(Response[S]):
    """An answer whose body is already the JSON of an ``S``: a handler declares
    ``Response[S]``, so the API document shows ``S``, and sends these bytes as they are."""

    def __init__(self, encoded: bytes) -> None:
        super().__init__(content=cast("S", encoded), media_type=MediaType.JSON)
