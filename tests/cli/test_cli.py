"""The installed ``skael`` command, run as a user would: import, fetch, db migrations."""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from skael_adapters.sql import migrate
from support import cli_env, server_url
from theirstack_fake import FakeTheirstack

DATA = Path(__file__).parents[1] / "data" / "theirstack"
EXPORT = DATA / "search_response_60_jobs.json"
HEAD = migrate.head()
"""The newest migration the code ships."""


def skael_command() -> str:
    found = shutil.which("skael", path=str(Path(sys.executable).parent)) or shutil.which("skael")
    assert found, "the skael console script is installed with the package"
    return found


def run(env: dict[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [skael_command(), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return cli_env(tmp_path)


def job_count(env: dict[str, str]) -> int:
    import sqlite3

    path = env["SKAEL_DATABASE_URL"].split("///", 1)[1]
    with sqlite3.connect(path) as db:
        (count,) = db.execute("SELECT count(*) FROM jobs").fetchone()
    return int(count)


def test_import_twice_leaves_the_same_rows(env: dict[str, str]) -> None:
    first = run(env, "jobs", "import", str(EXPORT))
    assert first.returncode == 0, first.stderr
    assert "imported 60 postings: 60 new, 0 updated, 0 bad records skipped" in first.stdout
    again = run(env, "jobs", "import", str(EXPORT))
    assert again.returncode == 0, again.stderr
    assert "60 postings: 0 new, 60 updated" in again.stdout
    assert job_count(env) == 60
    assert "Traceback" not in first.stderr + again.stderr


def test_import_reads_gzipped_json_lines_and_skips_bad_records(
    env: dict[str, str], tmp_path: Path
) -> None:
    postings = json.loads(EXPORT.read_text())["data"][:10]
    lines = [json.dumps(p) for p in postings]
    lines.insert(3, '{"id": "not a number", "job_title": 5}')
    lines.insert(7, "{broken json")
    path = tmp_path / "export.jsonl.gz"
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    done = run(env, "jobs", "import", str(path))
    assert done.returncode == 0, done.stderr
    assert "imported 10 postings: 10 new, 0 updated, 2 bad records skipped" in done.stdout
    assert done.stderr.count("skipped") == 2
    assert job_count(env) == 10


def test_strict_import_writes_nothing_on_a_bad_record(env: dict[str, str], tmp_path: Path) -> None:
    postings = json.loads(EXPORT.read_text())["data"][:5]
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join([*map(json.dumps, postings), "{broken"]))
    done = run(env, "jobs", "import", "--strict", str(path))
    assert done.returncode != 0
    assert "nothing stored" in done.stderr and "Traceback" not in done.stderr
    assert job_count(env) == 0


def test_a_missing_file_is_a_one_line_error(env: dict[str, str], tmp_path: Path) -> None:
    done = run(env, "jobs", "import", str(tmp_path / "nope.json"))
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.fixture
def provider(theirstack_server: FakeTheirstack, env: dict[str, str]) -> Iterator[FakeTheirstack]:
    theirstack_server.script = ["ok"]
    theirstack_server.requests.clear()
    env.update(
        THEIRSTACK_API_KEY="cli-key",
        SKAEL_THEIRSTACK_URL=theirstack_server.url,
        SKAEL_THEIRSTACK_DEADLINE="10",
    )
    yield theirstack_server


def test_fetch_stores_postings_and_sends_known_ids_next_time(
    env: dict[str, str], provider: FakeTheirstack
) -> None:
    done = run(env, "jobs", "fetch", "--title", "Data Engineer", "--country", "Germany")
    assert done.returncode == 0, done.stderr
    assert "fetched 60 postings from theirstack: 60 new" in done.stdout
    assert "; 60 API credits used" in done.stdout
    sent = provider.requests[0].body
    assert sent["job_title_or"] == ["Data Engineer"]
    assert sent["job_country_code_or"] == ["DE"]
    assert sent["posted_at_max_age_days"] == 30
    again = run(env, "jobs", "fetch", "--title", "Data Engineer")
    assert again.returncode == 0, again.stderr
    assert len(provider.requests[-1].body["job_id_not"]) == 60
    assert job_count(env) == 60


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("401", "rejected the API key"),
        ("402", "out of API credits"),
        ("422-error", "rejected the request"),
        ("html", "unexpected response"),
        ("500", "unavailable"),
    ],
)
def test_fetch_failures_are_one_line_and_store_nothing(
    env: dict[str, str], provider: FakeTheirstack, mode: str, words: str
) -> None:
    provider.script = [mode]
    done = run(env, "jobs", "fetch", "--title", "Nurse")
    assert done.returncode != 0
    assert "Theirstack" in done.stderr and words in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert job_count(env) == 0


