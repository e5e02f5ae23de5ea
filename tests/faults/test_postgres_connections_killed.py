"""A server whose PostgreSQL connections are terminated while clients write and read.

``pg_terminate_backend`` ends every connection of the server's database three times
under load. A request caught by a kill may answer a clean 503; none answers 500 or
goes unanswered, every request after the recovery succeeds, and every write the server
confirmed is in the database.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from faults.fault_support import pg_fetch, skael
from faults.load import (
    WRITES,
    Tally,
    Visitor,
    describe,
    missing_writes,
    run_visitors,
    stored_job_ids,
)
from servers import running_server, server_env

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

CLIENTS = 6
KILLS = 3
BETWEEN_KILLS = 40  # answers between two kills, so each kill lands under load
RECOVERY = 1.0  # seconds after the last kill before every request must succeed
AFTER = 3.0  # seconds of load after the last kill, at least
AFTER_ANSWERS = 40  # answers after the recovery, at least (a loaded machine answers slower)
AFTER_LIMIT = 30.0  # seconds of load after the last kill, at most

CONNECTIONS = """
SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()
"""
TERMINATE = """
SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
WHERE datname = $1 AND pid <> pg_backend_pid()
"""


def connections(url: str, query: str = CONNECTIONS) -> int:
    """How many connections other than this one the database of ``url`` has."""
    ((count,),) = pg_fetch(url, query, url.rsplit("/", 1)[1])
    return int(count)


def kill_under_load(url: str, tally: Tally, kills: list[int]) -> None:
    """Terminate every connection of the database ``KILLS`` times, each once the server
    has answered ``BETWEEN_KILLS`` requests since the last kill and holds a connection
    (or at most 30 s); ``kills`` gets the number ended by each."""
    deadline = time.monotonic() + 30
    for _ in range(KILLS):
        seen = len(tally.answers)
        while len(tally.answers) < seen + BETWEEN_KILLS or connections(url) == 0:
            if time.monotonic() > deadline:
                return
            time.sleep(0.05)
        kills.append(connections(url, TERMINATE))


def test_killed_connections_cost_at_most_a_clean_503(
    postgres_database: str, tmp_path: Path
) -> None:
    env = server_env(postgres_database, tmp_path, SKAEL_SEED_SAMPLE="true")
    upgraded = skael(env, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    tally = Tally()
    kills: list[int] = []
    jobs: list[int] = []
    with running_server(env, tmp_path, name="pg") as server:

        def visitor(n: int) -> Visitor:
            return Visitor([server], tally, jobs, f"pg{n}@example.com", seed=n)

        first = visitor(0)
        assert first.register(), describe(tally.failures())
        jobs.extend(stored_job_ids(server, first.token))
        visitors = [first] + [visitor(n) for n in range(1, CLIENTS)]
        assert all(v.register() for v in visitors[1:]), describe(tally.failures())

        stop = threading.Event()
        last_kill: list[float] = []

        def killer() -> None:
            try:
                kill_under_load(postgres_database, tally, kills)
                last_kill.append(time.monotonic())
                time.sleep(AFTER)
                recovered = last_kill[0] + RECOVERY
                limit = last_kill[0] + AFTER_LIMIT
                while sum(tally.statuses(since=recovered).values()) < AFTER_ANSWERS:
                    if time.monotonic() > limit:
                        break
                    time.sleep(0.1)
            finally:
                stop.set()

        thread = threading.Thread(target=killer)
        thread.start()
        run_visitors(visitors, WRITES, stop, register_every=20, new_visitor=visitor)
        thread.join()
        assert server.process.poll() is None, server.log()
        log = server.log()

    assert len(kills) == KILLS and all(k >= 1 for k in kills), f"kills ended {kills} connections"
    failures = tally.failures()
    assert {a.status for a in failures} <= {503}, describe(failures) + "\n" + log[-3000:]
    recovered = last_kill[0] + RECOVERY
    assert not tally.failures(since=recovered), describe(tally.failures(since=recovered))
    assert sum(tally.statuses(since=recovered).values()) >= 20, "too little load after the kills"

    def rows(query: str) -> set[tuple[object, ...]]:
        return set(pg_fetch(postgres_database, query))

    assert len(tally.writes) >= 100, "too few confirmed writes to tell anything"
    assert {w.kind for w in tally.writes} == {"register", "save", "analyze", "apply"}
    lost = missing_writes(tally.writes, rows)
    assert not lost, f"{len(lost)} confirmed writes are not stored, e.g. {lost[:5]}"
