"""`skael serve` checks every setting before it starts (issue 16, 10): a value it cannot
use, or a port it cannot listen on, ends in one line on stderr and exit code 1."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

from cli.test_cli import skael_command
from servers import free_port
from support import cli_env


def serve(env: dict[str, str], port: int | None = None) -> subprocess.CompletedProcess[str]:
    """``skael serve`` as a user runs it; a server that starts anyway is stopped after
    20 seconds (and the test fails on its exit code)."""
    command = [skael_command(), "serve", "--port", str(port or free_port())]
    try:
        return subprocess.run(
            command, env={**os.environ, **env}, capture_output=True, text=True, timeout=20
        )
    except subprocess.TimeoutExpired as expired:
        out = expired.stderr.decode() if isinstance(expired.stderr, bytes) else expired.stderr
        return subprocess.CompletedProcess(command, -1, "", out or "")


def assert_one_line(done: subprocess.CompletedProcess[str], *words: str) -> str:
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return cli_env(tmp_path)


def test_a_short_secret_key(env: dict[str, str]) -> None:
    env["SKAEL_SECRET_KEY"] = "too short"
    assert_one_line(serve(env), "SKAEL_SECRET_KEY", "at least 32 bytes")


def test_a_port_in_use(env: dict[str, str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = assert_one_line(serve(env, port), f"127.0.0.1:{port}")
    assert "in use" in line


def test_a_negative_body_limit(env: dict[str, str]) -> None:
    env["SKAEL_MAX_BODY_BYTES"] = "-5"
    assert_one_line(serve(env), "SKAEL_MAX_BODY_BYTES", ">= 1")


@pytest.mark.parametrize("origin", ["app.example.com", "https://app.example.com/path", "nonsense"])
def test_a_cors_origin_that_is_not_an_origin(env: dict[str, str], origin: str) -> None:
    env["SKAEL_CORS_ORIGINS"] = f"https://ok.example.com, {origin}"
    assert_one_line(serve(env), "SKAEL_CORS_ORIGINS", repr(origin), "scheme://host[:port]")


def test_a_sqlite_file_under_a_missing_folder(env: dict[str, str], tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "folder"
    env["SKAEL_DATABASE_URL"] = f"sqlite+aiosqlite:///{missing / 'skael.db'}"
    assert_one_line(serve(env), "SKAEL_DATABASE_URL", str(missing), "does not exist")
    assert not (tmp_path / "no").exists()


def test_good_origins_and_limits_are_taken(env: dict[str, str]) -> None:
    from skael_web.settings import Settings

    env.update(
        SKAEL_CORS_ORIGINS="https://app.example.com, http://localhost:5173",
        SKAEL_MAX_BODY_BYTES="2048",
    )
    settings = Settings.from_env(env)
    assert settings.cors_origins == ("https://app.example.com", "http://localhost:5173")
    assert settings.max_body_bytes == 2048
