"""Accounts: registering, logging in and out, profiles, passwords, feedback."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec
from msgspec import UNSET, UnsetType

from .. import normalize as norm
from ..errors import Conflict, InvalidInput, NotFound, Unauthenticated
from ..model import (
    ActionType,
    Activity,
    Certification,
    Education,
    IssuedToken,
    Profile,
    TokenClaims,
    User,
    WorkExperience,
)
from ..ports import (
    Clock,
    CountryCatalog,
    PasswordHasher,
    RevokedTokens,
    TokenService,
    UnitOfWorkFactory,
)
from .common import Caller, UseCase, hold_user, load_user, owner
from .throttling import Attempts, BackOff, Limit, ThrottlePolicy

if TYPE_CHECKING:
    from .identities import AuthenticateIdentity

MAX_EXPERIENCE_YEARS = 70
MAX_SALARY = 100_000_000
MAX_NESTED = 50

T = TypeVar("T")


class ProfileChanges(msgspec.Struct, frozen=True, kw_only=True):
    """Profile fields as people send them; UNSET leaves a field as it is."""

    user_name: str | UnsetType = UNSET
    email: str | UnsetType = UNSET
    phone_number: str | None | UnsetType = UNSET
    desired_job_role: str | None | UnsetType = UNSET
    skills: str | Sequence[str] | None | UnsetType = UNSET
    experience: int | None | UnsetType = UNSET
    preferred_locations: str | Sequence[str] | None | UnsetType = UNSET
    countries: str | Sequence[str] | None | UnsetType = UNSET
    remote_preference: str | None | UnsetType = UNSET
    professional_summary: str | None | UnsetType = UNSET
    expected_salary: int | None | UnsetType = UNSET
    salary_currency: str | None | UnsetType = UNSET
    salary_period: str | None | UnsetType = UNSET
    resume: str | None | UnsetType = UNSET
    work_experiences: Sequence[WorkExperience] | None | UnsetType = UNSET
    educations: Sequence[Education] | None | UnsetType = UNSET
    certifications: Sequence[Certification] | None | UnsetType = UNSET
    languages: str | Sequence[str] | None | UnsetType = UNSET


class Session(msgspec.Struct, frozen=True, kw_only=True):
    """A signed-in user: who, and the token that proves it."""

    user_id: int
    token: IssuedToken


def _nested(items: Sequence[T] | None, field: str) -> tuple[T, ...]:
    if items is None:
        return ()
    if len(items) > MAX_NESTED:
        raise InvalidInput.field(field, f"at most {MAX_NESTED} entries")
    return tuple(items)


def apply_changes(profile: Profile, changes: ProfileChanges, countries: CountryCatalog) -> Profile:
    """The profile with every set field of ``changes`` normalised and applied."""
    updates: dict[str, Any] = {}
    c = changes
    if c.user_name is not UNSET:
        updates["user_name"] = norm.required_text(c.user_name, "user_name")
    if c.phone_number is not UNSET:
        updates["phone_number"] = norm.text(c.phone_number, "phone_number", 40)
    if c.desired_job_role is not UNSET:
        updates["desired_job_role"] = norm.text(c.desired_job_role, "desired_job_role")
    if c.skills is not UNSET:
        updates["skills"] = norm.split_list(c.skills, "skills")
    if c.experience is not UNSET:
        updates["experience"] = norm.non_negative(c.experience, "experience", MAX_EXPERIENCE_YEARS)
    if c.preferred_locations is not UNSET:
        updates["preferred_locations"] = norm.split_list(
            c.preferred_locations, "preferred_locations"
        )
    if c.countries is not UNSET:
        updates["countries"] = norm.country_codes(c.countries, countries)
    if c.remote_preference is not UNSET:
        updates["remote_preference"] = norm.remote_preference(c.remote_preference)
    if c.professional_summary is not UNSET:
        updates["professional_summary"] = norm.text(
            c.professional_summary, "professional_summary", norm.MAX_TEXT
        )
    if c.expected_salary is not UNSET:
        updates["expected_salary"] = norm.non_negative(
            c.expected_salary, "expected_salary", MAX_SALARY
        )
    if c.salary_currency is not UNSET:
        updates["salary_currency"] = norm.currency(c.salary_currency)
    if c.salary_period is not UNSET:
        updates["salary_period"] = norm.salary_period(c.salary_period)
    if c.resume is not UNSET:
        updates["resume"] = norm.text(c.resume, "resume", 2000)
    if c.work_experiences is not UNSET:
        updates["work_experiences"] = _nested(c.work_experiences, "work_experiences")
    if c.educations is not UNSET:
        updates["educations"] = _nested(c.educations, "educations")
    if c.certifications is not UNSET:
        updates["certifications"] = _nested(c.certifications, "certifications")
    if c.languages is not UNSET:
        updates["languages"] = norm.split_list(c.languages, "languages")
    return msgspec.structs.replace(profile, **updates)


class RegisterUser:
    """A new account needs a unique email, a name and a password of 8+ characters;
    registrations are throttled per client address (each costs a password hash)."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        hasher: PasswordHasher,
        tokens: TokenService,
        countries: CountryCatalog,
        attempts: Attempts,
        backoff: BackOff,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._hasher = hasher
        self._tokens = tokens
        self._countries = countries
        self._attempts = attempts
        self._backoff = backoff

    async def execute(
        self,
        password: str,
        changes: ProfileChanges,
        has_agreed_terms: bool = False,
        client: str = "",
    ) -> Session:
        limits: list[Limit] = [(f"register:{client}", self._backoff)] if client else []
        await self._attempts.check(limits, "too many registrations from this address")
        if changes.email is UNSET:
            raise InvalidInput.field("email_id", "is required")
        if changes.user_name is UNSET:
            raise InvalidInput.field("user_name", "is required")
        email = norm.canonical_email(changes.email)
        profile = apply_changes(Profile(user_name="-"), changes, self._countries)
        checked = norm.password(password)
        await self._attempts.failed(limits)  # every registration that gets to the hash counts
        password_hash = await self._hasher.hash(checked)
        user = User(
            email=email,
            password_hash=password_hash,
            has_agreed_terms=has_agreed_terms,
            joined_at=self._clock.now(),
            profile=profile,
        )
        async with self._uow() as uow:
            user = await uow.users.add(user)
            await uow.commit()
        return Session(user_id=user.id, token=self._tokens.issue(user.id, user.token_version))


