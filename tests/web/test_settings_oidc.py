"""The identity-provider settings: off when unset, the Firebase preset, and every value
Skael cannot use refused at start in one line naming its variable."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from skael_adapters.oidc import FIREBASE_JWKS_URL, OidcTokenVerifier
from skael_web.container import build_container
from skael_web.settings import OidcSettings, Settings, SettingsError
from support import cli_env

ISSUER = "https://login.example.org"
JWKS = "https://login.example.org/.well-known/jwks.json"


def test_off_when_unset() -> None:
    settings = Settings.from_env({"SKAEL_DATABASE_URL": "memory://"})
    assert settings.oidc() is None
    assert build_container(settings).identities() is None
    assert build_container(settings).core().authenticate_identity is None


def test_the_firebase_preset_fills_the_three() -> None:
    settings = Settings.from_env(
        {"SKAEL_DATABASE_URL": "memory://", "SKAEL_FIREBASE_PROJECT_ID": "skael-app-42"}
    )
    assert settings.oidc() == OidcSettings(
        issuer="https://securetoken.google.com/skael-app-42",
        audience="skael-app-42",
        jwks_url=FIREBASE_JWKS_URL,
    )
    assert FIREBASE_JWKS_URL == (
        "https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com"
    )
    verifier = build_container(settings).identities()
    assert isinstance(verifier, OidcTokenVerifier)
    assert (verifier.issuer, verifier.audience) == (
        "https://securetoken.google.com/skael-app-42",
        "skael-app-42",
    )


def test_given_values_win_over_the_preset() -> None:
    settings = Settings.from_env(
        {
            "SKAEL_FIREBASE_PROJECT_ID": "skael-app-42",
            "SKAEL_OIDC_JWKS_URL": "http://127.0.0.1:9000/jwks",
        }
    )
    found = settings.oidc()
    assert found is not None
    assert found.jwks_url == "http://127.0.0.1:9000/jwks"
    assert found.audience == "skael-app-42"


def test_a_generic_issuer_and_its_tuning() -> None:
    settings = Settings.from_env(
        {
            "SKAEL_OIDC_ISSUER": ISSUER,
            "SKAEL_OIDC_AUDIENCE": "skael",
            "SKAEL_OIDC_JWKS_URL": JWKS,
            "SKAEL_OIDC_ALGORITHMS": "ES256",
            "SKAEL_OIDC_CLOCK_SKEW": "30",
            "SKAEL_OIDC_REFRESH_INTERVAL": "5",
            "SKAEL_OIDC_AUTO_REGISTER": "true",
        }
    )
    assert settings.oidc() == OidcSettings(issuer=ISSUER, audience="skael", jwks_url=JWKS)
    assert settings.oidc_algorithms == ("ES256",)
    assert (settings.oidc_clock_skew, settings.oidc_refresh_interval) == (30, 5.0)
    assert settings.oidc_auto_register is True


@pytest.mark.parametrize(
    ("env", "variable", "words"),
    [
        ({"SKAEL_OIDC_ISSUER": ISSUER}, "SKAEL_OIDC_AUDIENCE", "needed with the other"),
        (
            {"SKAEL_OIDC_ISSUER": ISSUER, "SKAEL_OIDC_AUDIENCE": "skael"},
            "SKAEL_OIDC_JWKS_URL",
            "SKAEL_FIREBASE_PROJECT_ID",
        ),
        ({"SKAEL_OIDC_JWKS_URL": JWKS}, "SKAEL_OIDC_ISSUER", "needed with the other"),
        ({"SKAEL_FIREBASE_PROJECT_ID": "Skael App"}, "SKAEL_FIREBASE_PROJECT_ID", "project id"),
        ({"SKAEL_OIDC_AUTO_REGISTER": "true"}, "SKAEL_OIDC_AUTO_REGISTER", "identity provider"),
        ({"SKAEL_OIDC_AUTO_REGISTER": "sometimes"}, "SKAEL_OIDC_AUTO_REGISTER", "`bool`"),
        (
            {"SKAEL_FIREBASE_PROJECT_ID": "skael-app", "SKAEL_OIDC_ALGORITHMS": "HS256"},
            "SKAEL_OIDC_ALGORITHMS",
            "RS256, ES256",
        ),
        (
            {"SKAEL_FIREBASE_PROJECT_ID": "skael-app", "SKAEL_OIDC_ALGORITHMS": "RS256,none"},
            "SKAEL_OIDC_ALGORITHMS",
            "RS256, ES256",
        ),
        (
            {"SKAEL_FIREBASE_PROJECT_ID": "skael-app", "SKAEL_OIDC_CLOCK_SKEW": "3600"},
            "SKAEL_OIDC_CLOCK_SKEW",
            "0 to 600",
        ),
        (
            {"SKAEL_FIREBASE_PROJECT_ID": "skael-app", "SKAEL_OIDC_REFRESH_INTERVAL": "0"},
            "SKAEL_OIDC_REFRESH_INTERVAL",
            "above 0",
        ),
        (
            {"SKAEL_FIREBASE_PROJECT_ID": "skael-app", "SKAEL_OIDC_ISSUER": "skael-app"},
            "SKAEL_OIDC_ISSUER",
            "https://",
        ),
        (
            {
                "SKAEL_FIREBASE_PROJECT_ID": "skael-app",
                "SKAEL_OIDC_JWKS_URL": "http://keys.example.org/jwks",
            },
            "SKAEL_OIDC_JWKS_URL",
            "http:// only for localhost",
        ),
    ],
)
def test_a_setting_skael_cannot_use_names_its_variable(
    env: dict[str, str], variable: str, words: str
) -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(env)
    message = str(refused.value)
    assert message.startswith(f"{variable}: "), message
    assert words in message


def test_serve_refuses_a_half_configured_provider_in_one_line(tmp_path: Path) -> None:
    command = shutil.which("skael", path=str(Path(sys.executable).parent))
    assert command
    env = {**os.environ, **cli_env(tmp_path), "SKAEL_OIDC_ISSUER": ISSUER}
    done = subprocess.run(
        [command, "serve", "--port", "1"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("Error: SKAEL_OIDC_AUDIENCE: needed with the other")
