"""Shared state for every worker on a Litestar store: revoked tokens and login failures.

The store is a ``MemoryStore`` in one process, or a ``RedisStore`` (``SKAEL_REDIS_URL``)
when several workers must agree.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from datetime import datetime

import msgspec
from litestar.stores.base import Store

from skael_core.ports import Clock, LoginThrottle, RevokedTokens


class StoreRevokedTokens(RevokedTokens):
    """A revoked token id is kept until the token would have expired anyway."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def revoke(self, token_id: str, until: datetime) -> None:
        seconds = math.ceil((until - self._clock.now()).total_seconds())
        if seconds > 0:
            await self._store.set(f"revoked:{token_id}", b"1", expires_in=seconds)

    async def is_revoked(self, token_id: str) -> bool:
        return await self._store.exists(f"revoked:{token_id}")


class StoreLoginThrottle(LoginThrottle):
    """At most ``limit`` failures per key within a sliding ``window`` of seconds."""

    def __init__(
        self,
        store: Store,
        limit: int = 10,
        window: int = 900,
        now: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._limit = limit
        self._window = window
        self._now = now

    async def _failures(self, key: str, now: float) -> list[float]:
        raw = await self._store.get(key)
        if raw is None:
            return []
        try:
            stamps = msgspec.json.decode(raw, type=list[float])
        except msgspec.DecodeError:
            return []
        return [t for t in stamps if t > now - self._window]

    async def retry_after(self, keys: Sequence[str]) -> int | None:
        now = self._now()
        waits = []
        for key in keys:
            stamps = await self._failures(key, now)
            if len(stamps) >= self._limit:
                waits.append(math.ceil(stamps[-self._limit] + self._window - now))
        return max(waits) if waits else None

    async def record_failure(self, keys: Sequence[str]) -> None:
        now = self._now()
        for key in keys:
            stamps = [*await self._failures(key, now), now][-self._limit :]
            await self._store.set(key, msgspec.json.encode(stamps), expires_in=self._window)

    async def clear(self, key: str) -> None:
        await self._store.delete(key)
