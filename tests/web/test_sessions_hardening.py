"""Throttling that slows guessing down without locking anyone out (issue 16, 8 and 9).

Failed logins back off per account and address, and per address; wrong old passwords
per account; registrations per address. Each rule is checked on the use cases with a
fixed clock, on the process's own store and on Redis, and through HTTP with real
client addresses.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.stores.base import Store

from skael_adapters.memory import MemoryDatabase
from skael_adapters.security import HmacTokenService
from skael_adapters.stores import (
    LocalStore,
    StoreLoginThrottle,
    StoreRevokedTokens,
    redis_with_fallback,
)
from skael_adapters.system import FixedClock, PycountryCatalog
from skael_core.errors import InvalidInput, Throttled, Unauthenticated
from skael_core.service import Ports, Skael
from skael_core.usecases.accounts import ProfileChanges
from support import NOW, SECRET, EchoWriter, ListJobSource, fast_hasher, register, server_url
from web.web_support import PASSWORD, World, assert_error

VICTIM, OTHER = "victim@example.com", "other@example.com"
ATTACKER, VICTIMS_OWN = "203.0.113.66", "198.51.100.7"
CORRECT = "correct horse battery"
GROWING = [5, 10, 20, 40, 80, 160, 320, 640, 900]
"""The waits after the 10th, 11th, ... failure of one key (docs/api.md)."""


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def shared(request: pytest.FixtureRequest) -> AsyncIterator[Store]:
    """Where failures are kept: this process's memory, or Redis (a namespace of its own)."""
    if request.param == "memory":
        yield LocalStore()
        return
    url = server_url("SKAEL_TEST_REDIS_URL")
    store = redis_with_fallback(url, namespace=f"skael-test-{uuid.uuid4().hex[:12]}")
    try:
        yield store
    finally:
        await store.delete_all()
        await store.aclose()
    assert not store.degraded


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def core(shared: Store, clock: FixedClock) -> Skael:
    return Skael(
        Ports(
            uow=MemoryDatabase().unit_of_work,
            clock=clock,
            hasher=fast_hasher(),
            tokens=HmacTokenService(SECRET, clock),
            revoked=StoreRevokedTokens(shared, clock),
            throttle=StoreLoginThrottle(shared),
            source=ListJobSource(),
            writer=EchoWriter(),
            countries=PycountryCatalog(),
        )
    )


async def _fail_until(
    attempt: Callable[[], Awaitable[object]], failures: int, clock: FixedClock
) -> list[int]:
    """Make ``failures`` failed attempts, waiting out every back-off on the clock; the
    waits asked for, in order."""
    waits: list[int] = []
    failed = 0
    while failed < failures:
        assert len(waits) <= failures, f"still throttled after waiting out {waits}"
        try:
            await attempt()
        except Throttled as throttled:
            waits.append(throttled.retry_after)
            clock.advance(seconds=throttled.retry_after)
        except (Unauthenticated, InvalidInput):
            failed += 1
        else:
            raise AssertionError("the attempt was meant to fail")
    return waits


# --------------------------------------------------------------------------- logins


async def test_an_attacker_never_locks_the_victim_out_and_backs_off_ever_longer(
    core: Skael, clock: FixedClock
) -> None:
    victim = await register(core, VICTIM)
    other = await register(core, OTHER, user_name="Other")

    def guess() -> Awaitable[object]:
        return core.log_in.execute(VICTIM, "a wrong guess", client=ATTACKER)

    waits = await _fail_until(guess, 50, clock)
    assert waits == GROWING + [900] * (40 - len(GROWING)), waits
    session = await core.log_in.execute(VICTIM, CORRECT, client=VICTIMS_OWN)
    assert session.user_id == victim.user_id
    with pytest.raises(Throttled) as caught:  # the attacker's pair still waits
        await core.log_in.execute(VICTIM, CORRECT, client=ATTACKER)
    assert caught.value.retry_after == 900
    # 50 failures are under the address's limit (100): its other accounts still work
    mine = await core.log_in.execute(OTHER, CORRECT, client=ATTACKER)
    assert mine.user_id == other.user_id


async def test_an_address_backs_off_for_every_account_from_its_limit_on(
    core: Skael, clock: FixedClock
) -> None:
    await register(core, OTHER)
    for n in range(99):
        with pytest.raises(Unauthenticated):
            await core.log_in.execute(f"nobody{n}@example.com", "guess", client=ATTACKER)
    assert (await core.log_in.execute(OTHER, CORRECT, client=ATTACKER)).user_id
    with pytest.raises(Unauthenticated):
        await core.log_in.execute("nobody99@example.com", "guess", client=ATTACKER)
    with pytest.raises(Throttled) as caught:
        await core.log_in.execute(OTHER, CORRECT, client=ATTACKER)
    assert caught.value.retry_after == 5
    assert (await core.log_in.execute(OTHER, CORRECT, client=VICTIMS_OWN)).user_id
    clock.advance(seconds=5)
    assert (await core.log_in.execute(OTHER, CORRECT, client=ATTACKER)).user_id


async def test_a_success_forgets_its_pairs_failures_and_failures_are_forgotten_in_an_hour(
    core: Skael, clock: FixedClock
) -> None:
    await register(core, VICTIM)
    for _ in range(9):
        with pytest.raises(Unauthenticated):
            await core.log_in.execute(VICTIM, "typo", client=VICTIMS_OWN)
    await core.log_in.execute(VICTIM, CORRECT, client=VICTIMS_OWN)
    for _ in range(9):
        with pytest.raises(Unauthenticated):
            await core.log_in.execute(VICTIM, "typo", client=VICTIMS_OWN)
    clock.advance(seconds=3600)
    with pytest.raises(Unauthenticated):  # the 9 before were forgotten: this is the first
        await core.log_in.execute(VICTIM, "typo", client=VICTIMS_OWN)
    assert (await core.log_in.execute(VICTIM, CORRECT, client=VICTIMS_OWN)).user_id


