"""Accounts use cases over the in-memory adapters."""

from __future__ import annotations

import asyncio

import pytest

from skael_adapters.system import FixedClock
from skael_core.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    Throttled,
    Unauthenticated,
)
from skael_core.model import Certification, RemotePreference, WorkExperience
from skael_core.ports import PasswordHasher
from skael_core.service import Skael
from skael_core.usecases.accounts import ChangePassword, ProfileChanges, UpdateProfile
from skael_core.usecases.throttling import Attempts, BackOff
from support import register

PASSWORD = "correct horse battery"


async def test_register_normalises_profile_and_issues_a_working_token(core: Skael) -> None:
    session = await register(
        core,
        "  Ada@Example.COM ",
        skills="Python, SQL ,python,  ",
        countries="India, de",
        preferred_locations=["Berlin", "Pune"],
        remote_preference="remote",
        experience=7,
    )
    caller = await core.authenticate.execute(session.token.token)
    user = await core.get_profile.execute(caller.user_id)
    assert user.email == "ada@example.com"
    assert user.profile.skills == ("Python", "SQL")
    assert user.profile.countries == ("IN", "DE")
    assert user.profile.preferred_locations == ("Berlin", "Pune")
    assert user.profile.remote_preference is RemotePreference.REMOTE
    assert user.password_hash != PASSWORD and user.password_hash.startswith("$argon2id$")


async def test_register_rejects_a_taken_email_whatever_its_case(core: Skael) -> None:
    await register(core, "ada@example.com")
    with pytest.raises(Conflict):
        await register(core, "ADA@example.com", user_name="Other")


