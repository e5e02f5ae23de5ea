"""End-to-end benchmark of ``skael jobs import``: JSON Lines into a fresh SQLite file.

    python bench/bench_import.py [--postings 100000] [--runs 3] [--cpus 0]
                                 [--keep DIR] [--export FILE]

Writes ``--postings`` postings made by ``generate_postings`` (the sample generator, in
chunks of other seeds so descriptions vary, each with a fresh provider id) to a JSON
Lines file as they are made, then runs the installed ``skael jobs import FILE`` on a
new SQLite file ``--runs`` times. Each run is timed from process start to exit
(start-up, schema creation, decoding, job preparation and storage) and its peak RSS is
the child's own (``wait4``), as is its CPU time (user + system, every thread), which
tells more than wall time on a busy machine. ``--cpus`` pins the command to those cores
(``taskset``-like, e.g. ``0`` for one core; empty: no pinning). Reports every run and
the median. ``--export`` imports an existing JSON Lines file instead of writing one;
``--keep`` leaves the export and the databases in a folder. Goal (issue #4): >= 20,000
postings/s, peak RSS < 500 MB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

import msgspec

from skael_adapters.sample.generate import FIRST_ID, generate_postings

GOAL_PER_S = 20_000
GOAL_RSS_MB = 500
CHUNK = 2_000
SEED = 7


def write_export(path: Path, count: int, seed: int = SEED) -> None:
    """``count`` distinct postings as JSON Lines, ``CHUNK`` generated at a time."""
    encode = msgspec.json.Encoder().encode
    with path.open("wb") as out:
        for start in range(0, count, CHUNK):
            size = min(CHUNK, count - start)
            for offset, posting in enumerate(generate_postings(size, seed + start)):
                posting["id"] = FIRST_ID + start + offset
                out.write(encode(posting) + b"\n")


class Run(NamedTuple):
    seconds: float  # wall time, start to exit
    cpu: float  # user + system seconds of the command (all its threads)
    rss_mb: float  # the command's own peak RSS
    said: str  # its output


def run_import(export: Path, database: Path, cpus: set[int] | None) -> Run:
    """One ``skael jobs import`` of ``export`` into ``database``, measured by ``wait4``."""
    skael = shutil.which("skael")
    if skael is None:
        raise SystemExit("the skael command is not installed in this environment")
    env = dict(os.environ, SKAEL_DATABASE_URL=f"sqlite+aiosqlite:///{database}")
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        pid = os.posix_spawn(
            skael,
            [skael, "jobs", "import", str(export)],
            env,
            file_actions=[
                (os.POSIX_SPAWN_DUP2, out.fileno(), 1),
                (os.POSIX_SPAWN_DUP2, err.fileno(), 2),
            ],
        )
        if cpus:
            os.sched_setaffinity(pid, cpus)
        _, status, usage = os.wait4(pid, 0)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"skael jobs import failed: {err.read().decode()}")
        cpu = usage.ru_utime + usage.ru_stime
        return Run(seconds, cpu, usage.ru_maxrss / 1024, out.read().decode().strip())


def stored(database: Path) -> int:
    """Postings stored: jobs, and postings merged into a job (reposts, other sources)."""
    with sqlite3.connect(database) as connection:
        count = int(connection.execute("SELECT count(*) FROM jobs").fetchone()[0])
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        if "job_sources" in tables:
            count += int(connection.execute("SELECT count(*) FROM job_sources").fetchone()[0])
        return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cpus", default="", help="comma-separated cores to pin the import to")
    parser.add_argument("--keep", type=Path, help="keep the export and databases in this folder")
    parser.add_argument("--export", type=Path, help="import this JSON Lines file instead")
    args = parser.parse_args()
    if args.runs < 1 or args.postings < 1:
        parser.error("--runs and --postings must be at least 1")
    cpus = {int(c) for c in args.cpus.split(",") if c.strip()} or None
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        export = args.export or folder / "postings.jsonl"
        if args.export is None:
            started = time.perf_counter()
            write_export(export, args.postings)
            print(f"wrote {args.postings:,} postings in {time.perf_counter() - started:.1f} s")
        else:
            with export.open("rb") as lines:
                args.postings = sum(1 for line in lines if line.strip())
        size = export.stat().st_size / 1e6
        print(f"{export.name}: {args.postings:,} postings, {size:.1f} MB")
        runs: list[Run] = []
        for number in range(1, args.runs + 1):
            database = folder / f"import-{number}.db"
            for leftover in folder.glob(f"import-{number}.db*"):
                leftover.unlink()
            run = run_import(export, database, cpus)
            count = stored(database)
            if count != args.postings:
                raise SystemExit(f"run {number}: {count:,} jobs stored, {args.postings:,} expected")
            runs.append(run)
            rate = args.postings / run.seconds
            print(
                f"run {number}: {run.seconds:.2f} s = {rate:,.0f} postings/s, "
                f"CPU {run.cpu:.2f} s ({args.postings / run.cpu:,.0f} postings per CPU second), "
                f"peak RSS {run.rss_mb:.0f} MB, load {os.getloadavg()[0]:.2f}  [{run.said}]"
            )
            if not args.keep:
                for leftover in folder.glob(f"import-{number}.db*"):
                    leftover.unlink()
        rate = args.postings / statistics.median(run.seconds for run in runs)
        per_cpu = args.postings / statistics.median(run.cpu for run in runs)
        peak = max(run.rss_mb for run in runs)
        verdict = "OK" if rate >= GOAL_PER_S and peak < GOAL_RSS_MB else "MISSED"
        print(
            f"median of {args.runs}: {rate:,.0f} postings/s, {per_cpu:,.0f} postings per CPU "
            f"second, peak RSS {statistics.median(run.rss_mb for run in runs):.0f} MB "
            f"(max {peak:.0f} MB)  [{verdict}]"
        )


if __name__ == "__main__":
    main()
