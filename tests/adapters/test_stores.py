"""Revoked tokens and login throttling on a Litestar store: memory, and a real Redis."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore

from skael_adapters.stores import StoreLoginThrottle, StoreRevokedTokens
from skael_adapters.system import FixedClock
from support import server_url


def _redis_or_skip() -> str:
    return server_url("SKAEL_TEST_REDIS_URL")


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[Store]:
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


async def test_throttle_blocks_after_the_limit_and_lets_go_after_the_window(store: Store) -> None:
    now = Seconds()
    throttle = StoreLoginThrottle(store, limit=3, window=60, now=now)
    keys = ["login:account:a@example.com", "login:client:10.0.0.1"]
    for _ in range(2):
        await throttle.record_failure(keys)
        now.now += 1
    assert await throttle.retry_after(keys) is None
    await throttle.record_failure(keys)
    wait = await throttle.retry_after(keys)
    assert wait is not None and 57 <= wait <= 60
    assert await throttle.retry_after(["login:client:10.0.0.1"]) == wait
    now.now += 61
    assert await throttle.retry_after(keys) is None


async def test_clearing_one_key_leaves_the_other(store: Store) -> None:
    now = Seconds()
    throttle = StoreLoginThrottle(store, limit=2, window=60, now=now)
    keys = ["login:account:a@example.com", "login:client:10.0.0.1"]
    await throttle.record_failure(keys)
    await throttle.record_failure(keys)
    await throttle.clear(keys[0])
    assert await throttle.retry_after(keys[:1]) is None
    assert await throttle.retry_after(keys[1:]) is not None


@pytest.mark.redis
async def test_two_workers_share_throttling_and_revocation_through_redis() -> None:
    url = _redis_or_skip()
    namespace = f"skael-test-{uuid.uuid4().hex}"
    first, second = (RedisStore.with_client(url, namespace=namespace) for _ in range(2))
    try:
        now = Seconds()
        clock = FixedClock(datetime(2026, 11, 25, tzinfo=UTC))
        a, b = (
            StoreLoginThrottle(first, limit=4, now=now),
            StoreLoginThrottle(second, limit=4, now=now),
        )
        for throttle in (a, b, a, b):
            await throttle.record_failure(["login:client:198.51.100.2"])
        assert await a.retry_after(["login:client:198.51.100.2"]) is not None
        await StoreRevokedTokens(first, clock).revoke("t1", clock.now() + timedelta(minutes=5))
        assert await StoreRevokedTokens(second, clock).is_revoked("t1")
    finally:
        await first.delete_all()
        for store in (first, second):
            await store._redis.aclose()
