"""The job ids of sameness keys, in little memory: what a SQLite load that dropped the
index on ``jobs.same_key`` remembers to find the stored jobs a posting may be the same
as (see :mod:`.job_writes`).

Holding every key's text with its job's day and source took about 360 bytes a job in
Python objects (36 MB of a 100,000-posting import's peak). :class:`SameKeyIds` holds
only each key's hash and its job's id, 16 bytes a slot in two flat arrays (an
open-addressing table at most half full: 32 - 64 bytes a job). A hash names candidates,
not answers: two keys may share one, so the load reads the candidates' rows back by id
and keeps those whose ``same_key`` is the posting's own.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable

_FIRST_SLOTS = 1 << 10


def _empty(slots: int) -> array[int]:
    return array("q", bytes(8 * slots))


class SameKeyIds:
    """Job ids by the hash of their sameness key (``hashing``, Python's ``hash`` unless
    given; it stays within one process). Job ids are positive: 0 marks a free slot."""

    def __init__(self, hashing: Callable[[str], int] = hash) -> None:
        self._hash = hashing
        self._mask = _FIRST_SLOTS - 1
        self._hashes = _empty(_FIRST_SLOTS)
        self._ids = _empty(_FIRST_SLOTS)
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def add(self, key: str, job_id: int) -> None:
        """Remember that job ``job_id`` has the sameness key ``key``."""
        if job_id <= 0:
            raise ValueError("job ids are positive")
        self._count += 1
        if 2 * self._count > len(self._ids):
            self._grow()
        self._put(self._hash(key), job_id)

    def add_all(self, entries: Iterable[tuple[str, int]]) -> None:
        """:meth:`add` each (key, job id) of ``entries``, in one loop (a load adds every
        job it writes)."""
        hashing = self._hash
        for key, job_id in entries:
            if job_id <= 0:
                raise ValueError("job ids are positive")
            self._count += 1
            if 2 * self._count > len(self._ids):
                self._grow()
            mask, ids = self._mask, self._ids
            hashed = hashing(key)
            slot = hashed & mask
            while ids[slot]:
                slot = (slot + 1) & mask
            self._hashes[slot] = hashed
            ids[slot] = job_id

    def candidates_of(self, keys: Iterable[str]) -> set[int]:
        """The ids of the jobs whose key has the hash of one of ``keys``: every job with
        one of the keys is among them."""
        hashing, mask, hashes, ids = self._hash, self._mask, self._hashes, self._ids
        found = set()
        for key in keys:
            wanted = hashing(key)
            slot = wanted & mask
            while job_id := ids[slot]:
                if hashes[slot] == wanted:
                    found.add(job_id)
                slot = (slot + 1) & mask
        return found

    def candidates(self, key: str) -> list[int]:
        """The ids of the jobs whose key has the hash of ``key`` (in no order): every
        job with the key ``key`` is among them."""
        wanted = self._hash(key)
        mask, hashes, ids = self._mask, self._hashes, self._ids
        slot = wanted & mask
        found = []
        while job_id := ids[slot]:
            if hashes[slot] == wanted:
                found.append(job_id)
            slot = (slot + 1) & mask
        return found

    def _put(self, hashed: int, job_id: int) -> None:
        mask, ids = self._mask, self._ids
        slot = hashed & mask
        while ids[slot]:
            slot = (slot + 1) & mask
        self._hashes[slot] = hashed
        ids[slot] = job_id

    def _grow(self) -> None:
        """Twice the slots, every entry placed again."""
        hashes, ids = self._hashes, self._ids
        slots = 2 * len(ids)
        self._mask = slots - 1
        self._hashes, self._ids = _empty(slots), _empty(slots)
        for hashed, job_id in zip(hashes, ids, strict=True):
            if job_id:
                self._put(hashed, job_id)
