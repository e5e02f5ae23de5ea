"""Shared state for every worker on a Litestar store: revoked tokens and login failures.

The store is a :class:`LocalStore` in one process, or, when several workers must agree
(``SKAEL_REDIS_URL``), a :class:`FallbackStore` around a ``RedisStore``: while Redis does
not answer, each process carries on with a memory store of its own (see
``docs/architecture.md``, "Shared state when Redis is down").
"""

from __future__ import annotations

import asyncio
import functools
import logging
import math
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Final, Literal, TypeVar

import msgspec
import redis.exceptions
from litestar.stores.base import Store
from litestar.stores.redis import RedisStore
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from skael_core.model import Failures
from skael_core.ports import Clock, LoginThrottle, RevokedTokens

T = TypeVar("T")
SharedState = Literal["ok", "degraded", "local"]

log = logging.getLogger("skael.stores")

UNAVAILABLE: Final[tuple[type[BaseException], ...]] = (
    OSError,
    TimeoutError,
    redis.exceptions.RedisError,
)
"""Errors that make a process stop relying on the shared store: no connection, no answer
in time, or an answer that is not Redis's (a wrong port, a read-only replica, no memory)."""

PROBE_KEY: Final = "probe"
SWEEP_EVERY: Final = 60.0


class LocalStore(Store):
    """A store of one process: a dict, with each value's expiry kept beside it.

    Every request reads it (revoked tokens), so it takes no lock: its methods run on the
    event loop's thread and never await between reading and writing. Expired values
    read as absent and are dropped when read, and all of them once every ``sweep_every``
    seconds of writes, so the dict stays as large as the live values.
    """

    __slots__ = ("_next_sweep", "_now", "_sweep_every", "_values")

    def __init__(
        self, *, now: Callable[[], float] = time.monotonic, sweep_every: float = SWEEP_EVERY
    ) -> None:
        self._values: dict[str, tuple[bytes, float | None]] = {}
        self._now = now
        self._sweep_every = sweep_every
        self._next_sweep = now() + sweep_every

    def _live(self, key: str) -> tuple[bytes, float | None] | None:
        found = self._values.get(key)
        if found is not None and found[1] is not None and found[1] <= self._now():
            del self._values[key]
            return None
        return found

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        now = self._now()
        if now >= self._next_sweep:
            self._next_sweep = now + self._sweep_every
            self._drop_expired(now)
        data = value.encode() if isinstance(value, str) else value
        self._values[key] = (data, None if expires_in is None else now + _seconds(expires_in))

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        found = self._live(key)
        if found is None:
            return None
        if renew_for and found[1] is not None:
            self._values[key] = (found[0], self._now() + _seconds(renew_for))
        return found[0]

    async def delete(self, key: str) -> None:
        self._values.pop(key, None)

    async def delete_all(self) -> None:
        self._values.clear()

    async def delete_expired(self) -> None:
        self._drop_expired(self._now())

    def _drop_expired(self, now: float) -> None:
        expired = [
            k for k, (_, until) in self._values.items() if until is not None and until <= now
        ]
        for key in expired:
            del self._values[key]

    async def exists(self, key: str) -> bool:
        return self._live(key) is not None

    async def expires_in(self, key: str) -> int | None:
        found = self._live(key)
        if found is None or found[1] is None:
            return None
        return math.ceil(found[1] - self._now())

    def __len__(self) -> int:
        return len(self._values)


def _seconds(duration: int | timedelta) -> float:
    return duration.total_seconds() if isinstance(duration, timedelta) else float(duration)


class StoreRevokedTokens(RevokedTokens):
    """A revoked token id is kept until the token would have expired anyway; a user's
    token floor for ``token_lifetime`` seconds, the longest a token issued before it
    could live."""

    def __init__(self, store: Store, clock: Clock, token_lifetime: int = 86_400) -> None:
        self._store = store
        self._clock = clock
        self._token_lifetime = max(1, int(token_lifetime))

    async def revoke(self, token_id: str, until: datetime) -> None:
        seconds = math.ceil((until - self._clock.now()).total_seconds())
        if seconds > 0:
            await self._store.set(f"revoked:{token_id}", b"1", expires_in=seconds)

    async def is_revoked(self, token_id: str) -> bool:
        return await self._store.exists(f"revoked:{token_id}")

    async def revoke_user(self, user_id: int, below_version: int) -> None:
        key = f"user_floor:{user_id}"
        floor = max(below_version, await self.user_floor(user_id))
        await self._store.set(key, str(floor).encode(), expires_in=self._token_lifetime)

    async def user_floor(self, user_id: int) -> int:
        raw = await self._store.get(f"user_floor:{user_id}")
        try:
            return int(raw) if raw is not None else 0
        except ValueError:
            return 0

    def is_shared(self) -> bool:
        """A :class:`FallbackStore` (Redis) that answers holds every process's logouts."""
        return isinstance(self._store, FallbackStore) and not self._store.degraded


