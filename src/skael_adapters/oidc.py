"""ID tokens of one OpenID Connect issuer (Firebase Authentication, or any other),
checked with joserfc against the issuer's published keys (a JWKS).

    OidcTokenVerifier (the core's IdentityTokenVerifier)
    ├── the header: a JWS naming a key (``kid``) and one of the configured algorithms;
    │   the algorithm is never taken from the token (``none``, HS256 ... are refused)
    ├── JwksKeys: the issuer's keys, fetched with httpx, kept for the ``max-age`` of the
    │   answer's Cache-Control, fetched again for an unknown ``kid`` at most once per
    │   refresh interval (junk tokens cannot make it ask the provider more often)
    └── the claims: ``iss``, ``aud``, ``exp``, ``iat``, ``nbf`` with a leeway for clock skew

Both objects are made by the container, one per process; the keys and the tokens
already verified live in them, never in a module.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import logging
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Final

import httpx
import msgspec
from joserfc import jws, jwt
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwk import ECKey, RSAKey
from joserfc.jwt import JWTClaimsRegistry

from skael_core.errors import IdentityProviderUnavailable, Unauthenticated
from skael_core.model import Identity, IdentityClaims
from skael_core.ports import Clock, IdentityTokenVerifier

log = logging.getLogger("skael.oidc")

KEY_TYPES: Final = {"RS256": "RSA", "ES256": "EC"}
"""The algorithms Skael accepts ID tokens in, and the type of key each needs."""

FIREBASE_JWKS_URL: Final = (
    "https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com"
)
FIREBASE_ISSUER_PREFIX: Final = "https://securetoken.google.com/"

_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*(\d+)", re.IGNORECASE)
_NOT_KEPT = re.compile(r"(?:^|[,\s])(?:no-store|no-cache)\b", re.IGNORECASE)

Key = RSAKey | ECKey


def max_age(cache_control: str | None) -> float | None:
    """Seconds an answer may be kept, from its Cache-Control header; None if it says not."""
    if not cache_control:
        return None
    if _NOT_KEPT.search(cache_control):
        return 0.0
    found = _MAX_AGE.search(cache_control)
    return float(found[1]) if found else None


def signing_keys(document: Any) -> dict[str, Key]:
    """The RSA and EC signing keys of a JWKS document, by ``kid``; others are skipped."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("not a JSON Web Key Set")
    keys: dict[str, Key] = {}
    for entry in document["keys"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("kid"), str):
            continue
        if entry.get("use", "sig") != "sig" or entry.get("kty") not in ("RSA", "EC"):
            continue
        try:
            key = RSAKey.import_key(entry) if entry["kty"] == "RSA" else ECKey.import_key(entry)
        except (JoseError, ValueError, TypeError) as error:
            log.warning("skipping key %s of the JWKS: %s", entry["kid"], error)
            continue
        keys[entry["kid"]] = key
    return keys


class JwksKeys:
    """The signing keys published at one JWKS URL, as this process last fetched them.

    Keys are kept for the answer's ``max-age`` (``fallback_max_age`` without one), at
    least ``refresh_interval`` and at most ``longest_max_age`` seconds. A key id not
    among them causes a new fetch only when ``refresh_interval`` seconds have passed
    since the last attempt, successful or not; one fetch runs at a time and the
    requests waiting for it share its answer. When a fetch fails, keys already known
    stay in use; a key that can only come from the provider is then unavailable.
    """

    def __init__(
        self,
        url: str,
        client: httpx.AsyncClient,
        clock: Clock,
        refresh_interval: float = 30.0,
        fallback_max_age: float = 300.0,
        longest_max_age: float = 86_400.0,
        timeout: float = 5.0,
    ) -> None:
        self.url = url
        self._client = client
        self._clock = clock
        self._refresh_interval = refresh_interval
        self._fallback_max_age = fallback_max_age
        self._longest_max_age = longest_max_age
        self._timeout = timeout
        self._keys: dict[str, Key] = {}
        self._fresh_until = float("-inf")
        self._attempted_at = float("-inf")
        self._failure: str | None = None
        self._fetching = asyncio.Lock()

    async def key(self, kid: str) -> Key:
        """The key named ``kid``: ``Unauthenticated`` if the provider publishes none of
        that name, ``IdentityProviderUnavailable`` if its keys cannot be fetched."""
        if kid in self._keys and self._now() < self._fresh_until:
            return self._keys[kid]
        async with self._fetching:
            now = self._now()
            wanted = kid not in self._keys or now >= self._fresh_until
            if wanted and now - self._attempted_at >= self._refresh_interval:
                await self._fetch(now)
        if kid in self._keys:
            return self._keys[kid]
        if self._failure is not None:
            raise IdentityProviderUnavailable(
                f"the identity provider's signing keys could not be fetched ({self._failure});"
                " try again shortly"
            )
        raise Unauthenticated(f"unknown signing key: the provider publishes no key {kid!r}")

    def _now(self) -> float:
        return self._clock.now().timestamp()

    async def _fetch(self, now: float) -> None:
        self._attempted_at = now
        try:
            response = await self._get()
            keys = signing_keys(response.json())
        except ValueError as error:
            self._failed(f"{self.url} did not send a JSON Web Key Set: {error}")
            return
        except (httpx.HTTPError, TimeoutError, _BadStatus) as error:
            self._failed(f"{self.url}: {error or type(error).__name__}")
            return
        age = max_age(response.headers.get("Cache-Control"))
        age = self._fallback_max_age if age is None else age
        age = min(max(age, self._refresh_interval), self._longest_max_age)
        self._keys, self._fresh_until, self._failure = keys, now + age, None
        log.info("fetched %d signing keys from %s, kept %.0f s", len(keys), self.url, age)

    async def _get(self) -> httpx.Response:
        async with asyncio.timeout(self._timeout):
            response = await self._client.get(
                self.url, timeout=self._timeout, headers={"Accept": "application/json"}
            )
        if response.status_code != httpx.codes.OK:
            raise _BadStatus(f"answered {response.status_code}")
        return response

    def _failed(self, reason: str) -> None:
        self._failure = reason
        log.warning("could not fetch the identity provider's keys: %s", reason)


