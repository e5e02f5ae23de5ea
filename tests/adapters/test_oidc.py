"""The OIDC adapter on its own: the key cache against a loopback key server, the
Cache-Control rule, and which published keys it takes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from oidc_issuer import TestIssuer
from skael_adapters.oidc import JwksKeys, OidcTokenVerifier, max_age, signing_keys
from skael_adapters.system import FixedClock
from skael_core.errors import IdentityProviderUnavailable, Unauthenticated
from support import NOW


@pytest.fixture
def issuer() -> Iterator[TestIssuer]:
    with TestIssuer(now=lambda: NOW) as running:
        yield running


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as opened:
        yield opened


def verifier(issuer: TestIssuer, client: httpx.AsyncClient, clock: FixedClock) -> OidcTokenVerifier:
    keys = JwksKeys(issuer.jwks_url, client, clock, refresh_interval=30)
    return OidcTokenVerifier(issuer=issuer.issuer, audience=issuer.audience, keys=keys, clock=clock)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("public, max-age=19302, must-revalidate, no-transform", 19302.0),
        ("max-age=0", 0.0),
        ("private, MAX-AGE = 60", 60.0),
        ("no-store", 0.0),
        ("public, no-cache, max-age=600", 0.0),
        ("public, s-maxage=600", None),
        ("", None),
        (None, None),
    ],
)
def test_max_age_of_cache_control(header: str | None, seconds: float | None) -> None:
    assert max_age(header) == seconds


def test_onlysigning_keys_with_an_id_are_taken(issuer: TestIssuer) -> None:
    rsa = issuer.public_jwk(issuer.kid)
    ec = issuer.public_jwk(issuer.add_key("EC"))
    document = {
        "keys": [
            rsa,
            ec,
            {**rsa, "kid": "for-encryption", "use": "enc"},
            {k: v for k, v in rsa.items() if k != "kid"},
            {"kty": "oct", "kid": "shared-secret", "k": "c2VjcmV0"},
            {"kty": "RSA", "kid": "broken", "n": "not base64!", "e": "AQAB"},
            "not a key",
        ]
    }
    assert sorted(signing_keys(document)) == sorted([rsa["kid"], ec["kid"]])
    with pytest.raises(ValueError, match="not a JSON Web Key Set"):
        signing_keys({"keys": "none"})


async def test_concurrent_first_tokens_share_one_fetch(
    issuer: TestIssuer, client: httpx.AsyncClient
) -> None:
    checker = verifier(issuer, client, FixedClock(NOW))
    tokens = [issuer.mint(f"uid-{n}", email=f"p{n}@example.com") for n in range(50)]
    found = await asyncio.gather(*(checker.verify(token) for token in tokens))
    assert [c.identity.subject for c in found] == [f"uid-{n}" for n in range(50)]
    assert issuer.requests == 1
    assert found[0].identity.email == "p0@example.com" and found[0].identity.email_verified
    assert found[0].token_id != found[1].token_id


async def test_an_answer_that_is_not_a_key_set_is_unavailable(
    issuer: TestIssuer, client: httpx.AsyncClient
) -> None:
    issuer.status = 404
    checker = verifier(issuer, client, FixedClock(NOW))
    with pytest.raises(IdentityProviderUnavailable, match="answered 404"):
        await checker.verify(issuer.mint("uid-1", email="a@example.com"))


async def test_a_token_without_a_kid_or_not_a_jws(
    issuer: TestIssuer, client: httpx.AsyncClient
) -> None:
    checker = verifier(issuer, client, FixedClock(NOW))
    assert not checker.accepts("not.a.token")
    assert not checker.accepts("no-dots-at-all")
    assert checker.accepts(issuer.mint("uid-1"))
    with pytest.raises(Unauthenticated, match="malformed token"):
        await checker.verify("eyJraWQiOiJ4In0.%%%.abc")
    assert issuer.requests == 0
