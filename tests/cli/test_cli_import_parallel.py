"""``skael jobs import`` with worker processes stores what it stores without them.

The in-process tests force the workers (any CPU count, any file size, small blocks) and
record the pools the command starts; the last ones run the installed command and kill
it, or interrupt it, mid-import.
"""

from __future__ import annotations

import gc
import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from skael_adapters import parallel_import as parallel
from skael_web import cli
from support import cli_env, process_gone

DATA = Path(__file__).parents[1] / "data" / "theirstack"
RESPONSE = DATA / "search_response_60_jobs.json"
# frozensets: stored in any order
SETS = {
    "skills", "title_tokens", "location_keys", "occupations", "occupation_groups",
    "occupation_heads", "duty_words",
}  # fmt: skip


def postings() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(RESPONSE.read_text())["data"]
    return data


def export_lines(copies: int = 3) -> list[str]:
    """Postings, blank lines, bad records, and every provider id several times with
    changed fields (the last record of an id must win)."""
    data = postings()
    lines: list[str] = []
    for copy in range(copies):
        lines += [json.dumps({**p, "job_title": f"{p['job_title']} ({copy})"}) for p in data]
        lines[3 + copy * 70 : 3 + copy * 70] = ["", "{broken json", '{"id": "x", "job_title": 5}']
        lines.append(json.dumps({**data[copy], "job_title": " "}))
    return lines


def write(path: Path, lines: list[str], *, compress: bool = False) -> Path:
    content = "".join(line + "\n" for line in lines).encode()
    path.write_bytes(gzip.compress(content) if compress else content)
    return path


class Pools:
    """The import pools the command started."""

    def __init__(self) -> None:
        self.started: list[parallel.ImportPool] = []

    def pids(self) -> list[int]:
        return [pid for pool in self.started for pid in pool.pids]


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> Pools:
    """Workers whenever asked for (as on a machine with CPUs to spare and a big file),
    with blocks of a few postings so that a file makes many."""
    monkeypatch.setattr(parallel, "available_cpus", lambda: 4)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setenv("SKAEL_IMPORT_BLOCK_BYTES", "20000")
    monkeypatch.setattr(parallel, "IN_FLIGHT", 2)
    seen = Pools()

    class RecordedPool(parallel.ImportPool):
        def __init__(
            self, workers: int, *, source: str = "theirstack", block_bytes: int | None = None
        ) -> None:
            super().__init__(workers, source=source, block_bytes=block_bytes)
            seen.started.append(self)

    monkeypatch.setattr(parallel, "ImportPool", RecordedPool)
    return seen


@pytest.fixture(autouse=True)
def nothing_frozen() -> Iterator[None]:
    gc.unfreeze()  # as in test_cli_import_gc: the command freezes and unfreezes
    yield
    gc.unfreeze()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for name, value in cli_env(tmp_path).items():
        monkeypatch.setenv(name, value)
    yield tmp_path / "skael.db"