class LogIn:
    """One answer for an unknown email and a wrong password. Failures are throttled per
    account and address, and per address; a success forgets its account and address's."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        hasher: PasswordHasher,
        tokens: TokenService,
        attempts: Attempts,
        policy: ThrottlePolicy,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._tokens = tokens
        self._attempts = attempts
        self._policy = policy
        self._decoy_hash: str | None = None

    async def execute(self, email: str, password: str, client: str = "") -> Session:
        canonical = email.strip().lower()
        pair = f"login:{canonical}|{client}"
        limits: list[Limit] = [(pair, self._policy.account_and_address)]
        if client:
            limits.append((f"login-address:{client}", self._policy.address))
        await self._attempts.check(limits, "too many failed logins")
        async with self._uow(read_only=True) as uow:
            user = await uow.users.get_by_email(canonical)
        if user is None:
            await self._hasher.verify(await self._decoy(), password)
        elif await self._hasher.verify(user.password_hash, password):
            await self._attempts.succeeded(pair)
            return Session(user_id=user.id, token=self._tokens.issue(user.id, user.token_version))
        await self._attempts.failed(limits)
        raise Unauthenticated("invalid email or password")

    async def _decoy(self) -> str:
        """A hash to verify against for an unknown email, so both failures take as long."""
        if self._decoy_hash is None:
            self._decoy_hash = await self._hasher.hash("not-a-real-password-0")
        return self._decoy_hash


DELETED = 2**62
"""The token floor of a deleted user: above every version a token can carry."""


class Authenticate:
    """A token is good while it is unexpired, unrevoked and its user's version matches.

    The user's current token version is read from the store of record, then remembered
    by this process for ``memo_seconds``. What ends tokens early is recorded in the
    shared ``RevokedTokens`` and checked on every call: the token's id (logout) and the
    user's floor (password change, deletion), so every process refuses an ended token
    at once while their shared store is reachable. A logout is also recorded in the
    store of record: when ``RevokedTokens`` is not shared (one process's memory, or a
    shared store that does not answer), the token id is looked up there too, so a
    logout holds across restarts and processes with the database alone. The memo only
    saves the read that confirms an unchanged user; if the shared store is down,
    another process's password change reaches this one when its memo entry expires.

    With ``identity`` given, a token it accepts (an identity provider's ID token, told
    apart by its header) is checked there instead (:class:`AuthenticateIdentity`).
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        tokens: TokenService,
        revoked: RevokedTokens,
        clock: Clock,
        memo_seconds: float = 60.0,
        identity: AuthenticateIdentity | None = None,
        memo_size: int = 50_000,
    ) -> None:
        self._uow = uow
        self._memo_size = max(1, memo_size)
        self._identity = identity
        self._tokens = tokens
        self._revoked = revoked
        self._clock = clock
        self._memo_seconds = memo_seconds
        self._known: dict[int, tuple[int, float]] = {}

    async def execute(self, token: str) -> Caller:
        if self._identity is not None and self._identity.accepts(token):
            return await self._identity.execute(token)
        claims = self._tokens.verify(token)
        if await self._revoked.is_revoked(claims.token_id):
            raise Unauthenticated("token has been revoked")
        if claims.version < await self._revoked.user_floor(claims.user_id):
            raise Unauthenticated("token is no longer valid")
        now = self._clock.now().timestamp()
        known = self._known.get(claims.user_id)
        stale = known is None or known[0] != claims.version or now - known[1] > self._memo_seconds
        if stale or not self._revoked.is_shared():
            await self._check_stored(claims, now if stale else None)
        return Caller(
            user_id=claims.user_id, token_id=claims.token_id, expires_at=claims.expires_at
        )

    async def _check_stored(self, claims: TokenClaims, read_user_at: float | None) -> None:
        """Refuse a token logged out in the store of record (unless ``RevokedTokens``
        answers for every process) and, when ``read_user_at`` is given, one whose
        user's version differs; a confirmed version is remembered from then."""
        async with self._uow(read_only=True) as uow:
            if not self._revoked.is_shared() and await uow.revoked_tokens.contains(claims.token_id):
                raise Unauthenticated("token has been revoked")
            if read_user_at is None:
                return
            user = await uow.users.get(claims.user_id)
        if user is None or user.token_version != claims.version:
            self._known.pop(claims.user_id, None)
            raise Unauthenticated("token is no longer valid")
        if len(self._known) >= self._memo_size:
            self._known.clear()
        self._known[claims.user_id] = (user.token_version, read_user_at)