class StoreLoginThrottle(LoginThrottle):
    """Failed attempts per key, each kept as ``[count, last failure's timestamp]``; what
    they cost is the core's to say (``skael_core.usecases.throttling``)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def failures(self, key: str) -> Failures | None:
        raw = await self._store.get(key)
        if raw is None:
            return None
        try:
            count, last_at = msgspec.json.decode(raw, type=tuple[int, float])
        except msgspec.DecodeError:  # a value of another version of Skael
            return None
        return Failures(count=count, last_at=datetime.fromtimestamp(last_at, UTC))

    async def put(self, key: str, failures: Failures, keep_for: int) -> None:
        value = msgspec.json.encode((failures.count, failures.last_at.timestamp()))
        await self._store.set(key, value, expires_in=max(1, keep_for))

    async def clear(self, key: str) -> None:
        await self._store.delete(key)


class FallbackStore(Store):
    """A shared store that a process stands in for with a memory store while it fails.

    Every call goes to ``shared`` within ``timeout`` seconds, and every write is also
    kept in a memory store of this process. When ``shared`` fails (an ``unavailable``
    error, or no answer in time) the store is degraded: calls are answered from the
    memory store alone, and ``shared`` is tried again at most once every ``retry_every``
    seconds, so a dead Redis costs one request per period at most, not every request.
    When it answers again, the keys written while it was down are copied to it before
    it is used. Each change of state is logged once, as a warning.
    """

    def __init__(
        self,
        shared: Store,
        *,
        timeout: float = 0.5,
        retry_every: float = 5.0,
        name: str = "the shared store",
        unavailable: tuple[type[BaseException], ...] = UNAVAILABLE,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._shared = shared
        self._local = LocalStore(now=now)
        self._timeout = timeout
        self._retry_every = retry_every
        self._name = name
        self._unavailable = unavailable
        self._now = now
        self._down = False
        self._next_try = 0.0
        self._unsynced: set[str] = set()

    @property
    def degraded(self) -> bool:
        return self._down

    async def state(self) -> Literal["ok", "degraded"]:
        """Whether the shared store answers (asked at most once a period while degraded)."""
        await self._read(lambda store: store.exists(PROBE_KEY))
        return "degraded" if self._down else "ok"

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        await self._write(key, lambda store: store.set(key, value, expires_in))

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        return await self._read(lambda store: store.get(key, renew_for))

    async def delete(self, key: str) -> None:
        await self._write(key, lambda store: store.delete(key))

    async def delete_all(self) -> None:
        """Empty the local store and, when it answers, the shared one."""
        await self._local.delete_all()
        self._unsynced.clear()
        await self._read(lambda store: store.delete_all())

    async def exists(self, key: str) -> bool:
        return await self._read(lambda store: store.exists(key))

    async def expires_in(self, key: str) -> int | None:
        return await self._read(lambda store: store.expires_in(key))

    async def aclose(self) -> None:
        """Release the shared store's connections."""
        await self._shared.__aexit__(None, None, None)

    async def _read(self, operation: Callable[[Store], Awaitable[T]]) -> T:
        if await self._shared_usable():
            try:
                return await self._on_shared(operation)
            except self._unavailable as error:
                self._went_down(error)
        return await operation(self._local)

    async def _write(self, key: str, operation: Callable[[Store], Awaitable[None]]) -> None:
        await operation(self._local)
        if await self._shared_usable():
            try:
                await self._on_shared(operation)
                return
            except self._unavailable as error:
                self._went_down(error)
        self._unsynced.add(key)

    async def _on_shared(self, operation: Callable[[Store], Awaitable[T]]) -> T:
        async with asyncio.timeout(self._timeout):
            return await operation(self._shared)

    async def _shared_usable(self) -> bool:
        """Whether this call may go to the shared store; tries it again when one is due."""
        if not self._down:
            return True
        if self._now() < self._next_try:
            return False
        self._next_try = self._now() + self._retry_every
        try:
            await self._on_shared(lambda store: store.exists(PROBE_KEY))
            await self._copy_unsynced()
        except self._unavailable:
            return False
        self._down = False
        log.warning("%s answers again: revocations and login failures are shared again", self._name)
        return True

    async def _copy_unsynced(self) -> None:
        while self._unsynced:
            key = self._unsynced.pop()
            try:
                await self._on_shared(functools.partial(_copy, key, self._local))
            except BaseException:
                self._unsynced.add(key)
                raise

    def _went_down(self, error: BaseException) -> None:
        self._next_try = self._now() + self._retry_every
        if self._down:
            return
        self._down = True
        log.warning(
            "%s does not answer (%s): revocations and login failures stay in this process "
            "until it does",
            self._name,
            str(error) or type(error).__name__,
        )


async def _copy(key: str, source: Store, target: Store) -> None:
    """Make ``target`` hold what ``source`` holds under ``key``, expiry included."""
    value = await source.get(key)
    expires_in = await source.expires_in(key)
    if value is None or (expires_in is not None and expires_in <= 0):
        await target.delete(key)
    else:
        await target.set(key, value, expires_in=expires_in)


def redis_with_fallback(
    url: str, *, namespace: str = "skael", timeout: float = 0.5, retry_every: float = 5.0
) -> FallbackStore:
    """A ``RedisStore`` at ``url`` behind a :class:`FallbackStore`.

    The client gives up on a connection or a reply after ``timeout`` seconds and retries
    a failed command once, at once (a pooled connection may be stale after a Redis
    restart); the fallback store bounds the whole call to ``timeout`` as well.
    """
    client = Redis.from_url(
        url,
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        retry=Retry(NoBackoff(), 1),
    )
    shared = RedisStore(client, namespace=namespace, handle_client_shutdown=True)
    return FallbackStore(shared, timeout=timeout, retry_every=retry_every, name="Redis")


async def shared_state(store: Store) -> SharedState:
    """``"local"`` for a store of one process; for a shared one, whether it answers."""
    if isinstance(store, FallbackStore):
        return await store.state()
    return "local"
