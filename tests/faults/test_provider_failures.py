"""Every way the provider fails, met by a server process and by ``skael jobs fetch``.

The loopback fake Theirstack answers each mode for as long as it is asked (a 429 stays
a 429 forever), and the provider deadline is two seconds; a provider that is not there
at all (connections refused) is one more mode. The server answers each failure with a
clean 502, 503 or 504 whose detail names the provider; the command ends with a one-line
error and a non-zero exit code (tests/cli runs it for a few modes already; this runs the
rest). Neither writes a single row.
"""

from __future__ import annotations

import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, closing
from pathlib import Path

import pytest

from faults.fault_support import skael
from faults.load import PASSWORD, PROFILE
from servers import free_port, running_server, server_env
from theirstack_fake import running_fake

pytestmark = pytest.mark.faults

DEADLINE = "2"
BAD_RESPONSE = ({502}, "sent an unexpected response")
UNAVAILABLE = ({503, 504}, "Theirstack: ")
MODES: dict[str, tuple[set[int], str]] = {
    "401": ({502}, "rejected the API key"),
    "403": ({502}, "rejected the API key"),
    "402": ({503}, "out of API credits"),
    "422-error": ({502}, "rejected the request"),
    "422-detail": ({502}, "rejected the request"),
    "429-long": ({503}, "unavailable"),
    "429-reset": ({503}, "unavailable"),
    "429-retry-after": ({503}, "unavailable"),
    "500": UNAVAILABLE,
    "503-retry-after": UNAVAILABLE,
    "stall": ({504}, "timed out"),
    "trickle": ({504}, "timed out"),
    "html": BAD_RESPONSE,
    "malformed": BAD_RESPONSE,
    "wrong-types": BAD_RESPONSE,
    "no-data": BAD_RESPONSE,
    "truncated": BAD_RESPONSE,
}
REFUSED = ({503, 504}, "Theirstack: ")
CLI_COVERED = {"401", "402", "422-error", "html", "500"}
"""Modes tests/cli/test_cli.py already runs through the installed command."""


def provider_env(database: Path, workdir: Path, url: str) -> dict[str, str]:
    return server_env(
        f"sqlite+aiosqlite:///{database}",
        workdir,
        THEIRSTACK_API_KEY="faults-key",
        SKAEL_THEIRSTACK_URL=url,
        SKAEL_THEIRSTACK_DEADLINE=DEADLINE,
    )


def job_rows(database: Path) -> int:
    with closing(sqlite3.connect(database)) as connection:
        (count,) = connection.execute("SELECT count(*) FROM jobs").fetchone()
    return int(count)


def test_the_server_answers_every_provider_failure_cleanly(tmp_path: Path) -> None:
    database = tmp_path / "server.db"
    problems: list[str] = []
    with ExitStack() as provider:
        fake = provider.enter_context(running_fake())
        env = provider_env(database, tmp_path, fake.url)
        with running_server(env, tmp_path, name="provider") as server:
            body = {"user_name": "Ada", "email_id": "ada@example.com", "password": PASSWORD}
            status, answer = server.request("POST", "/users/", {**body, **PROFILE})
            assert status == 201, answer
            token = answer["access_token"]

            def fetch(mode: str, expected: tuple[set[int], str]) -> None:
                started = time.monotonic()
                status, answer = server.request(
                    "POST", "/jobs/fetch_jobs", {"limit": 20}, token=token
                )
                took = time.monotonic() - started
                envelope = answer if isinstance(answer, dict) else {}
                detail = str(envelope.get("detail", ""))
                statuses, words = expected
                if (
                    status not in statuses
                    or envelope.get("messages") != "error"
                    or "Theirstack" not in detail
                    or words not in detail
                    or took > float(DEADLINE) + 2
                ):
                    problems.append(f"{mode}: {status} in {took:.1f} s: {answer}")

            for mode, expected in MODES.items():
                fake.script = [mode]
                fetch(mode, expected)
            provider.close()  # the provider is gone: connections are refused
            fetch("refused", REFUSED)
            assert server.process.poll() is None, server.log()
            errors = server.log().count("unhandled error")

    assert not problems, "\n".join(problems)
    assert errors == 0
    assert len(fake.requests) >= len(MODES)
    assert job_rows(database) == 0


def run_fetch(workdir: Path, database: Path, mode: str) -> tuple[str, int, str, float]:
    """``skael jobs fetch`` against a fake of its own answering ``mode`` (or none)."""
    started = time.monotonic()
    if mode == "refused":
        url = f"http://127.0.0.1:{free_port()}"
        done = skael(provider_env(database, workdir, url), "jobs", "fetch", "--title", "Nurse")
    else:
        with running_fake() as fake:
            fake.script = [mode]
            env = provider_env(database, workdir, fake.url)
            done = skael(env, "jobs", "fetch", "--title", "Nurse")
    return mode, done.returncode, done.stderr, time.monotonic() - started


def test_the_fetch_command_fails_in_one_line_for_every_provider_failure(tmp_path: Path) -> None:
    database = tmp_path / "cli.db"
    env = provider_env(database, tmp_path, "http://127.0.0.1:9")
    assert skael(env, "db", "upgrade").returncode == 0
    expected = {m: e for m, e in MODES.items() if m not in CLI_COVERED} | {"refused": REFUSED}
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(lambda m: run_fetch(tmp_path, database, m), expected))

    problems = []
    for mode, code, stderr, took in outcomes:
        lines = stderr.strip().splitlines()
        words = expected[mode][1]
        if code == 0 or len(lines) != 1 or "Theirstack" not in stderr or words not in stderr:
            problems.append(f"{mode}: exit {code} in {took:.1f} s: {stderr.strip()[-500:]}")
    assert not problems, "\n".join(problems)
    assert job_rows(database) == 0
