"""Revoked tokens and login throttling on a Litestar store: the process's own store,
Litestar's memory store and a real Redis; the fallback store that stands in for Redis
when it does not answer."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import redis.exceptions
from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore

from servers import free_port
from skael_adapters.stores import (
    FallbackStore,
    LocalStore,
    StoreLoginThrottle,
    StoreRevokedTokens,
    redis_with_fallback,
    shared_state,
)
from skael_adapters.system import FixedClock
from skael_core.model import Failures
from support import server_url
from tcp_proxy import silent_port, tcp_proxy


def _redis_or_skip() -> str:
    return server_url("SKAEL_TEST_REDIS_URL")


@pytest.fixture(params=["local", "memory", pytest.param("redis", marks=pytest.mark.redis)])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[Store]:
    if request.param == "local":
        yield LocalStore()
        return
    if request.param == "memory":
        yield MemoryStore()
        return
    redis = RedisStore.with_client(_redis_or_skip(), namespace=f"skael-test-{uuid.uuid4().hex}")
    try:
        yield redis
    finally:
        await redis.delete_all()
        await redis._redis.aclose()


class Seconds:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_a_revoked_token_stays_revoked_until_it_would_expire(store: Store) -> None:
    clock = FixedClock(datetime(2026, 11, 25, tzinfo=UTC))
    revoked = StoreRevokedTokens(store, clock)
    await revoked.revoke("abc", clock.now() + timedelta(seconds=60))
    assert await revoked.is_revoked("abc")
    assert not await revoked.is_revoked("other")
    await revoked.revoke("expired", clock.now() - timedelta(seconds=1))
    assert not await revoked.is_revoked("expired")
    assert 0 < (await store.expires_in("revoked:abc") or 0) <= 60


async def test_throttle_keeps_failures_per_key_until_they_are_forgotten(store: Store) -> None:
    throttle = StoreLoginThrottle(store)
    at = datetime(2026, 11, 25, 10, 0, 0, 500_000, tzinfo=UTC)
    await throttle.put("login:a@example.com|10.0.0.1", Failures(count=3, last_at=at), 60)
    assert await throttle.failures("login:a@example.com|10.0.0.1") == Failures(count=3, last_at=at)
    assert await throttle.failures("login:a@example.com|10.0.0.2") is None
    assert 0 < (await store.expires_in("login:a@example.com|10.0.0.1") or 0) <= 60


async def test_clearing_one_key_leaves_the_other(store: Store) -> None:
    throttle = StoreLoginThrottle(store)
    failures = Failures(count=2, last_at=datetime(2026, 11, 25, tzinfo=UTC))
    keys = ["login:a@example.com|10.0.0.1", "login-address:10.0.0.1"]
    for key in keys:
        await throttle.put(key, failures, 60)
    await throttle.clear(keys[0])
    assert await throttle.failures(keys[0]) is None
    assert await throttle.failures(keys[1]) == failures


async def test_a_value_of_another_version_reads_as_no_failures(store: Store) -> None:
    await store.set("login-address:10.0.0.1", b"[1764064800.0, 1764064801.0]", expires_in=60)
    assert await StoreLoginThrottle(store).failures("login-address:10.0.0.1") is None


@pytest.mark.redis
async def test_two_workers_share_throttling_and_revocation_through_redis() -> None:
    url = _redis_or_skip()
    namespace = f"skael-test-{uuid.uuid4().hex}"
    first, second = (RedisStore.with_client(url, namespace=namespace) for _ in range(2))
    try:
        clock = FixedClock(datetime(2026, 11, 25, tzinfo=UTC))
        a, b = StoreLoginThrottle(first), StoreLoginThrottle(second)
        failures = Failures(count=4, last_at=clock.now())
        await a.put("login-address:198.51.100.2", failures, 60)
        assert await b.failures("login-address:198.51.100.2") == failures
        await StoreRevokedTokens(first, clock).revoke("t1", clock.now() + timedelta(minutes=5))
        assert await StoreRevokedTokens(second, clock).is_revoked("t1")
    finally:
        await first.delete_all()
        for store in (first, second):
            await store._redis.aclose()


# --------------------------------------------------------------------------- fallback


class FlakyStore(MemoryStore):
    """A shared store that can be switched off: while ``up`` is false every call fails."""

    def __init__(self) -> None:
        super().__init__()
        self.up = True

    def _answer(self) -> None:
        if not self.up:
            raise redis.exceptions.ConnectionError("Connection refused")

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        self._answer()
        await super().set(key, value, expires_in)

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        self._answer()
        return await super().get(key, renew_for)

    async def delete(self, key: str) -> None:
        self._answer()
        await super().delete(key)

    async def exists(self, key: str) -> bool:
        self._answer()
        return await super().exists(key)

    async def expires_in(self, key: str) -> int | None:
        self._answer()
        return await super().expires_in(key)


class Messages(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def store_log() -> Iterator[list[str]]:
    """The warnings the stores log (the app's logging config may stop propagation)."""
    handler = Messages()
    logger = logging.getLogger("skael.stores")
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


CLOCK = FixedClock(datetime(2026, 11, 25, tzinfo=UTC))
SOON = CLOCK.now() + timedelta(seconds=60)


async def test_a_redis_where_nothing_listens_leaves_the_state_to_this_process(
    store_log: list[str],
) -> None:
    store = redis_with_fallback(f"redis://127.0.0.1:{free_port()}/0", timeout=0.5)
    try:
        revoked = StoreRevokedTokens(store, CLOCK)
        await revoked.revoke("t1", SOON)
        assert await revoked.is_revoked("t1")
        assert not await revoked.is_revoked("t2")
        throttle = StoreLoginThrottle(store)
        failures = Failures(count=2, last_at=CLOCK.now())
        await throttle.put("login:a@example.com|", failures, 60)
        assert await throttle.failures("login:a@example.com|") == failures
        assert store.degraded
        assert await shared_state(store) == "degraded"
    finally:
        await store.aclose()
    assert len(store_log) == 1, store_log
    assert store_log[0].startswith("Redis does not answer")


async def test_a_store_of_one_process_is_local() -> None:
    assert await shared_state(MemoryStore()) == "local"


async def test_a_silent_redis_costs_one_timeout_per_retry_period() -> None:
    now = Seconds()
    with silent_port() as port:
        shared = RedisStore.with_client(f"redis://127.0.0.1:{port}/0", namespace="t")
        store = FallbackStore(shared, timeout=0.2, retry_every=30, now=now)
        try:
            started = time.perf_counter()
            await store.set("k", b"1", expires_in=60)
            first = time.perf_counter() - started
            assert store.degraded
            assert 0.2 <= first < 2
            started = time.perf_counter()
            for _ in range(50):
                assert await store.exists("k")
            assert time.perf_counter() - started < 0.15
            now.now += 31
            started = time.perf_counter()
            assert await store.get("k") == b"1"
            assert time.perf_counter() - started >= 0.2
            assert store.degraded
        finally:
            await shared._redis.aclose()


async def test_what_was_written_during_an_outage_reaches_the_shared_store_after_it(
    store_log: list[str],
) -> None:
    shared, now = FlakyStore(), Seconds()
    store = FallbackStore(shared, retry_every=5, now=now)
    revoked = StoreRevokedTokens(store, CLOCK)
    await revoked.revoke("before", SOON)
    await store.set("login:account:a@example.com", b"[1.0]", expires_in=60)
    assert await shared.exists("revoked:before")
    assert await shared_state(store) == "ok"

    shared.up = False
    assert await revoked.is_revoked("before"), "what this process wrote, it still knows"
    await revoked.revoke("during", SOON)
    await store.delete("login:account:a@example.com")
    assert await revoked.is_revoked("during")
    assert await shared_state(store) == "degraded"

    shared.up = True
    assert await shared_state(store) == "degraded", "tried again only once the period is over"
    assert not await shared.exists("revoked:during")
    now.now += 5
    assert await revoked.is_revoked("during")
    assert not store.degraded
    assert await shared.exists("revoked:during")
    assert 0 < (await shared.expires_in("revoked:during") or 0) <= 60
    assert not await shared.exists("login:account:a@example.com")
    assert [m.split(":")[0] for m in store_log] == [
        "the shared store does not answer (Connection refused)",
        "the shared store answers again",
    ]


@pytest.mark.redis
async def test_redis_cut_off_and_back_keeps_revocations(store_log: list[str]) -> None:
    url = urlsplit(_redis_or_skip())
    namespace = f"skael-test-{uuid.uuid4().hex}"
    direct = RedisStore.with_client(url.geturl(), namespace=namespace)
    with tcp_proxy(url.hostname or "127.0.0.1", url.port or 6379) as proxy:
        proxied = url._replace(netloc=f"127.0.0.1:{proxy.port}").geturl()
        store = redis_with_fallback(proxied, namespace=namespace, retry_every=0.3)
        revoked = StoreRevokedTokens(store, CLOCK)
        try:
            await revoked.revoke("t1", SOON)
            assert await direct.exists("revoked:t1")
            proxy.stop()
            await revoked.revoke("t2", SOON)
            assert store.degraded
            assert await revoked.is_revoked("t1") and await revoked.is_revoked("t2")
            assert not await direct.exists("revoked:t2")
            proxy.start()
            await asyncio.sleep(0.4)
            assert await shared_state(store) == "ok"
            assert await direct.exists("revoked:t2")
        finally:
            await direct.delete_all()
            await direct._redis.aclose()
            await store.aclose()
    assert len(store_log) == 2, store_log


async def test_the_local_store_forgets_values_when_they_expire() -> None:
    now = Seconds()
    store = LocalStore(now=now, sweep_every=30)
    await store.set("short", "a", expires_in=10)
    await store.set("long", b"b", expires_in=timedelta(seconds=100))
    await store.set("forever", b"c")
    assert await store.get("short") == b"a" and await store.exists("short")
    assert await store.expires_in("short") == 10 and await store.expires_in("forever") is None
    now.now += 10
    assert await store.get("short") is None and not await store.exists("short")
    assert await store.expires_in("short") is None
    assert await store.get("long", renew_for=50) == b"b"
    assert await store.expires_in("long") == 50
    now.now += 50
    assert not await store.exists("long")
    assert await store.get("forever") == b"c"


async def test_the_local_store_drops_expired_values_it_is_never_asked_for() -> None:
    now = Seconds()
    store = LocalStore(now=now, sweep_every=30)
    for i in range(100):
        await store.set(f"revoked:{i}", b"1", expires_in=5)
    await store.set("kept", b"1")
    assert len(store) == 101
    now.now += 31
    await store.set("next", b"1", expires_in=5)  # a write after the sweep period sweeps
    assert len(store) == 2
    assert await store.exists("kept") and await store.exists("next")
