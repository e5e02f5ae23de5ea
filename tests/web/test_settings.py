"""Settings from the environment: a value Skael cannot use is refused up front, naming
the variable, never echoing a password."""

from __future__ import annotations

import pytest

from skael_web.settings import Settings, SettingsError


@pytest.mark.parametrize(
    ("variable", "value", "words"),
    [
        ("SKAEL_TOKEN_LIFETIME", "an hour", "expected `int`, got `str`"),
        ("SKAEL_SEED_SAMPLE", "maybe", "expected `bool`"),
        ("SKAEL_DATABASE_URL", "mysql://someone:pw@db/jobs", "'mysql' databases are not supported"),
        ("SKAEL_DATABASE_URL", "postgres//nothing", "not a database URL"),
        ("SKAEL_DATABASE_URL", "postgresql://someone:pw@db/jobs", "'postgresql' databases"),
        ("SKAEL_REDIS_URL", "localhost:6379", "redis://, rediss://, unix://"),
        ("SKAEL_THEIRSTACK_URL", "ftp://files.example.com", "http://, https://"),
        ("SKAEL_LLM_URL", "llm.example.com/v1", "http://, https://"),
    ],
)
def test_a_value_skael_cannot_use_names_its_variable(variable: str, value: str, words: str) -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({variable: value})
    message = str(refused.value)
    assert message.startswith(f"{variable}: ")
    assert words in message
    assert ":pw@" not in message


def test_the_kinds_of_values_skael_takes() -> None:
    settings = Settings.from_env(
        {
            "SKAEL_DATABASE_URL": "postgresql+asyncpg://skael:pw@db.example.com:5432/jobs",
            "SKAEL_REDIS_URL": "unix:///run/redis.sock",
            "SKAEL_THEIRSTACK_URL": "http://127.0.0.1:8080",
            "SKAEL_LLM_URL": "https://llm.example.com/v1",
            "SKAEL_TOKEN_LIFETIME": "600",
            "SKAEL_SEED_SAMPLE": "false",
        }
    )
    assert settings.token_lifetime == 600 and settings.seed_sample is False
    assert Settings.from_env({"SKAEL_DATABASE_URL": "memory://"}).database_url == "memory://"
    assert Settings.from_env({}).database_url == "sqlite+aiosqlite:///./skael.db"


def test_a_ranking_cache_ttl_of_zero_means_no_ranking_cache() -> None:
    from skael_web.container import build_container

    memory = {"SKAEL_DATABASE_URL": "memory://"}
    off = build_container(Settings.from_env({**memory, "SKAEL_RANKING_CACHE_TTL": "0"}))
    assert off.rankings() is None and off.core().rank_jobs is not None
    on = build_container(Settings.from_env({**memory, "SKAEL_RANKING_CACHE_TTL": "5"}))
    assert on.rankings() is not None
