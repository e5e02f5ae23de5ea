"""Settings from the environment (``SKAEL_*``, plus ``THEIRSTACK_API_KEY``)."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

import msgspec

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./skael.db"
DEFAULT_THEIRSTACK_URL = "https://api.theirstack.com"


class SettingsError(ValueError):
    """A setting of the environment Skael cannot use; the message names the variable."""


_AT_FIELD = re.compile(r" - at `\$\.(\w+)[^`]*`$")


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    secret_key: str | None = None
    data_dir: str = ".skael"
    token_lifetime: int = 3600
    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = 1_048_576
    theirstack_api_key: str | None = None
    theirstack_url: str = DEFAULT_THEIRSTACK_URL
    theirstack_deadline: float = 30.0
    theirstack_connect_timeout: float = 5.0
    theirstack_read_timeout: float = 20.0
    llm_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = 30.0
    seed_sample: bool = True
    login_limit: int = 10
    login_address_limit: int = 100
    register_limit: int = 20
    login_window: int = 900
    db_pool_size: int = 10
    db_max_overflow: int = 10
    max_candidates: int = 600
    redis_namespace: str = "skael"
    ranking_cache_size: int = 2048
    ranking_cache_ttl: float = 300.0

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
        if "cors_origins" in fields:
            fields["cors_origins"] = [
                o.strip() for o in str(fields["cors_origins"]).split(",") if o.strip()
            ]
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
        return settings

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
        from skael_adapters.sql.engine import check_url

        try:
            check_url(self.database_url)
        except ValueError as error:
            raise SettingsError(f"SKAEL_DATABASE_URL: {error}") from None

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
