"""Four ``skael serve`` processes writing to one SQLite file under concurrent clients.

Each client sends each request to one of the four processes at random, so four
processes (each with its own pool of connections) contend for SQLite's one write lock.
No request may fail ("database is locked" or anything else), and every write a
process confirmed must be in the file afterwards.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest

from faults.fault_support import running_servers, skael
from faults.load import (
    WRITES,
    Tally,
    Visitor,
    describe,
    missing_writes,
    run_visitors,
    stored_job_ids,
)
from servers import server_env

pytestmark = pytest.mark.faults

PROCESSES = 4
CLIENTS = 8
SECONDS = 6.0


def test_four_processes_on_one_file_lose_nothing_and_never_lock(tmp_path: Path) -> None:
    database = tmp_path / "shared.db"
    env = server_env(f"sqlite+aiosqlite:///{database}", tmp_path, SKAEL_SEED_SAMPLE="true")
    upgraded = skael(env, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    tally = Tally()
    jobs: list[int] = []
    with running_servers(env, tmp_path, PROCESSES, name="writer") as servers:

        def visitor(n: int) -> Visitor:
            return Visitor(servers, tally, jobs, f"w{n}@example.com", seed=n)

        visitors = [visitor(n) for n in range(CLIENTS)]
        assert all(v.register() for v in visitors), describe(tally.failures())
        jobs.extend(stored_job_ids(servers[0], visitors[0].token))
        stop = threading.Event()
        threading.Timer(SECONDS, stop.set).start()
        run_visitors(visitors, WRITES, stop, register_every=30, new_visitor=visitor)
        logs = "\n".join(s.log() for s in servers)
        assert all(s.process.poll() is None for s in servers), logs[-3000:]

    failures = tally.failures()
    assert not failures, describe(failures) + f"\nlocked in logs: {logs.count('is locked')}"
    writes = Counter(
        a.where for a in tally.answers if a.what in ("register", "save", "analyze", "apply")
    )
    assert len(writes) == PROCESSES and min(writes.values()) >= 25, writes
    with closing(sqlite3.connect(database)) as connection:

        def rows(query: str) -> set[tuple[object, ...]]:
            return set(connection.execute(query).fetchall())

        lost = missing_writes(tally.writes, rows)
    assert {w.kind for w in tally.writes} == {"register", "save", "analyze", "apply"}
    assert not lost, f"{len(lost)} of {len(tally.writes)} confirmed writes are missing: {lost[:5]}"
