"""Throttling: what failed attempts cost, so guessing is slow and nobody is locked out.

Failures are counted per key: one account from one address, one address over every
account, one account's password checks, one address's registrations. Each key has a
:class:`BackOff`: fewer than ``limit`` failures cost nothing; from the ``limit``-th
on, each failure makes the next attempt from that key wait, ``first`` seconds doubling
with every further failure, up to ``longest``. A key's failures are forgotten ``forget_after``
seconds after its last one, or at once when the attempt it guards succeeds (where that
is the rule). The numbers are in ``docs/api.md``.

Keys of one account are always paired with the address (or kept for the account's own
password checks), so failures from one address never lock the right person out of
their account from another.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import msgspec

from ..errors import Throttled
from ..model import Failures
from ..ports import Clock, LoginThrottle

MAX_DOUBLINGS = 30


class BackOff(msgspec.Struct, frozen=True, kw_only=True):
    """From the ``limit``-th failure on, waits of ``first`` seconds, doubling per failure
    up to ``longest``; failures are forgotten ``forget_after`` seconds after the last."""

    limit: int
    first: int = 5
    longest: int = 900
    forget_after: int = 3600

    def __post_init__(self) -> None:
        if self.limit < 1 or self.first < 1 or self.longest < self.first:
            raise ValueError("a back-off needs limit >= 1 and 1 <= first <= longest")
        if self.forget_after <= self.longest:
            raise ValueError("failures must be kept longer than the longest wait")

    def delay(self, count: int) -> int:
        """The wait that ``count`` failures impose after the last of them."""
        if count < self.limit:
            return 0
        doubled: int = self.first << min(count - self.limit, MAX_DOUBLINGS)
        return min(self.longest, doubled)

    def live(self, failures: Failures | None, now: float) -> int:
        """The count of ``failures`` still remembered at ``now`` (a timestamp)."""
        if failures is None or now - failures.last_at.timestamp() >= self.forget_after:
            return 0
        return failures.count

    def wait(self, failures: Failures | None, now: float) -> int:
        """Seconds still to wait at ``now`` (a timestamp) before the next attempt, 0 if none."""
        count = self.live(failures, now)
        if count == 0 or failures is None:
            return 0
        return max(0, math.ceil(failures.last_at.timestamp() + self.delay(count) - now))


class ThrottlePolicy(msgspec.Struct, frozen=True, kw_only=True):
    """The back-off of each kind of key."""

    account_and_address: BackOff = BackOff(limit=10)
    """Failed logins to one account from one address."""
    address: BackOff = BackOff(limit=100)
    """Failed logins from one address, whatever the account."""
    password_check: BackOff = BackOff(limit=10)
    """Wrong ``old_password`` for one account (password change, profile update)."""
    registration: BackOff = BackOff(limit=20)
    """Registrations from one address, each one counted (each costs a password hash)."""


Limit = tuple[str, BackOff]
"""A throttling key and its back-off."""


class Attempts:
    """Checks and records failed attempts against a :class:`LoginThrottle`."""

    def __init__(self, throttle: LoginThrottle, clock: Clock) -> None:
        self._throttle = throttle
        self._clock = clock

    async def check(self, limits: Sequence[Limit], detail: str) -> None:
        """``Throttled`` with the longest wait when any key must still wait."""
        now = self._clock.now().timestamp()
        waits = [b.wait(await self._throttle.failures(key), now) for key, b in limits]
        longest = max(waits, default=0)
        if longest > 0:
            raise Throttled(f"{detail}; try again in {longest} s", longest)

    async def failed(self, limits: Sequence[Limit]) -> None:
        """Count one more failure under every key."""
        at = self._clock.now()
        for key, backoff in limits:
            count = backoff.live(await self._throttle.failures(key), at.timestamp())
            failures = Failures(count=count + 1, last_at=at)
            await self._throttle.put(key, failures, keep_for=backoff.forget_after)

    async def succeeded(self, key: str) -> None:
        """Forget the failures of ``key``: the attempt it guards succeeded."""
        await self._throttle.clear(key)