def use_database(monkeypatch: pytest.MonkeyPatch, path: Path) -> Path:
    monkeypatch.setenv("SKAEL_DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    return path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli.main, ["jobs", "import", *args])


def normalised(value: Any) -> Any:
    """A JSON column's value with the sets sorted (their order follows string hashes,
    which differ from process to process)."""
    if isinstance(value, dict):
        return {k: sorted(v) if k in SETS else normalised(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalised(v) for v in value]
    return value


def stored(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the job tables, in id order, JSON columns decoded and normalised."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    with closing(sqlite3.connect(path)) as db:
        for table in ("jobs", "job_technologies"):
            cursor = db.execute(f"SELECT * FROM {table} ORDER BY 1, 2")
            names = [d[0] for d in cursor.description]
            tables[table] = [
                tuple(
                    normalised(json.loads(v)) if n in ("data", "rank_data") and v else v
                    for n, v in zip(names, row, strict=True)
                    if n != "revision"  # which write last touched the row, not its content
                )
                for row in cursor.fetchall()
            ]
    return tables


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
def test_workers_store_the_same_rows_as_one_process(
    tmp_path: Path,
    database: Path,
    pools: Pools,
    monkeypatch: pytest.MonkeyPatch,
    compress: bool,
) -> None:
    path = write(tmp_path / "export.jsonl.gz", export_lines(), compress=compress)

    alone = invoke("--workers", "0", str(path))
    assert pools.started == []
    use_database(monkeypatch, tmp_path / "parallel.db")
    helped = invoke("--workers", "2", str(path))

    assert alone.exit_code == 0 and helped.exit_code == 0, alone.output + helped.output
    assert len(pools.started) == 1 and len(pools.pids()) == 2
    assert "imported 180 postings: 60 new, 0 updated, 9 bad records skipped" in alone.stdout
    assert helped.stdout == alone.stdout and helped.stderr == alone.stderr
    assert f"skipped {path}:5: malformed JSON" in alone.stderr
    rows = stored(tmp_path / "parallel.db")
    assert rows == stored(database)
    assert len(rows["jobs"]) == 60 and all(" (2)" in row[4] for row in rows["jobs"])


def test_the_same_file_twice_leaves_the_same_rows(
    tmp_path: Path, database: Path, pools: Pools
) -> None:
    path = write(tmp_path / "export.jsonl", export_lines())

    first = invoke(str(path))
    rows = stored(database)
    again = invoke(str(path))

    assert len(pools.started) == 2  # the default: workers when they pay
    assert first.exit_code == 0 and again.exit_code == 0, first.output + again.output
    assert "180 postings: 60 new, 0 updated" in first.stdout
    assert "180 postings: 0 new, 60 updated" in again.stdout
    assert stored(database) == rows


def test_strict_with_workers_writes_nothing_and_stops_them(
    tmp_path: Path, database: Path, pools: Pools
) -> None:
    good = write(tmp_path / "good.jsonl", export_lines()[:3])
    lines = [json.dumps(p) for p in postings()] * 4
    lines.insert(200, "{broken json")
    path = write(tmp_path / "export.jsonl", lines)

    done = invoke("--strict", str(good), str(path))

    assert done.exit_code != 0
    assert f"bad record at {path}:201: malformed JSON" in done.stderr
    assert "nothing stored" in done.stderr and "Traceback" not in done.output
    with closing(sqlite3.connect(database)) as db:
        assert db.execute("SELECT count(*) FROM jobs").fetchone() == (0,)
    assert len(pools.started) == 1
    assert all(process_gone(pid) for pid in pools.pids())


def test_workers_are_left_out_when_they_do_not_pay(
    tmp_path: Path, database: Path, pools: Pools, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "export.jsonl", export_lines(1))
    monkeypatch.setattr(parallel, "available_cpus", lambda: 1)
    assert invoke(str(path)).exit_code == 0
    monkeypatch.setattr(parallel, "available_cpus", lambda: 4)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", path.stat().st_size + 1)
    assert invoke(str(path)).exit_code == 0
    assert pools.started == []


def test_a_missing_file_with_workers_is_a_one_line_error(
    tmp_path: Path, database: Path, pools: Pools
) -> None:
    done = invoke(str(tmp_path / "nope.jsonl"))

    assert done.exit_code != 0
    assert done.stderr.strip().splitlines() == [f"Error: {tmp_path / 'nope.jsonl'}: no such file"]
    assert all(process_gone(pid) for pid in pools.pids())


# --------------------------------------------------------------------------- the installed command


def skael() -> str:
    return str(Path(sys.executable).parent / "skael")


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


@pytest.fixture(scope="module")
def big_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """JSON Lines of distinct postings, big enough for the command to start workers and
    to take a while (some 24 MB, read as the import goes)."""
    path = tmp_path_factory.mktemp("big") / "big.jsonl"
    data = postings()
    with path.open("w") as out:
        for number in range(7000):
            out.write(json.dumps({**data[number % 60], "id": 1_000_000 + number}) + "\n")
    return path


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, **cli_env(tmp_path)}


def started_with_workers(
    env: dict[str, str], path: Path
) -> tuple[subprocess.Popen[str], list[int]]:
    """The command importing ``path`` in its own process group, once its workers run."""
    process = subprocess.Popen(
        [skael(), "jobs", "import", str(path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while not (reading(process.pid, path) and (workers := children(process.pid))):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the import did not get under way"
        time.sleep(0.01)
    return process, workers


def reading(pid: int, path: Path) -> bool:
    """Process ``pid`` has ``path`` open: the schema is there, the import under way."""
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if os.readlink(fd) == str(path):
                return True
        except FileNotFoundError:
            continue
    return False


def rows(tmp_path: Path) -> int:
    with closing(sqlite3.connect(tmp_path / "skael.db", timeout=10)) as db:
        return int(db.execute("SELECT count(*) FROM jobs").fetchone()[0])


needs_two_cpus = pytest.mark.skipif(
    parallel.available_cpus() < 2, reason="the command starts workers with 2 CPUs or more"
)


@needs_two_cpus
def test_workers_exit_when_the_command_is_killed(
    big_export: Path, env: dict[str, str], tmp_path: Path
) -> None:
    process, workers = started_with_workers(env, big_export)
    process.kill()  # the command alone, not its workers
    process.communicate()

    deadline = time.monotonic() + 10
    while not all(process_gone(pid) for pid in workers):
        assert time.monotonic() < deadline, "a worker outlived the command"
        time.sleep(0.05)
    assert rows(tmp_path) == 0


@needs_two_cpus
def test_an_interrupted_import_stops_its_workers_and_stores_nothing(
    big_export: Path, env: dict[str, str], tmp_path: Path
) -> None:
    process, workers = started_with_workers(env, big_export)
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C: the whole foreground group
    _, err = process.communicate(timeout=30)

    assert process.returncode == 1 and "Aborted!" in err, err
    assert all(process_gone(pid) for pid in workers)
    assert rows(tmp_path) == 0
