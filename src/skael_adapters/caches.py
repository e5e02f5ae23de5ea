"""Process-local caches behind core ports."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Sequence

from skael_core.model import Page, RankedJob
from skael_core.ports import RankingCache, ScoredPageCache


class MemoryRankingCache(RankingCache):
    """The last ``size`` rankings of this process, each kept at most ``ttl`` seconds.

    Least recently used entries go first. The age bound is what limits how long a job
    changed in place by another process keeps its old position (a new posting changes
    the key at once; see ``RankJobsForUser``). A ranking is stored as given: pass an
    ``array`` of ids to keep an entry at 8 bytes a job.
    """

    def __init__(
        self, size: int = 2048, ttl: float = 300.0, now: Callable[[], float] = time.monotonic
    ) -> None:
        self._size = max(1, size)
        self._ttl = ttl
        self._now = now
        self._entries: OrderedDict[bytes, tuple[float, Sequence[int]]] = OrderedDict()

    async def get(self, key: bytes) -> Sequence[int] | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        stored_at, ranking = entry
        if self._now() - stored_at > self._ttl:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return ranking

    async def put(self, key: bytes, job_ids: Sequence[int]) -> None:
        self._entries[key] = (self._now(), job_ids)
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)

    async def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


class MemoryScoredPageCache(ScoredPageCache):
    """The last ``size`` scored pages of this process, least recently used first out.

    An entry is only as good as its store version, which the use case compares; a page
    of 50 jobs holds their matches (the jobs themselves are shared with the store's
    memory of decoded jobs), some 100 kB.
    """

    def __init__(self, size: int = 512) -> None:
        self._size = max(1, size)
        self._entries: OrderedDict[bytes, tuple[str, Page[RankedJob]]] = OrderedDict()

    def get(self, key: bytes) -> tuple[str, Page[RankedJob]] | None:
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(self, key: bytes, version: str, page: Page[RankedJob]) -> None:
        self._entries[key] = (version, page)
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
