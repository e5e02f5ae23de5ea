"""Soak: one server under mixed load for ``SKAEL_SOAK_SECONDS`` (600 by default).

Not part of the default run (``pytest -m soak`` or ``nox -s soak``). The server's
resident memory (its process and any children) is sampled every few seconds; after the
warm-up (the first 20% of the run) it must grow by less than 10%.

Each password hash holds 64 MiB (Argon2's memory cost) while it runs, and logins hash in
worker threads, several at a time, so the samples swing by one to four times 64 MiB as
logins come and go. What the server keeps is the floor of the samples: the least of a
window's. Growth compares the floor of the window just after the warm-up (20-40% of the
run) with that of the last fifth; the peaks are printed beside it. The samples go to
``bench/results/soak.csv``.
"""

from __future__ import annotations

import csv
import os
import threading
import time
from pathlib import Path

import pytest

from faults.load import MIXED, Tally, Visitor, describe, run_visitors, stored_job_ids
from servers import ServerProcess, running_server, server_env

pytestmark = pytest.mark.soak

RESULTS = Path(__file__).parents[2] / "bench" / "results" / "soak.csv"
CLIENTS = 4
WARM_UP = 0.2
MAX_GROWTH = 0.10


def rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and its descendants, in KiB (0 once it has gone)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            tasks = list(Path(f"/proc/{current}/task").iterdir())
        except (FileNotFoundError, ProcessLookupError):
            continue
        rss = [int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")]
        total += sum(rss)  # none for a zombie
        for task in tasks:
            try:
                pending.extend(int(c) for c in (task / "children").read_text().split())
            except (FileNotFoundError, ProcessLookupError):
                continue  # a thread that ended meanwhile
    return total


def sample_memory(
    server: ServerProcess, tally: Tally, stop: threading.Event, every: float
) -> list[tuple[float, int, int]]:
    """(seconds since start, RSS in KiB, answers so far) every ``every`` seconds."""
    samples: list[tuple[float, int, int]] = []
    started = time.monotonic()
    while True:
        samples.append(
            (time.monotonic() - started, rss_kib(server.process.pid), len(tally.answers))
        )
        if stop.wait(every):
            return samples


def write_csv(samples: list[tuple[float, int, int]]) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["elapsed_s", "rss_kib", "requests"])
        writer.writerows((f"{t:.1f}", rss, n) for t, rss, n in samples)


def test_memory_stays_flat_under_mixed_load(tmp_path: Path) -> None:
    seconds = float(os.environ.get("SKAEL_SOAK_SECONDS", "600"))
    every = min(5.0, max(0.5, seconds / 60))
    env = server_env(
        f"sqlite+aiosqlite:///{tmp_path / 'soak.db'}",
        tmp_path,
        SKAEL_SEED_SAMPLE="true",
        SKAEL_LOGIN_LIMIT="1000000",
    )
    tally = Tally()
    with running_server(env, tmp_path, name="soak") as server:
        visitors = [
            Visitor([server], tally, [], f"soak{i}@example.com", seed=i) for i in range(CLIENTS)
        ]
        assert all(v.register() for v in visitors), describe(tally.failures())
        jobs = stored_job_ids(server, visitors[0].token)
        for visitor in visitors:
            visitor.job_ids = jobs
        stop = threading.Event()
        samples: list[tuple[float, int, int]] = []
        sampler = threading.Thread(
            target=lambda: samples.extend(sample_memory(server, tally, stop, every))
        )
        sampler.start()
        timer = threading.Timer(seconds, stop.set)
        timer.start()
        run_visitors(visitors, MIXED, stop)
        sampler.join()
        assert server.process.poll() is None, server.log()

    write_csv(samples)
    elapsed = samples[-1][0]
    settled = [rss for t, rss, _ in samples if WARM_UP * elapsed <= t < 0.4 * elapsed]
    final = [rss for t, rss, _ in samples if t >= 0.8 * elapsed]
    floor = min(final) / min(settled) - 1
    peak = max(final) / max(settled) - 1
    print(
        f"\nsoak: {elapsed:.0f} s, {len(tally.answers)} requests "
        f"({len(tally.answers) / elapsed:.0f}/s), statuses {dict(sorted(tally.statuses().items()))}"
        f"\nsoak: RSS at start {mib(samples[0][1])}; after warm-up floor {mib(min(settled))}, "
        f"peak {mib(max(settled))}; last fifth floor {mib(min(final))}, peak {mib(max(final))}"
        f"\nsoak: growth after warm-up: floor {floor:+.1%}, peak {peak:+.1%} "
        f"({len(samples)} samples every {every:.1f} s in {RESULTS})"
    )
    assert not tally.failures(), describe(tally.failures())
    assert len(tally.answers) > 10 * seconds, "the load was too light to tell anything"
    assert floor < MAX_GROWTH, f"the RSS floor grew by {floor:.1%} after the warm-up"


def mib(kib: float) -> str:
    return f"{kib / 1024:.1f} MiB"
