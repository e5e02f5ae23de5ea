"""A test identity provider: a loopback JWKS server and ID tokens signed with its keys.

Use it to sign in to Skael with ID tokens, as the Skael frontend does with Firebase::

    with TestIssuer() as issuer:              # serves http://127.0.0.1:<port>/jwks
        settings = Settings(**issuer.settings(), ...)   # or issuer.env() for a server
        token = issuer.mint("uid-ada", email="ada@example.com")
        client.get("/users/me", headers={"Authorization": f"Bearer {token}"})

What a test can do with it:

- keys: ``add_key("RSA" | "EC")`` makes and publishes a key (one RSA key at start);
  ``rotate()`` publishes a fresh key in place of all others; ``unpublish(kid)`` keeps a
  key for signing but stops serving it. ``mint(..., kid=...)`` signs with any key made.
- the server: ``requests`` counts the JWKS requests served; ``cache_control`` is the
  header sent (``"public, max-age=3600"`` by default, None for none); ``reachable =
  False`` drops every connection unanswered, ``status = 503`` answers with that status.
- tokens: ``mint(subject, email=..., email_verified=..., name=..., lifetime=...,
  issued_at=..., **claims)`` gives a signed ID token with Firebase's claims; any claim
  can be overridden (``aud="other"``) or removed (``iss=None``). ``forged_none`` and
  ``forged_hs256`` make the classic forgeries (``alg: none``; HS256 keyed with the
  public key).

Times come from ``now`` (a callable giving an aware datetime; the wall clock unless
given), so tokens can be minted for a test's fixed clock. The server runs on a thread,
so synchronous and asynchronous tests alike can use it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal, Self

from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

KeyKind = Literal["RSA", "EC"]
ALGORITHM: dict[str, str] = {"RSA": "RS256", "EC": "ES256"}
UNSET: Any = object()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _json_b64(value: dict[str, Any]) -> str:
    return _b64(json.dumps(value, separators=(",", ":")).encode())


class TestIssuer:
    """An OpenID Connect issuer for tests (see the module's docstring)."""

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        issuer: str = "https://securetoken.google.com/skael-test",
        audience: str = "skael-test",
        now: Callable[[], datetime] | None = None,
        cache_control: str | None = "public, max-age=3600",
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self.now = now or (lambda: datetime.now(UTC))
        self.cache_control = cache_control
        self.reachable = True
        self.status = 200
        self.requests = 0
        self._keys: dict[str, RSAKey | ECKey] = {}
        self._published: list[str] = []
        self._made = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.add_key("RSA")

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def jwks_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/jwks"

    def settings(self) -> dict[str, str]:
        """``Settings`` fields that point Skael at this issuer."""
        return {
            "oidc_issuer": self.issuer,
            "oidc_audience": self.audience,
            "oidc_jwks_url": self.jwks_url,
        }

    def env(self) -> dict[str, str]:
        """The same as environment variables, for a ``skael serve`` process."""
        return {f"SKAEL_{name.upper()}": value for name, value in self.settings().items()}

    # ------------------------------------------------------------------ keys

    @property
    def kid(self) -> str:
        """The newest published key's id: the one ``mint`` signs with by default."""
        return self._published[-1]

    def add_key(self, kind: KeyKind = "RSA") -> str:
        """Make a key of ``kind``, publish it beside the others; its id."""
        self._made += 1
        kid = f"{kind.lower()}-{self._made}"
        parameters: Any = {"kid": kid, "use": "sig", "alg": ALGORITHM[kind]}
        key = (
            RSAKey.generate_key(2048, parameters=parameters)
            if kind == "RSA"
            else ECKey.generate_key("P-256", parameters=parameters)
        )
        with self._lock:
            self._keys[kid] = key
            self._published.append(kid)
        return kid

    def rotate(self, kind: KeyKind = "RSA") -> str:
        """Publish a new key instead of every other (old keys can still sign); its id."""
        kid = self.add_key(kind)
        with self._lock:
            self._published = [kid]
        return kid

    def unpublish(self, kid: str) -> None:
        with self._lock:
            self._published.remove(kid)

    def public_jwk(self, kid: str) -> dict[str, Any]:
        return dict(self._keys[kid].as_dict(private=False))

    # ------------------------------------------------------------------ tokens

    def claims(
        self,
        subject: str,
        email: str | None = None,
        email_verified: bool = True,
        name: str | None = None,
        lifetime: int = 3600,
        issued_at: datetime | None = None,
        **overrides: Any,
    ) -> dict[str, Any]:
        """Firebase-shaped ID token claims; an override of None removes that claim."""
        iat = int((issued_at or self.now()).timestamp())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "auth_time": iat,
            "user_id": subject,
            "sub": subject,
            "iat": iat,
            "exp": iat + lifetime,
            "email": email,
            "email_verified": email_verified,
            "name": name,
            "firebase": {"identities": {}, "sign_in_provider": "password"},
        }
        claims.update(overrides)
        return {key: value for key, value in claims.items() if value is not None}

    def mint(self, subject: str, *, kid: str | None = None, **claims: Any) -> str:
        """A signed ID token for ``subject`` (claims as in :meth:`claims`)."""
        kid = kid or self.kid
        key = self._keys[kid]
        header = {"alg": ALGORITHM[key.key_type], "kid": kid, "typ": "JWT"}
        return jwt.encode(header, self.claims(subject, **claims), key)

    def forged_none(self, subject: str, **claims: Any) -> str:
        """An unsigned token (``alg: none``) naming a published key."""
        header = {"alg": "none", "kid": self.kid, "typ": "JWT"}
        return f"{_json_b64(header)}.{_json_b64(self.claims(subject, **claims))}."

    def forged_hs256(self, subject: str, **claims: Any) -> str:
        """A token HMAC-signed with the published public key (its PEM) as the secret."""
        key = self._keys[self.kid]
        header = {"alg": "HS256", "kid": self.kid, "typ": "JWT"}
        signing_input = f"{_json_b64(header)}.{_json_b64(self.claims(subject, **claims))}"
        secret = key.as_pem(private=False)
        signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{_b64(signature)}"

    # ------------------------------------------------------------------ server

    def _document(self) -> bytes:
        with self._lock:
            keys = [self.public_jwk(kid) for kid in self._published]
        return json.dumps({"keys": keys}).encode()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with issuer._lock:
                    issuer.requests += 1
                if not issuer.reachable:
                    self.close_connection = True
                    self.connection.close()
                    return
                body = issuer._document() if issuer.status == 200 else b"unavailable"
                self.send_response(issuer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                if issuer.cache_control is not None:
                    self.send_header("Cache-Control", issuer.cache_control)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return None

        return Handler