def test_db_upgrade_downgrade_base_and_upgrade_on_sqlite(env: dict[str, str]) -> None:
    for args, expected in [
        (("db", "upgrade"), f"schema at {HEAD}"),
        (("db", "current"), HEAD),
        (("db", "downgrade", "base"), "schema at base"),
        (("db", "current"), "base"),
        (("db", "upgrade"), f"schema at {HEAD}"),
    ]:
        done = run(env, *args)
        assert done.returncode == 0, done.stderr
        assert expected in done.stdout


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database of its own, dropped afterwards."""
    base = server_url("SKAEL_TEST_POSTGRES_URL")
    plain = base.replace("postgresql+asyncpg://", "postgresql://")
    name = f"skael_cli_{uuid.uuid4().hex[:10]}"

    async def admin(sql: str) -> None:
        connection = await asyncpg.connect(plain)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield base.rsplit("/", 1)[0] + f"/{name}"
    finally:
        asyncio.run(admin(f'DROP DATABASE "{name}" WITH (FORCE)'))


@pytest.mark.postgres
def test_db_commands_on_postgres_and_import(env: dict[str, str], postgres_database: str) -> None:
    env["SKAEL_DATABASE_URL"] = postgres_database
    behind = run(env, "jobs", "import", str(EXPORT))
    assert behind.returncode != 0 and "skael db upgrade" in behind.stderr
    for args, expected in [
        (("db", "upgrade"), f"schema at {HEAD}"),
        (("db", "downgrade", "base"), "schema at base"),
        (("db", "upgrade"), f"schema at {HEAD}"),
        (("jobs", "import", str(EXPORT)), "60 new"),
        (("jobs", "import", str(EXPORT)), "0 new, 60 updated"),
    ]:
        done = run(env, *args)
        assert done.returncode == 0, done.stderr
        assert expected in done.stdout


# ------------------------------------------------------- databases it cannot use or reach


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _one_line_error(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("Error: ")
    for word in words:
        assert word in lines[0]


COMMANDS = [("db", "current"), ("db", "upgrade"), ("jobs", "import", str(EXPORT))]


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("mysql://someone@db.example.com/jobs", ["SKAEL_DATABASE_URL", "'mysql'", "not supported"]),
        ("postgres//nothing", ["SKAEL_DATABASE_URL", "not a database URL"]),
    ],
)
def test_a_database_url_skael_cannot_use_is_a_one_line_error(
    env: dict[str, str], url: str, words: list[str]
) -> None:
    env["SKAEL_DATABASE_URL"] = url
    for command in COMMANDS:
        _one_line_error(run(env, *command), *words)


def test_an_unreachable_database_is_a_one_line_error_without_its_password(
    env: dict[str, str],
) -> None:
    port = _free_port()
    env["SKAEL_DATABASE_URL"] = f"postgresql+asyncpg://skael:hunter22@127.0.0.1:{port}/jobs"
    for command in COMMANDS:
        done = run(env, *command)
        _one_line_error(done, "cannot connect to the database", f"127.0.0.1:{port}/jobs")
        assert "hunter22" not in done.stderr
        assert "Connect call failed" in done.stderr


def test_a_setting_of_the_wrong_kind_is_a_one_line_error(env: dict[str, str]) -> None:
    env["SKAEL_TOKEN_LIFETIME"] = "an hour"
    _one_line_error(run(env, "db", "current"), "SKAEL_TOKEN_LIFETIME", "expected `int`")


def test_serve_does_not_start_on_a_database_it_cannot_reach(env: dict[str, str]) -> None:
    env["SKAEL_DATABASE_URL"] = f"postgresql+asyncpg://skael@127.0.0.1:{_free_port()}/jobs"
    done = run(env, "serve", "--port", str(_free_port()), timeout=60)
    _one_line_error(done, "cannot connect to the database")


@pytest.mark.postgres
def test_a_missing_postgres_database_or_driver_option_is_a_one_line_error(
    env: dict[str, str],
) -> None:
    base = make_url(server_url("SKAEL_TEST_POSTGRES_URL"))
    missing = f"skael_missing_{uuid.uuid4().hex[:10]}"
    env["SKAEL_DATABASE_URL"] = base.set(database=missing).render_as_string(hide_password=False)
    for command in COMMANDS:
        _one_line_error(
            run(env, *command), "cannot connect", f'database "{missing}" does not exist'
        )
    # asyncpg takes no libpq "options": the driver's refusal, in one line
    env["SKAEL_DATABASE_URL"] = base.update_query_dict(
        {"options": "-csearch_path=x"}
    ).render_as_string(hide_password=False)
    _one_line_error(run(env, "db", "current"), "cannot connect", "'options'")


def test_a_migration_that_cannot_be_made_is_a_one_line_error(env: dict[str, str]) -> None:
    _one_line_error(
        run(env, "db", "downgrade", "nosuchrev"),
        "'nosuchrev'",
        f"the revisions are base, {', '.join(migrate.revisions())}, head",
    )
    assert run(env, "db", "upgrade").returncode == 0
    import sqlite3

    path = env["SKAEL_DATABASE_URL"].split("///", 1)[1]
    with sqlite3.connect(path) as db:  # as a newer Skael would leave it
        db.execute("UPDATE alembic_version SET version_num = 'f00d'")
    _one_line_error(run(env, "jobs", "import", str(EXPORT)), "'f00d', unknown to this Skael")
    assert job_count(env) == 0