# --------------------------------------------------------------------------- old password


@pytest.mark.parametrize("through", ["change_password", "update_profile"])
async def test_wrong_old_passwords_back_off_per_account(
    core: Skael, clock: FixedClock, through: str
) -> None:
    session = await register(core, VICTIM)
    me = session.user_id

    def change(old: str) -> Awaitable[object]:
        if through == "change_password":
            return core.change_password.execute(me, None, old, "a brand new secret")
        return core.update_profile.execute(me, None, ProfileChanges(), "a brand new secret", old)

    waits = await _fail_until(lambda: change("a stolen token's guess"), 13, clock)
    assert waits == GROWING[:3], waits
    with pytest.raises(Throttled) as caught:  # even the right password waits its turn
        await change(CORRECT)
    assert caught.value.retry_after == 40
    clock.advance(seconds=40)
    await change(CORRECT)
    # the right password forgot the failures: the next wrong one does not wait
    with pytest.raises(InvalidInput):
        await core.change_password.execute(me, None, "wrong again", "another new secret")


async def test_password_checks_of_one_account_do_not_slow_another(
    core: Skael, clock: FixedClock
) -> None:
    first = await register(core, VICTIM)
    second = await register(core, OTHER, user_name="Other")

    def guess() -> Awaitable[object]:
        return core.change_password.execute(first.user_id, None, "guess", "new secret!")

    await _fail_until(guess, 10, clock)
    with pytest.raises(Throttled):
        await guess()
    await core.change_password.execute(second.user_id, None, CORRECT, "new secret!")


# --------------------------------------------------------------------------- registration


async def test_registrations_back_off_per_address(core: Skael, clock: FixedClock) -> None:
    def sign_up(n: int, client: str) -> Awaitable[object]:
        changes = ProfileChanges(email=f"new{n}@example.com", user_name="New")
        return core.register.execute(CORRECT, changes, client=client)

    for n in range(20):
        await sign_up(n, ATTACKER)
    with pytest.raises(Throttled) as caught:
        await sign_up(20, ATTACKER)
    assert caught.value.retry_after == 5
    await sign_up(21, VICTIMS_OWN)
    clock.advance(seconds=5)
    await sign_up(22, ATTACKER)
    with pytest.raises(Throttled) as caught:
        await sign_up(23, ATTACKER)
    assert caught.value.retry_after == 10


# --------------------------------------------------------------------------- HTTP


async def _post(
    app: Litestar, client_host: str, path: str, body: dict[str, Any], token: str = ""
) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, client=(client_host, 40000))
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(transport=transport, base_url="http://skael.test") as http:
        return await http.post(path, json=body, headers=headers)


async def _sign_up(app: Litestar, email: str, client: str = VICTIMS_OWN) -> httpx.Response:
    body = {"user_name": "T", "email_id": email, "password": PASSWORD}
    return await _post(app, client, "/users/", body)


def _throttled(response: httpx.Response) -> int:
    assert_error(response, 429)
    return int(response.headers["Retry-After"])


async def test_http_fifty_failures_from_one_address_leave_the_victim_in(
    app: Litestar, world: World
) -> None:
    assert (await _sign_up(app, VICTIM)).status_code == 201
    assert (await _sign_up(app, OTHER)).status_code == 201
    wrong = {"email": VICTIM, "password": "a wrong guess"}
    waits, failed = [], 0
    while failed < 50:
        assert len(waits) <= 50, f"still throttled after waiting out {waits}"
        response = await _post(app, ATTACKER, "/users/login", wrong)
        if response.status_code == 429:
            waits.append(_throttled(response))
            world.clock.advance(seconds=waits[-1])
        else:
            assert_error(response, 401)
            failed += 1
    assert waits[: len(GROWING)] == GROWING and set(waits[len(GROWING) :]) == {900}
    right = {"email": VICTIM, "password": PASSWORD}
    assert (await _post(app, VICTIMS_OWN, "/users/login", right)).status_code == 200
    assert _throttled(await _post(app, ATTACKER, "/users/login", right)) == 900
    other = {"email": OTHER, "password": PASSWORD}
    assert (await _post(app, ATTACKER, "/users/login", other)).status_code == 200


async def test_http_wrong_old_passwords_answer_429_after_ten(app: Litestar) -> None:
    answer = (await _sign_up(app, VICTIM)).json()
    me, token = answer["user_id"], answer["access_token"]
    wrong = {"old_password": "guess guess", "new_password": "a brand new secret"}
    for _ in range(10):
        response = await _post(app, ATTACKER, f"/users/{me}/change_password", wrong, token)
        assert_error(response, 422)
    right = {"old_password": PASSWORD, "new_password": "a brand new secret"}
    response = await _post(app, VICTIMS_OWN, f"/users/{me}/change_password", right, token)
    assert _throttled(response) == 5


async def test_http_registrations_answer_429_from_the_twenty_first_of_an_address(
    app: Litestar,
) -> None:
    for n in range(20):
        assert (await _sign_up(app, f"new{n}@example.com", ATTACKER)).status_code == 201
    assert _throttled(await _sign_up(app, "new20@example.com", ATTACKER)) == 5
    assert (await _sign_up(app, "new21@example.com", VICTIMS_OWN)).status_code == 201
