"""Settings from the environment (``SKAEL_*``, plus ``THEIRSTACK_API_KEY``)."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import msgspec

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./skael.db"
DEFAULT_THEIRSTACK_URL = "https://api.theirstack.com"


class SettingsError(ValueError):
    """A setting of the environment Skael cannot use; the message names the variable."""


_FIREBASE_PROJECT = re.compile(r"[a-z][a-z0-9-]{4,28}[a-z0-9]")
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


class OidcSettings(msgspec.Struct, frozen=True, kw_only=True):
    """One OpenID Connect issuer whose ID tokens Skael accepts (see ``Settings.oidc``)."""

    issuer: str
    audience: str
    jwks_url: str

    def check(self) -> None:
        """``SettingsError`` unless the issuer is an http(s) URL and the keys are fetched
        over https (plain http only from this machine, as tests do)."""
        issuer = urlsplit(self.issuer)
        if issuer.scheme not in ("https", "http") or not issuer.netloc:
            raise SettingsError("SKAEL_OIDC_ISSUER: not a URL of the kind https://")
        jwks = urlsplit(self.jwks_url)
        local = jwks.scheme == "http" and (jwks.hostname or "") in _LOOPBACK
        if not jwks.netloc or not (jwks.scheme == "https" or local):
            raise SettingsError(
                "SKAEL_OIDC_JWKS_URL: not a URL of the kind https:// (http:// only for localhost)"
            )


_AT_FIELD = re.compile(r" - at `\$\.(\w+)[^`]*`$")

MIN_SECRET_BYTES = 32
"""The shortest token signing secret taken (``security.HmacTokenService`` refuses less)."""

Positive = Annotated[int, msgspec.Meta(ge=1)]
Count = Annotated[int, msgspec.Meta(ge=0)]
Seconds = Annotated[float, msgspec.Meta(gt=0)]
Port = Annotated[int, msgspec.Meta(ge=1, le=65535)]


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    secret_key: str | None = None
    data_dir: str = ".skael"
    token_lifetime: Positive = 3600
    cors_origins: tuple[str, ...] = ()
    max_body_bytes: Positive = 1_048_576
    theirstack_api_key: str | None = None
    theirstack_url: str = DEFAULT_THEIRSTACK_URL
    theirstack_deadline: Seconds = 30.0
    theirstack_connect_timeout: Seconds = 5.0
    theirstack_read_timeout: Seconds = 20.0
    llm_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: Seconds = 30.0
    seed_sample: bool = True
    login_limit: Positive = 10
    login_address_limit: Positive = 100
    register_limit: Positive = 20
    login_window: Annotated[int, msgspec.Meta(ge=5)] = 900
    db_pool_size: Positive = 10
    db_max_overflow: Count = 10
    db_ping_after: Annotated[float, msgspec.Meta(ge=0, le=3600)] = 2.0
    """Seconds a pooled PostgreSQL connection may rest before its next checkout asks it
    for ``SELECT 1`` (one that the server closed is refused on checkout at any age)."""
    max_candidates: Positive = 600
    redis_namespace: str = "skael"
    ranking_cache_size: Count = 2048
    import_batch_size: Positive = 1000
    """Postings per database write of an ingestion (and per chunk an export is read in)."""
    import_block_bytes: Positive = 1 << 20
    """Bytes of JSON Lines sent to an import worker process at once."""
    decoded_jobs_size: Positive = 8192
    """Whole jobs kept decoded per process (about 5 kB each)."""
    decoded_candidates_size: Positive = 20_000
    """Ranking candidates kept decoded per process (about 2 kB each)."""
    prepared_plans_size: Positive = 256
    """Compiled statements the SQLite inline reader keeps."""
    caller_memo_size: Positive = 65_536
    """Users whose token version (and identity links) this process remembers."""
    verified_tokens_size: Positive = 10_000
    """Identity-provider ID tokens remembered as verified."""
    ranking_cache_ttl: Annotated[float, msgspec.Meta(ge=0)] = 300.0
    ranking_index: bool = True
    """Whether relevant_jobs ranks through the in-process ranking index (numpy columns of
    every stored job, about 200 bytes each, loaded in the background at start)."""
    ranking_index_max_jobs: Positive = 3_000_000
    """Stores with more jobs than this rank without the index."""
    ranking_index_max_changed: Positive = 50_000
    """Jobs changed since the index was loaded before it loads afresh (in the background)."""
    job_json_cache_size: Count = 8192
    scored_page_cache_size: Count = 512
    """Scored job-list pages kept per process (``ListScoredJobs``; 0: none)."""
    fast_path: bool = True
    """Whether ``skael_web.fastpath`` answers plain hot reads before Litestar routes them."""
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    oidc_jwks_url: str | None = None
    firebase_project_id: str | None = None
    oidc_auto_register: bool = False
    oidc_algorithms: tuple[str, ...] = ("RS256", "ES256")
    oidc_clock_skew: int = 60
    oidc_refresh_interval: float = 30.0
    credit_budget_daily: Count = 1000
    credit_budget_per_person: Count = 100
    search_fetch_limit: Annotated[int, msgspec.Meta(ge=1, le=100)] = 25
    worker_interval: Seconds = 60.0
    worker_batch: Positive = 100
    search_lease: Annotated[int, msgspec.Meta(ge=60)] = 600
    search_retry_after: Positive = 300
    worker_in_serve: bool = False
    webhook_deadline: Seconds = 30.0
    webhook_attempts: Positive = 4
    webhook_allow_private: bool = False
    webhook_tries: Positive = 6
    webhook_retry_after: Positive = 300
    search_stored_window: Annotated[int, msgspec.Meta(ge=0, le=10_000)] = 200

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``env`` (the process environment by default)."""
        e = os.environ if env is None else env

        def get(name: str) -> str | None:
            value = e.get(name)
            return value.strip() if value and value.strip() else None

        fields: dict[str, object] = {}
        for field in msgspec.structs.fields(cls):
            raw = get(f"SKAEL_{field.name.upper()}")
            if raw is not None:
                fields[field.name] = raw
        if (key := get("THEIRSTACK_API_KEY")) is not None:
            fields.setdefault("theirstack_api_key", key)
        for listed in ("cors_origins", "oidc_algorithms"):
            if listed in fields:
                fields[listed] = [o.strip() for o in str(fields[listed]).split(",") if o.strip()]
        try:
            settings = msgspec.convert(fields, cls, strict=False)
        except msgspec.ValidationError as error:
            message = str(error)
            at = _AT_FIELD.search(message)
            name = f"SKAEL_{at[1].upper()}" if at else "a SKAEL_ setting"
            reason = _AT_FIELD.sub("", message)
            raise SettingsError(f"{name}: {reason[:1].lower()}{reason[1:]}") from None
        settings.check_database_url()
        settings.check_service_urls()
        settings.check_secret_key()
        settings.check_cors_origins()
        settings.check_oidc()
        return settings

    def check_secret_key(self) -> None:
        """``SettingsError`` when ``SKAEL_SECRET_KEY`` is set but shorter than 32 bytes."""
        if self.secret_key is None:
            return
        size = len(self.secret_key.encode())
        if size < MIN_SECRET_BYTES:
            raise SettingsError(
                f"SKAEL_SECRET_KEY: must be at least {MIN_SECRET_BYTES} bytes long, not {size}"
                " (leave it unset to have one generated)"
            )

    def check_cors_origins(self) -> None:
        """``SettingsError`` for an entry of ``SKAEL_CORS_ORIGINS`` that is not an origin
        (``scheme://host[:port]``, scheme http or https, nothing after) nor ``*``."""
        for origin in self.cors_origins:
            if origin == "*":
                continue
            try:
                parsed = urlsplit(origin)
                parsed.port  # noqa: B018  (a port that is not a number raises here)
            except ValueError:
                parsed = urlsplit("")
            rest = parsed.path or parsed.query or parsed.fragment or "@" in parsed.netloc
            if parsed.scheme not in ("http", "https") or not parsed.hostname or rest:
                raise SettingsError(
                    f"SKAEL_CORS_ORIGINS: {origin!r} is not an origin; write each as"
                    " scheme://host[:port], such as https://app.example.com"
                )

    def oidc(self) -> OidcSettings | None:
        """The identity provider whose ID tokens are accepted, None when none is set.

        ``SKAEL_FIREBASE_PROJECT_ID`` fills whichever of issuer, audience and JWKS URL
        are not given; otherwise all three are needed (``SettingsError`` naming the
        first one missing).
        """
        from skael_adapters.oidc import FIREBASE_ISSUER_PREFIX, FIREBASE_JWKS_URL

        values = {
            "SKAEL_OIDC_ISSUER": self.oidc_issuer,
            "SKAEL_OIDC_AUDIENCE": self.oidc_audience,
            "SKAEL_OIDC_JWKS_URL": self.oidc_jwks_url,
        }
        if project := self.firebase_project_id:
            values["SKAEL_OIDC_ISSUER"] = self.oidc_issuer or FIREBASE_ISSUER_PREFIX + project
            values["SKAEL_OIDC_AUDIENCE"] = self.oidc_audience or project
            values["SKAEL_OIDC_JWKS_URL"] = self.oidc_jwks_url or FIREBASE_JWKS_URL
        if not any(values.values()):
            return None
        for name, value in values.items():
            if not value:
                raise SettingsError(
                    f"{name}: needed with the other SKAEL_OIDC_ settings"
                    " (or set SKAEL_FIREBASE_PROJECT_ID)"
                )
        issuer, audience, jwks_url = (str(v) for v in values.values())
        return OidcSettings(issuer=issuer, audience=audience, jwks_url=jwks_url)

    def check_oidc(self) -> None:
        """``SettingsError`` when the identity-provider settings cannot be used."""
        if self.firebase_project_id and not _FIREBASE_PROJECT.fullmatch(self.firebase_project_id):
            raise SettingsError(
                "SKAEL_FIREBASE_PROJECT_ID: not a Firebase project id"
                " (6 to 30 lower-case letters, digits and hyphens)"
            )
        oidc = self.oidc()
        if oidc is None:
            if self.oidc_auto_register:
                raise SettingsError(
                    "SKAEL_OIDC_AUTO_REGISTER: needs an identity provider"
                    " (SKAEL_FIREBASE_PROJECT_ID, or the SKAEL_OIDC_ settings)"
                )
            return
        oidc.check()
        self._check_oidc_numbers()

    def _check_oidc_numbers(self) -> None:
        from skael_adapters.oidc import KEY_TYPES

        if not self.oidc_algorithms or set(self.oidc_algorithms) - set(KEY_TYPES):
            raise SettingsError(f"SKAEL_OIDC_ALGORITHMS: one or more of {', '.join(KEY_TYPES)}")
        if not 0 <= self.oidc_clock_skew <= 600:
            raise SettingsError("SKAEL_OIDC_CLOCK_SKEW: seconds from 0 to 600")
        if not 0 < self.oidc_refresh_interval <= 86_400:
            raise SettingsError("SKAEL_OIDC_REFRESH_INTERVAL: seconds above 0, at most 86400")

    def check_service_urls(self) -> None:
        """``SettingsError`` when the provider's, Redis's or the writer's URL is not one
        of the kinds they take."""
        wanted = {
            "theirstack_url": ("http", "https"),
            "redis_url": ("redis", "rediss", "unix"),
            "llm_url": ("http", "https"),
        }
        for name, schemes in wanted.items():
            value = getattr(self, name)
            if value is None:
                continue
            parsed = urlsplit(value)
            if parsed.scheme not in schemes or not (parsed.netloc or parsed.scheme == "unix"):
                kinds = ", ".join(f"{scheme}://" for scheme in schemes)
                raise SettingsError(f"SKAEL_{name.upper()}: not a URL of the kind {kinds}")

    def check_database_url(self) -> None:
        """``SettingsError`` when ``database_url`` is neither ``memory`` nor a URL of a
        database Skael runs on."""
        if self.database_url.startswith("memory"):
            return
        from skael_adapters.sql.engine import check_url, is_memory_sqlite

        try:
            parsed = check_url(self.database_url)
        except ValueError as error:
            raise SettingsError(f"SKAEL_DATABASE_URL: {error}") from None
        if parsed.get_backend_name() == "sqlite" and not is_memory_sqlite(parsed):
            folder = Path(parsed.database or "").parent
            if not folder.is_dir():
                raise SettingsError(
                    f"SKAEL_DATABASE_URL: the folder {folder} of the SQLite file does not"
                    " exist; create it first"
                )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def signing_secret(self) -> str:
        """``SKAEL_SECRET_KEY``, else a secret generated once into the data directory.

        The generated file is readable by its owner only (mode 0600).
        """
        if self.secret_key:
            return self.secret_key
        path = Path(self.data_dir) / "secret_key"
        if path.exists():
            return path.read_text().strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_urlsafe(48)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker wrote it first
            return path.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(secret)
        return secret
