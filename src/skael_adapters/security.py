"""Security adapters: Argon2id password hashes and HMAC-signed bearer tokens.

Tokens are compact JWTs (HS256): ``sub`` the user id, ``ver`` the user's token version,
``jti`` a unique id (for revocation), ``iat`` and ``exp``. Only this adapter reads them.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime

import msgspec
from argon2 import PasswordHasher as _Argon2
from argon2.exceptions import InvalidHashError, VerificationError

from skael_core.errors import Unauthenticated
from skael_core.model import IssuedToken, TokenClaims
from skael_core.ports import Clock, PasswordHasher, TokenService

MIN_SECRET_BYTES = 32


class Argon2PasswordHasher(PasswordHasher):
    """Argon2id with argon2-cffi's recommended parameters (or lighter ones for tests).

    One hash takes about 100 ms of CPU with the recommended parameters; it runs in a
    worker thread (argon2-cffi lets go of the GIL), so the event loop keeps serving
    other requests meanwhile.
    """

    def __init__(self, time_cost: int = 3, memory_cost: int = 65536, parallelism: int = 4) -> None:
        self._argon = _Argon2(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._argon.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        return await asyncio.to_thread(self._verify, password_hash, password)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._argon.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


class _Header(msgspec.Struct):
    alg: str
    typ: str = "JWT"


class _Claims(msgspec.Struct):
    sub: str
    ver: int
    jti: str
    iat: int
    exp: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_HEADER = _b64(msgspec.json.encode(_Header(alg="HS256")))


class HmacTokenService(TokenService):
    """Signs and checks access tokens with one secret key.

    A token whose signature checked out is remembered with its claims (the last
    ``verified_size`` of them), so a client sending the same token again costs a dict
    lookup and the expiry check, not a signature; the same string always carries the
    same claims.
    """

    def __init__(
        self,
        secret: str | bytes,
        clock: Clock,
        lifetime_seconds: int = 3600,
        verified_size: int = 10_000,
    ) -> None:
        self._verified_size = max(1, verified_size)
        key = secret.encode() if isinstance(secret, str) else secret
        if len(key) < MIN_SECRET_BYTES:
            raise ValueError(f"the token secret must be at least {MIN_SECRET_BYTES} bytes")
        self._key = key
        self._clock = clock
        self._lifetime = lifetime_seconds
        self._verified: dict[str, tuple[TokenClaims, int]] = {}

    def issue(self, user_id: int, version: int) -> IssuedToken:
        now = int(self._clock.now().timestamp())
        token_id = secrets.token_hex(16)
        claims = _Claims(
            sub=str(user_id), ver=version, jti=token_id, iat=now, exp=now + self._lifetime
        )
        signing_input = f"{_HEADER}.{_b64(msgspec.json.encode(claims))}"
        token = f"{signing_input}.{self._sign(signing_input)}"
        return IssuedToken(token=token, token_id=token_id, expires_in=self._lifetime)

    def verify(self, token: str) -> TokenClaims:
        known = self._verified.get(token)
        if known is None:
            known = self._checked(token)
            if len(self._verified) >= self._verified_size:
                self._verified.clear()
            self._verified[token] = known
        if known[1] <= self._clock.now().timestamp():
            raise Unauthenticated("token has expired")
        return known[0]

    def _checked(self, token: str) -> tuple[TokenClaims, int]:
        """The claims of a well-formed token signed with this key, and its expiry."""
        parts = token.split(".")
        if len(parts) != 3 or parts[0] != _HEADER:
            raise Unauthenticated("malformed token")
        signing_input = f"{parts[0]}.{parts[1]}"
        if not hmac.compare_digest(self._sign(signing_input), parts[2]):
            raise Unauthenticated("invalid token signature")
        try:
            claims = msgspec.json.decode(_unb64(parts[1]), type=_Claims)
            user_id = int(claims.sub)
        except (ValueError, msgspec.DecodeError):
            raise Unauthenticated("malformed token") from None
        expires_at = datetime.fromtimestamp(claims.exp, UTC)
        found = TokenClaims(
            user_id=user_id, token_id=claims.jti, version=claims.ver, expires_at=expires_at
        )
        return found, claims.exp

    def _sign(self, signing_input: str) -> str:
        return _b64(hmac.new(self._key, signing_input.encode(), hashlib.sha256).digest())
