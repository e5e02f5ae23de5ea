"""Authentication when several processes share a store of record and a token store.

Each core here stands for one server process: its own use cases (and so its own memory
of confirmed users), the same database, and either the same token store (Redis) or
one of its own (each process falling back to memory).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from skael_adapters.memory import MemoryDatabase
from skael_adapters.security import HmacTokenService
from skael_adapters.stores import LocalStore, StoreLoginThrottle, StoreRevokedTokens
from skael_adapters.system import FixedClock, PycountryCatalog
from skael_core.errors import Unauthenticated
from skael_core.service import Ports, Skael
from skael_core.usecases.accounts import ProfileChanges
from support import SECRET, EchoWriter, ListJobSource, fast_hasher, register

PASSWORD = "correct horse battery"


def process(database: MemoryDatabase, store: LocalStore, clock: FixedClock) -> Skael:
    return Skael(
        Ports(
            uow=database.unit_of_work,
            clock=clock,
            hasher=fast_hasher(),
            tokens=HmacTokenService(SECRET, clock),
            revoked=StoreRevokedTokens(store, clock),
            throttle=StoreLoginThrottle(LocalStore()),
            source=ListJobSource(),
            writer=EchoWriter(),
            countries=PycountryCatalog(),
        )
    )


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 25, 12, tzinfo=UTC))


@pytest.fixture
def shared(clock: FixedClock) -> tuple[Skael, Skael]:
    database, store = MemoryDatabase(), LocalStore()
    return process(database, store, clock), process(database, store, clock)


async def test_a_password_change_ends_old_tokens_in_every_process(
    shared: tuple[Skael, Skael],
) -> None:
    one, two = shared
    session = await register(one)
    token = session.token.token
    assert (await two.authenticate.execute(token)).user_id == session.user_id  # remembered
    await one.change_password.execute(session.user_id, None, PASSWORD, "another horse 123")
    for core in (one, two):
        with pytest.raises(Unauthenticated):
            await core.authenticate.execute(token)
    fresh = await two.log_in.execute("ada@example.com", "another horse 123")
    assert (await one.authenticate.execute(fresh.token.token)).user_id == session.user_id


async def test_a_password_set_through_the_profile_ends_old_tokens_everywhere(
    shared: tuple[Skael, Skael],
) -> None:
    one, two = shared
    session = await register(one)
    await two.authenticate.execute(session.token.token)
    await one.update_profile.execute(
        session.user_id, None, ProfileChanges(), password="brand new pass 1", old_password=PASSWORD
    )
    with pytest.raises(Unauthenticated):
        await two.authenticate.execute(session.token.token)


async def test_a_deleted_user_is_refused_by_every_process(shared: tuple[Skael, Skael]) -> None:
    one, two = shared
    session = await register(one)
    await two.authenticate.execute(session.token.token)
    await one.delete_user.execute(session.user_id)
    for core in (one, two):
        with pytest.raises(Unauthenticated):
            await core.authenticate.execute(session.token.token)


async def test_a_profile_change_without_a_password_keeps_tokens(
    shared: tuple[Skael, Skael],
) -> None:
    one, two = shared
    session = await register(one)
    await one.update_profile.execute(session.user_id, None, ProfileChanges(skills=["Go"]))
    assert (await two.authenticate.execute(session.token.token)).user_id == session.user_id


async def test_without_a_shared_store_a_change_reaches_other_processes_within_the_memo(
    clock: FixedClock,
) -> None:
    database = MemoryDatabase()
    one, two = process(database, LocalStore(), clock), process(database, LocalStore(), clock)
    session = await register(one)
    await two.authenticate.execute(session.token.token)
    await one.change_password.execute(session.user_id, None, PASSWORD, "another horse 123")
    with pytest.raises(Unauthenticated):
        await one.authenticate.execute(session.token.token)
    # the other process has only its memory of the user: good for the memo's length...
    assert (await two.authenticate.execute(session.token.token)).user_id == session.user_id
    clock.advance(seconds=61)
    # ...then it reads the user again and sees the new version
    with pytest.raises(Unauthenticated):
        await two.authenticate.execute(session.token.token)


async def test_a_new_process_reads_the_version_from_the_store_of_record(
    clock: FixedClock,
) -> None:
    database = MemoryDatabase()
    one = process(database, LocalStore(), clock)
    session = await register(one)
    await one.change_password.execute(session.user_id, None, PASSWORD, "another horse 123")
    restarted = process(database, LocalStore(), clock)  # its token store starts empty
    with pytest.raises(Unauthenticated):
        await restarted.authenticate.execute(session.token.token)