class LogOut:
    """The token used for the call stops working at once, for every process and after a
    restart (it is recorded in the store of record); other sessions keep theirs."""

    def __init__(self, uow: UnitOfWorkFactory, revoked: RevokedTokens, clock: Clock) -> None:
        self._uow = uow
        self._revoked = revoked
        self._clock = clock

    async def execute(self, caller: Caller) -> None:
        if caller.expires_at is None:
            raise InvalidInput.field("token", "this session has no token to revoke")
        async with self._uow() as uow:
            await uow.revoked_tokens.purge(self._clock.now())
            await uow.revoked_tokens.add(caller.token_id, caller.expires_at)
            await uow.commit()
        await self._revoked.revoke(caller.token_id, caller.expires_at)


class GetProfile(UseCase):
    """A user's profile is readable by that user only."""

    async def execute(self, actor: int, user_id: int | None = None) -> User:
        target = owner(actor, user_id)
        async with self._uow(read_only=True) as uow:
            return await load_user(uow, target)


class UpdateProfile:
    """Any subset of the profile; a new password needs the old one and revokes old tokens."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        hasher: PasswordHasher,
        countries: CountryCatalog,
        revoked: RevokedTokens,
        attempts: Attempts,
        backoff: BackOff,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._countries = countries
        self._revoked = revoked
        self._guard = PasswordGuard(hasher, attempts, backoff)

    async def execute(
        self,
        actor: int,
        user_id: int | None,
        changes: ProfileChanges,
        password: str | None = None,
        old_password: str | None = None,
    ) -> User:
        target = owner(actor, user_id)
        checked = None
        if password is not None:  # hashed before the write transaction, which it would hold
            checked = await checked_password(
                self._uow, self._guard, target, password, old_password, "password",
                check=lambda user: self._updates(user, changes),
            )  # fmt: skip
        async with self._uow() as uow:
            user = await hold_user(uow, target)  # changes at once apply one on another
            updates = self._updates(user, changes)
            if checked is not None:
                updates.update(checked.updates(user))
            user = msgspec.structs.replace(user, **updates)
            await uow.users.update(user)
            await uow.commit()
        if password is not None:
            await self._revoked.revoke_user(user.id, user.token_version)
        return user

    def _updates(self, user: User, changes: ProfileChanges) -> dict[str, Any]:
        """The fields of ``user`` that ``changes`` give (validated), password aside."""
        updates: dict[str, Any] = {"profile": apply_changes(user.profile, changes, self._countries)}
        if changes.email is not UNSET:
            updates["email"] = norm.canonical_email(changes.email)
        return updates


class CheckedPassword(msgspec.Struct, frozen=True):
    """A new password's hash, made once the old password was verified against
    ``verified_hash`` (see :func:`checked_password`)."""

    verified_hash: str
    new_hash: str

    def updates(self, user: User) -> dict[str, Any]:
        """The fields that give ``user`` (read again in the write transaction) the new
        password; a :class:`Conflict` if its password changed since it was verified."""
        if user.password_hash != self.verified_hash:
            raise Conflict("the password was changed meanwhile; try again")
        return {"password_hash": self.new_hash, "token_version": user.token_version + 1}


class PasswordGuard:
    """Verifies a user's current password, throttled per account: wrong guesses back
    off (so a stolen token cannot try passwords quickly); a right one forgets them."""

    def __init__(self, hasher: PasswordHasher, attempts: Attempts, backoff: BackOff) -> None:
        self.hasher = hasher
        self._attempts = attempts
        self._backoff = backoff

    async def verify(self, user: User, password: str) -> bool:
        limits: list[Limit] = [(f"password:{user.id}", self._backoff)]
        await self._attempts.check(limits, "too many wrong passwords")
        if await self.hasher.verify(user.password_hash, password):
            await self._attempts.succeeded(limits[0][0])
            return True
        await self._attempts.failed(limits)
        return False


async def checked_password(
    uow: UnitOfWorkFactory,
    guard: PasswordGuard,
    target: int,
    new: str,
    old: str | None,
    field: str,
    check: Callable[[User], object] = lambda user: None,
) -> CheckedPassword:
    """The hash of ``new`` for user ``target``, provided ``old`` is their password.

    Hashing takes a good part of a second of CPU, so it runs outside any write
    transaction: the user is read in a read-only one, ``check`` validates the rest of
    the request against it first (so bad input fails before the slow part), then the
    old password is verified and the new one hashed. The caller applies the result in
    its write transaction with :meth:`CheckedPassword.updates`.
    """
    async with uow(read_only=True) as reading:
        user = await load_user(reading, target)
    check(user)
    if old is None:
        raise InvalidInput.field("old_password", "is required to change the password")
    valid_new = norm.password(new, field)
    if not await guard.verify(user, old):
        raise InvalidInput.field("old_password", "does not match the current password")
    new_hash = await guard.hasher.hash(valid_new)
    return CheckedPassword(verified_hash=user.password_hash, new_hash=new_hash)


class ChangePassword:
    """The old password must match; every earlier token of the user stops working."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        hasher: PasswordHasher,
        revoked: RevokedTokens,
        attempts: Attempts,
        backoff: BackOff,
    ) -> None:
        self._uow = uow
        self._guard = PasswordGuard(hasher, attempts, backoff)
        self._revoked = revoked

    async def execute(
        self, actor: int, user_id: int | None, old_password: str, new_password: str
    ) -> User:
        target = owner(actor, user_id)
        checked = await checked_password(
            self._uow, self._guard, target, new_password, old_password, "new_password"
        )
        async with self._uow() as uow:
            user = await hold_user(uow, target)
            user = msgspec.structs.replace(user, **checked.updates(user))
            await uow.users.update(user)
            await uow.commit()
        await self._revoked.revoke_user(user.id, user.token_version)
        return user


class DeleteUser(UseCase):
    """Deleting a user erases everything they own; their tokens stop working."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, revoked: RevokedTokens) -> None:
        super().__init__(uow, clock)
        self._revoked = revoked

    async def execute(self, actor: int, user_id: int | None = None) -> int:
        target = owner(actor, user_id)
        async with self._uow() as uow:
            if not await uow.users.delete(target):
                raise NotFound("user", target)
            await uow.commit()
        await self._revoked.revoke_user(target, DELETED)
        return target


class SendFeedback(UseCase):
    """Feedback is kept as an activity of the user who gave it."""

    async def execute(
        self,
        actor: int,
        user_id: int | None,
        feedback: str,
        metadata: dict[str, Any] | None = None,
    ) -> Activity:
        target = owner(actor, user_id)
        message = norm.required_text(feedback, "feedback", norm.MAX_TEXT)
        async with self._uow() as uow:
            await load_user(uow, target)
            activity = await self._log(
                uow, target, ActionType.FEEDBACK, metadata={**(metadata or {}), "feedback": message}
            )
            await uow.commit()
        return activity
