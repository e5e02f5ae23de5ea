"""``skael jobs import`` killed with SIGKILL mid-file, then run again to the end.

The file is JSON Lines of generated provider postings, large enough for several of the
command's batches. The first run is killed mid-file: as soon as a batch is in the
database, or once it has read ``KILL_AT`` of the file when it stores nothing before its
end. What the kill leaves is whole batches (none stored in part); the second run must
leave every posting of the file stored exactly once, and report the ones the first run
had stored as updated, not new.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from faults.fault_support import pg_fetch, skael
from servers import SKAEL, server_env
from skael_adapters.sample.generate import generate_postings

pytestmark = pytest.mark.faults

POSTINGS = 8000
BATCH = 2000  # postings in one batch of `skael jobs import`
KILL_AT = 0.4  # of the file read, when no batch has shown up in the database yet

Query = Callable[[str], list[tuple[object, ...]]]


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[int]]:
    """A JSON Lines export of ``POSTINGS`` postings, and their provider ids."""
    postings = generate_postings(POSTINGS, seed=7)
    path = tmp_path_factory.mktemp("export") / "postings.jsonl"
    path.write_text("\n".join(json.dumps(p) for p in postings) + "\n")
    return path, {int(p["id"]) for p in postings}


def sqlite_query(path: Path) -> Query:
    def query(sql: str) -> list[tuple[object, ...]]:
        with closing(sqlite3.connect(path, timeout=10)) as connection:
            return connection.execute(sql).fetchall()

    return query


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Query]:
    """A migrated, empty database: its URL and a way to query it directly."""
    if request.param == "sqlite":
        path = tmp_path / "import.db"
        url, query = f"sqlite+aiosqlite:///{path}", sqlite_query(path)
    else:
        url = request.getfixturevalue("postgres_database")

        def query(sql: str) -> list[tuple[object, ...]]:
            return pg_fetch(url, sql)

    upgraded = skael(server_env(url, tmp_path), "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    return url, query


def rows(query: Query) -> int:
    ((count,),) = query("SELECT count(*) FROM jobs")
    return int(count)


def read_position(pid: int, path: Path) -> int:
    """How far process ``pid`` has read into ``path`` (0 before it opens it)."""
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if os.readlink(fd) == str(path):
                info = (Path(f"/proc/{pid}/fdinfo") / fd.name).read_text()
                return int(info.split("pos:", 1)[1].split()[0])
        except (FileNotFoundError, ProcessLookupError):
            continue
    return 0


def kill_mid_file(env: dict[str, str], path: Path, query: Query) -> tuple[int, int]:
    """Start an import of ``path`` and SIGKILL it mid-file (see the module's docstring);
    how far it had read and the rows it left behind."""
    process = subprocess.Popen(
        [SKAEL, "jobs", "import", str(path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    size, position = path.stat().st_size, 0
    try:
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            position = read_position(process.pid, path)
            if position >= KILL_AT * size or rows(query) >= BATCH:
                break
            time.sleep(0.01)
        assert process.poll() is None, f"the import ended before the kill: {process.returncode}"
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    return position, rows(query)


def test_an_import_killed_mid_file_then_rerun_stores_each_posting_once(
    store: tuple[str, Query], export: tuple[Path, set[int]], tmp_path: Path
) -> None:
    url, query = store
    path, ids = export
    env = server_env(url, tmp_path)
    read, left = kill_mid_file(env, path, query)
    assert 0 < read < path.stat().st_size and left < POSTINGS, "the kill did not land mid-file"
    assert left % BATCH == 0, f"a batch was stored in part: {left} rows"

    again = skael(env, "jobs", "import", str(path), timeout=180)
    assert again.returncode == 0, again.stderr
    assert f"imported {POSTINGS} postings: {POSTINGS - left} new, {left} updated" in again.stdout
    ((count, distinct),) = query("SELECT count(*), count(DISTINCT source_id) FROM jobs")
    assert (count, distinct) == (POSTINGS, POSTINGS)
    assert {int(source_id) for (source_id,) in query("SELECT source_id FROM jobs")} == ids