class _BadStatus(Exception):
    """The key server answered, but not with 200."""


class _Claims(msgspec.Struct):
    """The claims Skael reads of an ID token (after the registry checked the standard ones)."""

    iss: str
    sub: str
    exp: int
    email: str | None = None
    email_verified: bool = False
    name: str | None = None


class OidcTokenVerifier(IdentityTokenVerifier):
    """Verifies the ID tokens of one issuer for one audience.

    A token whose checks passed is remembered with its claims (the last
    ``verified_size`` of them): the same string always carries the same claims, so a
    client sending it again costs a lookup and the expiry check, not a signature.
    """

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        keys: JwksKeys,
        clock: Clock,
        algorithms: Sequence[str] = ("RS256", "ES256"),
        leeway: int = 60,
        verified_size: int = 10_000,
    ) -> None:
        self._verified_size = max(1, verified_size)
        unknown = set(algorithms) - set(KEY_TYPES)
        if unknown or not algorithms:
            raise ValueError(f"ID token algorithms must be among {', '.join(KEY_TYPES)}")
        self.issuer = issuer
        self.audience = audience
        self._keys = keys
        self._clock = clock
        self._algorithms = tuple(algorithms)
        self._leeway = leeway
        self._verified: dict[str, IdentityClaims] = {}

    def accepts(self, token: str) -> bool:
        """A JWS whose header names a key (``kid``): Skael's own tokens never do."""
        head, dot, _ = token.partition(".")
        if not dot or len(head) > 4096:
            return False
        try:
            header = msgspec.json.decode(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
        except (ValueError, binascii.Error, msgspec.DecodeError):
            return False
        return isinstance(header, dict) and "kid" in header

    async def verify(self, token: str) -> IdentityClaims:
        known = self._verified.get(token)
        if known is None:
            known = await self._checked(token)
            if len(self._verified) >= self._verified_size:
                self._verified.clear()
            self._verified[token] = known
        if known.expires_at.timestamp() + self._leeway <= self._clock.now().timestamp():
            raise Unauthenticated("token has expired")
        return known

    async def _checked(self, token: str) -> IdentityClaims:
        header = _header(token)
        alg, kid = header.get("alg"), header.get("kid")
        if alg not in self._algorithms:
            accepted = ", ".join(self._algorithms)
            raise Unauthenticated(f"token algorithm {alg!r} is not accepted (only {accepted})")
        if not isinstance(kid, str) or not kid:
            raise Unauthenticated("the token names no signing key (kid)")
        key = await self._keys.key(kid)
        if key.key_type != KEY_TYPES[alg] or key.alg not in (None, alg):
            raise Unauthenticated(f"the signing key {kid!r} is not a key for {alg}")
        try:
            decoded = jwt.decode(token, key, algorithms=[alg])
        except BadSignatureError:
            raise Unauthenticated("invalid token signature") from None
        except JoseError as error:
            raise Unauthenticated(f"invalid token signature ({error.error})") from None
        return self._claims(decoded.claims, token_id(token))

    def _claims(self, claims: dict[str, Any], token_id: str) -> IdentityClaims:
        registry = JWTClaimsRegistry(
            now=int(self._clock.now().timestamp()),
            leeway=self._leeway,
            iss={"essential": True, "value": self.issuer},
            aud={"essential": True, "value": self.audience},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
        )
        try:
            registry.validate(claims)
            read = msgspec.convert(claims, _Claims)
        except JoseError as error:
            raise Unauthenticated(self._claim_failure(error)) from None
        except msgspec.ValidationError as error:
            raise Unauthenticated(f"the token's claims are malformed: {error}") from None
        if not read.sub:
            raise Unauthenticated("the token's subject (sub) is empty")
        identity = Identity(
            issuer=read.iss,
            subject=read.sub,
            email=read.email,
            email_verified=read.email_verified,
            name=read.name,
        )
        return IdentityClaims(
            identity=identity,
            token_id=token_id,
            expires_at=datetime.fromtimestamp(read.exp, UTC),
        )

    def _claim_failure(self, error: JoseError) -> str:
        """What a failed claim check says to the client."""
        if isinstance(error, ExpiredTokenError):
            return "token has expired"
        claim = getattr(error, "claim", "?")
        if isinstance(error, MissingClaimError):
            return f"the token has no {claim!r} claim"
        if isinstance(error, InvalidClaimError) and claim == "aud":
            return f"wrong audience: the token is not meant for {self.audience!r}"
        if isinstance(error, InvalidClaimError) and claim == "iss":
            return f"wrong issuer: this server accepts tokens of {self.issuer!r} only"
        if claim == "iat":
            return "the token was issued in the future (check the clocks)"
        if claim == "nbf":
            return "the token is not valid yet"
        return f"the token's {claim!r} claim is invalid"


def token_id(token: str) -> str:
    """The id an ID token is revoked by (on logout): a digest of the token itself."""
    return "oidc-" + hashlib.sha256(token.encode()).hexdigest()[:32]


def _header(token: str) -> dict[str, Any]:
    """The protected header of a compact JWS, unverified; ``Unauthenticated`` if it is not one."""
    try:
        header = jws.extract_compact(token.encode()).headers()
    except (JoseError, ValueError, UnicodeError):
        raise Unauthenticated("malformed token") from None
    return dict(header)
