"""Signing in with an identity provider's ID token, beside Skael's own tokens.

An ID token (for instance Firebase Authentication's) names a subject at an issuer.
The first time a subject is seen, a token whose e-mail the provider has verified links
that subject to the Skael account with the same e-mail, or, with auto-registration,
creates the account. Afterwards the link alone decides: the subject keeps reaching its
account whatever e-mail the provider later reports.
"""

from __future__ import annotations

from typing import Final

from .. import normalize as norm
from ..errors import Conflict, InvalidInput, Unauthenticated
from ..model import Identity, IdentityClaims, IdentityLink, Profile, User
from ..ports import (
    Clock,
    IdentityTokenVerifier,
    RevokedTokens,
    UnitOfWork,
    UnitOfWorkFactory,
)
from .accounts import DELETED
from .common import Caller

NO_PASSWORD: Final = "!"
"""The password hash of an account made from an ID token: no password matches it."""

NO_ACCOUNT: Final = (
    "no Skael account is linked to this identity: register with POST /users/ "
    "using the same e-mail first"
)


def _linked_elsewhere(email: str) -> str:
    return f"the Skael account with e-mail {email} is linked to another identity of this provider"


class AuthenticateIdentity:
    """An ID token proves the Skael account linked to its subject.

    A subject with no link yet is linked by its e-mail, which the provider must have
    verified, to the account with that e-mail; with ``auto_register`` a new account is
    made when there is none. An account links to one subject per issuer, so an e-mail
    freed at the provider and taken by someone else cannot reach it. Links are
    remembered by this process for ``memo_seconds``; a deleted account is refused at
    once through the user floor in ``RevokedTokens``, as Skael tokens are.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        verifier: IdentityTokenVerifier,
        revoked: RevokedTokens,
        clock: Clock,
        auto_register: bool = False,
        memo_seconds: float = 60.0,
        memo_size: int = 50_000,
    ) -> None:
        self._uow = uow
        self._memo_size = max(1, memo_size)
        self._verifier = verifier
        self._revoked = revoked
        self._clock = clock
        self._auto_register = auto_register
        self._memo_seconds = memo_seconds
        self._linked: dict[tuple[str, str], tuple[int, float]] = {}

    def accepts(self, token: str) -> bool:
        """Whether ``token`` is an ID token rather than a Skael token (see the port)."""
        return self._verifier.accepts(token)

    async def execute(self, token: str) -> Caller:
        claims = await self._verifier.verify(token)
        if await self._revoked.is_revoked(claims.token_id) or await self._logged_out(claims):
            raise Unauthenticated("token has been revoked")
        identity = claims.identity
        user_id = await self._user_for(identity)
        if await self._revoked.user_floor(user_id) >= DELETED:
            self._linked.pop((identity.issuer, identity.subject), None)
            raise Unauthenticated(NO_ACCOUNT)
        return Caller(user_id=user_id, token_id=claims.token_id, expires_at=claims.expires_at)

    async def _logged_out(self, claims: IdentityClaims) -> bool:
        """Whether the store of record holds a logout of this token, looked up unless
        ``RevokedTokens`` answers for every process (as for Skael tokens)."""
        if self._revoked.is_shared():
            return False
        async with self._uow(read_only=True) as uow:
            return await uow.revoked_tokens.contains(claims.token_id)

    async def _user_for(self, identity: Identity) -> int:
        key = (identity.issuer, identity.subject)
        now = self._clock.now().timestamp()
        known = self._linked.get(key)
        if known is not None and now - known[1] <= self._memo_seconds:
            return known[0]
        async with self._uow(read_only=True) as uow:
            user_id = await uow.identity_links.user_for(*key)
        if user_id is None:
            user_id = await self._link(identity)
        if len(self._linked) >= self._memo_size:
            self._linked.clear()
        self._linked[key] = (user_id, now)
        return user_id

    async def _link(self, identity: Identity) -> int:
        """The account a first token of ``identity`` reaches, linked (or made) now."""
        email = _verified_email(identity)
        try:
            async with self._uow() as uow:
                user_id = await self._link_in(uow, identity, email)
                await uow.commit()
                return user_id
        except Conflict:
            # a concurrent first request linked (or registered) this subject meanwhile
            async with self._uow(read_only=True) as uow:
                found = await uow.identity_links.user_for(identity.issuer, identity.subject)
            if found is None:
                raise Unauthenticated(_linked_elsewhere(email)) from None
            return found

    async def _link_in(self, uow: UnitOfWork, identity: Identity, email: str) -> int:
        user = await uow.users.get_by_email(email)
        if user is None:
            if not self._auto_register:
                raise Unauthenticated(NO_ACCOUNT)
            user = await uow.users.add(self._new_user(identity, email))
        link = IdentityLink(
            issuer=identity.issuer,
            subject=identity.subject,
            user_id=user.id,
            linked_at=self._clock.now(),
        )
        await uow.identity_links.add(link)
        return user.id

    def _new_user(self, identity: Identity, email: str) -> User:
        """An account for ``identity``: named by the token (else by the e-mail), no
        password (it signs in through its provider)."""
        name = (identity.name or "").strip() or email.partition("@")[0]
        profile = Profile(user_name=norm.required_text(name[: norm.MAX_SHORT_TEXT], "user_name"))
        return User(
            email=email, password_hash=NO_PASSWORD, joined_at=self._clock.now(), profile=profile
        )


def _verified_email(identity: Identity) -> str:
    """The canonical e-mail of ``identity``, which its provider must have verified."""
    if not identity.email:
        raise Unauthenticated("the token carries no e-mail, so no Skael account can be linked")
    if not identity.email_verified:
        raise Unauthenticated(
            f"the identity provider has not verified the e-mail {identity.email}: "
            "verify it before signing in to Skael"
        )
    try:
        return norm.canonical_email(identity.email, "email")
    except InvalidInput:
        raise Unauthenticated(
            f"the token's e-mail {identity.email!r} is not an address Skael accepts"
        ) from None
