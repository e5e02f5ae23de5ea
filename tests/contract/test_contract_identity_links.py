"""Identity links: one account per (issuer, subject), one subject per (user, issuer),
gone with their user, all or nothing with the unit of work; concurrent first sign-ins
of one subject make one link."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from contract.contract_builders import stored_user
from skael_adapters.stores import LocalStore, StoreRevokedTokens
from skael_adapters.system import FixedClock
from skael_core.errors import Conflict
from skael_core.model import Identity, IdentityClaims, IdentityLink
from skael_core.ports import IdentityTokenVerifier, UnitOfWorkFactory
from skael_core.usecases.identities import AuthenticateIdentity

GOOGLE = "https://securetoken.google.com/skael-app"
OTHER = "https://login.example.org"
AT = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def link(user_id: int, subject: str = "uid-1", issuer: str = GOOGLE) -> IdentityLink:
    return IdentityLink(issuer=issuer, subject=subject, user_id=user_id, linked_at=AT)


async def add(uow_factory: UnitOfWorkFactory, *links: IdentityLink) -> None:
    async with uow_factory() as uow:
        for each in links:
            await uow.identity_links.add(each)
        await uow.commit()


async def user_for(
    uow_factory: UnitOfWorkFactory, subject: str, issuer: str = GOOGLE
) -> int | None:
    async with uow_factory(read_only=True) as uow:
        return await uow.identity_links.user_for(issuer, subject)


async def test_a_link_names_its_user_by_issuer_and_subject(uow_factory: UnitOfWorkFactory) -> None:
    ada, bob = await stored_user(uow_factory, 1), await stored_user(uow_factory, 2)
    await add(uow_factory, link(ada.id, "uid-ada"), link(bob.id, "uid-bob"))
    await add(uow_factory, link(ada.id, "uid-ada", issuer=OTHER))
    assert await user_for(uow_factory, "uid-ada") == ada.id
    assert await user_for(uow_factory, "uid-bob") == bob.id
    assert await user_for(uow_factory, "uid-ada", issuer=OTHER) == ada.id
    assert await user_for(uow_factory, "uid-bob", issuer=OTHER) is None
    assert await user_for(uow_factory, "UID-ADA") is None  # subjects are case-sensitive


async def test_a_linked_subject_cannot_be_linked_again(uow_factory: UnitOfWorkFactory) -> None:
    ada, bob = await stored_user(uow_factory, 1), await stored_user(uow_factory, 2)
    await add(uow_factory, link(ada.id, "uid-1"))
    with pytest.raises(Conflict):
        await add(uow_factory, link(bob.id, "uid-1"))
    assert await user_for(uow_factory, "uid-1") == ada.id


async def test_a_user_links_one_subject_per_issuer(uow_factory: UnitOfWorkFactory) -> None:
    ada = await stored_user(uow_factory, 1)
    await add(uow_factory, link(ada.id, "uid-1"))
    with pytest.raises(Conflict):
        await add(uow_factory, link(ada.id, "uid-2"))
    assert await user_for(uow_factory, "uid-2") is None


async def test_a_clash_leaves_the_unit_of_work_usable(uow_factory: UnitOfWorkFactory) -> None:
    ada, bob = await stored_user(uow_factory, 1), await stored_user(uow_factory, 2)
    await add(uow_factory, link(ada.id, "uid-1"))
    async with uow_factory() as uow:
        with pytest.raises(Conflict):
            await uow.identity_links.add(link(bob.id, "uid-1"))
        await uow.identity_links.add(link(bob.id, "uid-2"))
        await uow.commit()
    assert await user_for(uow_factory, "uid-2") == bob.id


async def test_without_commit_nothing_is_linked(uow_factory: UnitOfWorkFactory) -> None:
    ada = await stored_user(uow_factory, 1)
    async with uow_factory() as uow:
        await uow.identity_links.add(link(ada.id))
        assert await uow.identity_links.user_for(GOOGLE, "uid-1") == ada.id
    assert await user_for(uow_factory, "uid-1") is None


async def test_deleting_the_user_removes_their_links(uow_factory: UnitOfWorkFactory) -> None:
    ada, bob = await stored_user(uow_factory, 1), await stored_user(uow_factory, 2)
    await add(uow_factory, link(ada.id, "uid-ada"), link(bob.id, "uid-bob"))
    async with uow_factory() as uow:
        assert await uow.users.delete(ada.id)
        await uow.commit()
    assert await user_for(uow_factory, "uid-ada") is None
    assert await user_for(uow_factory, "uid-bob") == bob.id
    carol = await stored_user(uow_factory, 3)
    await add(uow_factory, link(carol.id, "uid-ada"))  # the freed subject may link anew
    assert await user_for(uow_factory, "uid-ada") == carol.id


class NamedTokens(IdentityTokenVerifier):
    """ID tokens written as ``subject e-mail``, every one valid (the signature checks
    are the OIDC adapter's; this drives the linking alone)."""

    def accepts(self, token: str) -> bool:
        return " " in token

    async def verify(self, token: str) -> IdentityClaims:
        subject, email = token.split(" ")
        identity = Identity(issuer=GOOGLE, subject=subject, email=email, email_verified=True)
        return IdentityClaims(identity=identity, token_id=token, expires_at=AT)


def signing_in(uow_factory: UnitOfWorkFactory, auto_register: bool) -> AuthenticateIdentity:
    return AuthenticateIdentity(
        uow_factory,
        NamedTokens(),
        StoreRevokedTokens(LocalStore(), FixedClock(AT)),
        FixedClock(AT),
        auto_register=auto_register,
    )


@pytest.mark.parametrize("auto_register", [False, True])
async def test_concurrent_first_sign_ins_make_one_link(
    uow_factory: UnitOfWorkFactory, auto_register: bool
) -> None:
    """Twenty first requests of one subject at once: one account, one link, all let in."""
    if not auto_register:
        await stored_user(uow_factory, 1)
    processes = [signing_in(uow_factory, auto_register) for _ in range(4)]
    callers = await asyncio.gather(
        *(processes[n % 4].execute("uid-1 person1@example.com") for n in range(20))
    )
    assert len({caller.user_id for caller in callers}) == 1
    async with uow_factory(read_only=True) as uow:
        user = await uow.users.get_by_email("person1@example.com")
        assert user is not None and user.id == callers[0].user_id
        assert await uow.identity_links.user_for(GOOGLE, "uid-1") == user.id
