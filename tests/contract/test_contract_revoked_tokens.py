"""Logouts kept in the store of record (issue 16, 7): on memory, SQLite and PostgreSQL.

A second core on the same store, with a revocation store of its own (memory, no
Redis), stands for another process or for this one after a restart.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from skael_adapters.system import FixedClock
from skael_core.errors import Unauthenticated
from skael_core.ports import UnitOfWorkFactory
from support import NOW, make_core, register


async def test_a_logout_holds_for_another_process_and_after_a_restart(
    uow_factory: UnitOfWorkFactory,
) -> None:
    clock = FixedClock(NOW)
    first, second = make_core(uow_factory, clock=clock), make_core(uow_factory, clock=clock)
    session = await register(first)
    other = await first.log_in.execute("ada@example.com", "correct horse battery")
    token = session.token.token
    assert (await second.authenticate.execute(token)).user_id == session.user_id
    await first.log_out.execute(await first.authenticate.execute(token))
    with pytest.raises(Unauthenticated, match="revoked"):
        await second.authenticate.execute(token)
    restarted = make_core(uow_factory, clock=clock)
    with pytest.raises(Unauthenticated, match="revoked"):
        await restarted.authenticate.execute(token)
    assert (await restarted.authenticate.execute(other.token.token)).user_id == session.user_id


async def test_revoked_tokens_are_kept_until_they_expire_then_purged(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        await uow.revoked_tokens.add("a" * 32, NOW + timedelta(minutes=5))
        await uow.revoked_tokens.add("a" * 32, NOW + timedelta(minutes=5))  # again: no change
        await uow.revoked_tokens.add("b" * 32, NOW - timedelta(seconds=1))
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.revoked_tokens.contains("a" * 32)
        assert await uow.revoked_tokens.contains("b" * 32)
        assert not await uow.revoked_tokens.contains("c" * 32)
    async with uow_factory() as uow:
        assert await uow.revoked_tokens.purge(NOW) == 1
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.revoked_tokens.contains("a" * 32)
        assert not await uow.revoked_tokens.contains("b" * 32)


async def test_a_logout_that_is_rolled_back_revokes_nothing(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        await uow.revoked_tokens.add("d" * 32, NOW + timedelta(minutes=5))
    async with uow_factory(read_only=True) as uow:
        assert not await uow.revoked_tokens.contains("d" * 32)