@pytest.mark.parametrize(
    ("changes", "password", "field"),
    [
        (ProfileChanges(email="not-an-email", user_name="A"), PASSWORD, "email_id"),
        (ProfileChanges(email="a@b.example", user_name="  "), PASSWORD, "user_name"),
        (ProfileChanges(email="a@b.example", user_name="A"), "short", "password"),
        (ProfileChanges(user_name="A"), PASSWORD, "email_id"),
        (
            ProfileChanges(email="a@b.example", user_name="A", countries="Narnia"),
            PASSWORD,
            "countries",
        ),
        (ProfileChanges(email="a@b.example", user_name="A", experience=-1), PASSWORD, "experience"),
        (
            ProfileChanges(email="a@b.example", user_name="A", remote_preference="sometimes"),
            PASSWORD,
            "remote_preference",
        ),
        (
            ProfileChanges(email="a@b.example", user_name="A", skills=["x" * 201]),
            PASSWORD,
            "skills",
        ),
    ],
)
async def test_register_names_the_bad_field(
    core: Skael, changes: ProfileChanges, password: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        await core.register.execute(password, changes)
    assert [e.field for e in caught.value.errors] == [field]


async def test_unknown_country_is_named_in_the_message(core: Skael) -> None:
    with pytest.raises(InvalidInput) as caught:
        await register(core, countries="Germany, Narnia")
    assert "Narnia" in caught.value.errors[0].message


async def test_login_answers_the_same_for_unknown_email_and_wrong_password(core: Skael) -> None:
    await register(core)
    with pytest.raises(Unauthenticated) as unknown:
        await core.log_in.execute("nobody@example.com", PASSWORD)
    with pytest.raises(Unauthenticated) as wrong:
        await core.log_in.execute("ada@example.com", "wrong password")
    assert unknown.value.detail == wrong.value.detail


async def test_login_is_case_insensitive_on_email(core: Skael) -> None:
    session = await register(core)
    again = await core.log_in.execute("ADA@EXAMPLE.com", PASSWORD)
    assert again.user_id == session.user_id


async def test_login_is_throttled_per_account_and_address_after_ten_failures(
    core: Skael, clock: FixedClock
) -> None:
    await register(core)
    for _ in range(10):
        with pytest.raises(Unauthenticated):
            await core.log_in.execute("ada@example.com", "wrong", client="10.0.0.1")
    with pytest.raises(Throttled) as caught:
        await core.log_in.execute("ada@example.com", PASSWORD, client="10.0.0.1")
    assert caught.value.retry_after == 5
    assert (await core.log_in.execute("ada@example.com", PASSWORD, client="10.0.0.2")).user_id
    clock.advance(seconds=5)
    assert (await core.log_in.execute("ada@example.com", PASSWORD, client="10.0.0.1")).user_id


async def test_login_is_throttled_per_client_address(core: Skael) -> None:
    for n in range(100):
        with pytest.raises(Unauthenticated):
            await core.log_in.execute(f"user{n}@example.com", "wrong", client="203.0.113.7")
    with pytest.raises(Throttled):
        await core.log_in.execute("someone@example.com", "wrong", client="203.0.113.7")


async def test_logout_revokes_only_that_token(core: Skael) -> None:
    first = await register(core)
    second = await core.log_in.execute("ada@example.com", PASSWORD)
    caller = await core.authenticate.execute(first.token.token)
    await core.log_out.execute(caller)
    with pytest.raises(Unauthenticated):
        await core.authenticate.execute(first.token.token)
    assert (await core.authenticate.execute(second.token.token)).user_id == first.user_id


async def test_tokens_expire(core: Skael, clock: FixedClock) -> None:
    session = await register(core)
    clock.advance(seconds=3601)
    with pytest.raises(Unauthenticated):
        await core.authenticate.execute(session.token.token)


async def test_a_token_checked_before_expires_all_the_same(core: Skael, clock: FixedClock) -> None:
    session = await register(core)
    for _ in range(2):  # the second check finds the token's signature already verified
        assert (await core.authenticate.execute(session.token.token)).user_id == session.user_id
    clock.advance(seconds=3599)
    await core.authenticate.execute(session.token.token)
    clock.advance(seconds=2)
    with pytest.raises(Unauthenticated, match="expired"):
        await core.authenticate.execute(session.token.token)


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", "Basic dXNlcjpwYXNz"])
async def test_malformed_tokens_are_unauthenticated(core: Skael, token: str) -> None:
    with pytest.raises(Unauthenticated):
        await core.authenticate.execute(token)


async def test_a_tampered_token_is_refused(core: Skael) -> None:
    session = await register(core)
    await core.authenticate.execute(session.token.token)
    head, body, sig = session.token.token.split(".")
    with pytest.raises(Unauthenticated):
        await core.authenticate.execute(f"{head}.{body}.{sig[:-2]}AA")


async def test_change_password_revokes_every_earlier_token(core: Skael) -> None:
    session = await register(core)
    other = await core.log_in.execute("ada@example.com", PASSWORD)
    await core.change_password.execute(session.user_id, None, PASSWORD, "a brand new secret")
    for token in (session.token.token, other.token.token):
        with pytest.raises(Unauthenticated):
            await core.authenticate.execute(token)
    fresh = await core.log_in.execute("ada@example.com", "a brand new secret")
    assert (await core.authenticate.execute(fresh.token.token)).user_id == session.user_id


async def test_change_password_needs_the_old_one(core: Skael) -> None:
    session = await register(core)
    with pytest.raises(InvalidInput) as caught:
        await core.change_password.execute(session.user_id, None, "not it at all", "new secret 123")
    assert caught.value.errors[0].field == "old_password"
    await core.authenticate.execute(session.token.token)


async def test_update_profile_changes_only_given_fields(core: Skael) -> None:
    session = await register(core, skills=["Go"], experience=3)
    changes = ProfileChanges(
        desired_job_role="Backend Engineer",
        countries=["in"],
        work_experiences=[WorkExperience(company_name="Initech", job_title="Developer")],
        certifications=[Certification(title="CKA")],
    )
    user = await core.update_profile.execute(session.user_id, session.user_id, changes)
    assert user.profile.desired_job_role == "Backend Engineer"
    assert user.profile.skills == ("Go",)
    assert user.profile.experience == 3
    assert user.profile.countries == ("IN",)
    assert user.profile.work_experiences[0].company_name == "Initech"
    stored = await core.get_profile.execute(session.user_id)
    assert stored == user


async def test_update_password_needs_old_password_and_revokes_tokens(core: Skael) -> None:
    session = await register(core)
    with pytest.raises(InvalidInput):
        await core.update_profile.execute(
            session.user_id, None, ProfileChanges(), password="new password 1"
        )
    await core.update_profile.execute(
        session.user_id, None, ProfileChanges(), password="new password 1", old_password=PASSWORD
    )
    with pytest.raises(Unauthenticated):
        await core.authenticate.execute(session.token.token)


async def test_update_email_to_a_taken_one_conflicts_and_changes_nothing(core: Skael) -> None:
    await register(core, "bob@example.com", user_name="Bob")
    ada = await register(core)
    with pytest.raises(Conflict):
        await core.update_profile.execute(
            ada.user_id, None, ProfileChanges(email="BOB@example.com", user_name="Renamed")
        )
    assert (await core.get_profile.execute(ada.user_id)).profile.user_name == "Ada"


async def test_a_failed_update_leaves_the_profile_unchanged(core: Skael) -> None:
    session = await register(core, skills=["Go"])
    with pytest.raises(InvalidInput):
        await core.update_profile.execute(
            session.user_id, None, ProfileChanges(skills=["Rust"], countries="Atlantis")
        )
    assert (await core.get_profile.execute(session.user_id)).profile.skills == ("Go",)


async def test_nobody_reads_changes_or_deletes_another_users_account(core: Skael) -> None:
    ada = await register(core)
    bob = await register(core, "bob@example.com", user_name="Bob")
    with pytest.raises(Forbidden):
        await core.get_profile.execute(bob.user_id, ada.user_id)
    with pytest.raises(Forbidden):
        await core.update_profile.execute(bob.user_id, ada.user_id, ProfileChanges(user_name="x"))
    with pytest.raises(Forbidden):
        await core.change_password.execute(bob.user_id, ada.user_id, PASSWORD, "whatever 123")
    with pytest.raises(Forbidden):
        await core.delete_user.execute(bob.user_id, ada.user_id)
    with pytest.raises(Forbidden):
        await core.send_feedback.execute(bob.user_id, ada.user_id, "hi")
    assert (await core.get_profile.execute(ada.user_id)).profile.user_name == "Ada"


async def test_delete_user_ends_their_tokens_and_frees_the_email(core: Skael) -> None:
    session = await register(core)
    assert await core.delete_user.execute(session.user_id) == session.user_id
    with pytest.raises(Unauthenticated):
        await core.authenticate.execute(session.token.token)
    with pytest.raises(NotFound):
        await core.get_profile.execute(session.user_id)
    again = await register(core)
    assert again.user_id != session.user_id


async def test_feedback_is_an_activity(core: Skael) -> None:
    session = await register(core)
    activity = await core.send_feedback.execute(
        session.user_id, None, "  Love it ", {"page": "jobs"}
    )
    assert activity.action_type == "FEEDBACK"
    assert activity.metadata == {"page": "jobs", "feedback": "Love it"}
    with pytest.raises(InvalidInput):
        await core.send_feedback.execute(session.user_id, None, "   ")


class WritingWhileHashing:
    """A hasher that, while it hashes, has another user's profile written: a write
    transaction held around the hashing would make that write wait for it."""

    def __init__(self, inner: PasswordHasher, core: Skael, other: int) -> None:
        self._inner, self._core, self._other = inner, core, other
        self.writes = 0

    async def verify(self, password_hash: str, password: str) -> bool:
        await self._write()
        return await self._inner.verify(password_hash, password)

    async def hash(self, password: str) -> str:
        await self._write()
        return await self._inner.hash(password)

    async def _write(self) -> None:
        changes = ProfileChanges(experience=self.writes)
        update = self._core.update_profile.execute(self._other, None, changes)
        await asyncio.wait_for(update, timeout=2)
        self.writes += 1


def _password_check(core: Skael) -> tuple[Attempts, BackOff]:
    """What a password-checking use case takes to throttle wrong old passwords."""
    return Attempts(core.ports.throttle, core.ports.clock), core.throttling.password_check


@pytest.mark.parametrize("through", ["change_password", "update_profile"])
async def test_no_write_transaction_waits_for_a_password_hash(core: Skael, through: str) -> None:
    session = await register(core)
    other = await register(core, "bob@example.com", user_name="Bob")
    hasher = WritingWhileHashing(core.ports.hasher, core, other.user_id)
    if through == "change_password":
        change = ChangePassword(core.ports.uow, hasher, core.ports.revoked, *_password_check(core))
        await change.execute(session.user_id, None, PASSWORD, "a brand new secret")
    else:
        update = UpdateProfile(
            core.ports.uow, hasher, core.ports.countries, core.ports.revoked,
            *_password_check(core),
        )  # fmt: skip
        await update.execute(
            session.user_id, None, ProfileChanges(), "a brand new secret", PASSWORD
        )
    assert hasher.writes == 2  # verified the old password, hashed the new one
    await core.log_in.execute("ada@example.com", "a brand new secret")


async def test_a_password_changed_while_another_change_hashes_is_a_conflict(
    core: Skael,
) -> None:
    session = await register(core)

    class ChangedMeanwhile:
        def __init__(self, inner: PasswordHasher) -> None:
            self._inner = inner

        async def verify(self, password_hash: str, password: str) -> bool:
            return await self._inner.verify(password_hash, password)

        async def hash(self, password: str) -> str:
            other = core.change_password.execute(session.user_id, None, PASSWORD, "the other one")
            await asyncio.wait_for(other, timeout=2)
            return await self._inner.hash(password)

    change = ChangePassword(
        core.ports.uow, ChangedMeanwhile(core.ports.hasher), core.ports.revoked,
        *_password_check(core),
    )  # fmt: skip
    with pytest.raises(Conflict):
        await change.execute(session.user_id, None, PASSWORD, "a brand new secret")
    await core.log_in.execute("ada@example.com", "the other one")
