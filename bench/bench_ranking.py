"""relevant_jobs at scale, ranked anew on every request: SQLite and PostgreSQL.

    python bench/bench_ranking.py --sizes 10000,100000,1000000 --databases sqlite,postgres
                                  [--index both] [--runs 25] [--warmup 3] [--workdir DIR]
                                  [--import-only]

For each size N and database (everything on 127.0.0.1):

1. N distinct generated postings as JSON Lines (``bench_http.write_postings``: chunk k
   of 10,000 drawn with seed ``seed + k``, ids numbered on), written next to their final
   name and renamed when complete, kept in ``WORKDIR/postings-N.jsonl`` for the next run;
2. ``skael jobs import`` of that file into a SQLite file ``WORKDIR/sqlite-N/skael.db``,
   or into the PostgreSQL database ``skael_rankbench_N`` on the server of
   ``SKAEL_TEST_POSTGRES_URL`` (created anew, migrated by ``skael db upgrade``, analysed
   after the import); the import's wall and CPU time are reported. A store already
   holding N jobs with N distinct provider ids is kept (``--import-only`` builds the
   stores and measures nothing);
3. ``skael serve`` (one worker) with ``SKAEL_RANKING_CACHE_TTL=0``: every request
   ranks anew. With the ranking index (``SKAEL_RANKING_INDEX=true``) the server is
   measured once its log says the index is loaded (its load time is reported); with
   ``--index both`` a second server without it (the candidates path) is measured too;
4. four users (``bench_latency.PROFILES``) ask ``POST /jobs/relevant_jobs`` for a page
   of 20 in turn, one request at a time: ``--warmup`` unmeasured, ``--runs`` measured
   each. Reported: p50, p95, p99, max over all, the server's CPU per request, the
   resident memory of the server's processes after the runs and at their peak, and the
   1-minute load average before and after.

Output: a Markdown table on stdout and in ``bench/results/NAME.md``, and
``bench/results/NAME.csv`` (one row per database, size and path; ``--name ranking``), which
``bench/chart.py`` draws as ``docs/img/ranking.png``.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from bench_http import BIN, RESULTS, Server, log, skael_env, start, stop, write_postings
from bench_latency import PROFILES, _postgres, group_cpu_seconds, percentile
from bench_scale import relevant_ms, sign_in, timed_import
from sqlalchemy.engine import make_url

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
READY_LINE = b"ranking index: "


@dataclass
class Measured:
    jobs: int
    database: str
    index: bool
    latencies: list[float] = field(default_factory=list)
    cpu_ms: float = math.nan
    rss_mb: float = math.nan
    peak_mb: float = math.nan
    index_load_s: float = math.nan
    import_s: float = math.nan
    import_cpu_s: float = math.nan
    load: tuple[float, float] = (math.nan, math.nan)

    def p(self, q: float) -> float:
        return percentile(self.latencies, q)


def group_rss_mb(leader: int) -> float:
    """Resident memory of every live process in ``leader``'s process group, in MB."""
    total = 0
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == leader:
            total += int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    return total / 2**20


def group_peak_mb(leader: int) -> float:
    """The largest peak resident memory (VmHWM) of the processes in ``leader``'s group."""
    peak = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) != leader:
                continue
            status = (stat.parent / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]))
    return peak / 1024


def database_url(kind: str, jobs: int, workdir: Path) -> str:
    if kind == "sqlite":
        return f"sqlite+aiosqlite:///{workdir / f'sqlite-{jobs}' / 'skael.db'}"
    base = make_url(os.environ.get("SKAEL_TEST_POSTGRES_URL", DEFAULT_POSTGRES))
    return base.set(database=f"skael_rankbench_{jobs}").render_as_string(hide_password=False)


async def stored_jobs(url: str) -> int:
    """Jobs the store at ``url`` holds with distinct provider ids (0 when it does not
    exist yet, -1 when some provider id is held twice)."""
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            result = await connection.exec_driver_sql(
                "SELECT count(*), count(DISTINCT source_id) FROM jobs"
            )
            jobs, distinct = result.one()
            return int(jobs) if jobs == distinct else -1
    except Exception:
        return 0
    finally:
        await engine.dispose()


def ensure_store(kind: str, jobs: int, workdir: Path, seed: int) -> tuple[str, float, float]:
    """The URL of a store holding ``jobs`` postings, imported if need be: the import's
    wall seconds and CPU seconds (NaN when the store was kept)."""
    url = database_url(kind, jobs, workdir)
    home = workdir / f"{kind}-{jobs}"
    home.mkdir(parents=True, exist_ok=True)
    if asyncio.run(stored_jobs(url)) == jobs:
        log(f"{kind} {jobs:,}: store kept")
        return url, math.nan, math.nan
    postings = workdir / f"postings-{jobs}.jsonl"
    if not postings.exists():
        started = time.perf_counter()
        write_postings(postings.with_name(postings.name + ".part"), jobs, seed).rename(postings)
        log(f"{jobs:,} postings generated in {time.perf_counter() - started:.0f} s")
    env = skael_env(home, url)
    if kind == "postgres":
        admin = make_url(url).set(drivername="postgresql", database="postgres")
        name = make_url(url).database
        dsn = admin.render_as_string(hide_password=False)
        asyncio.run(_postgres(dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        asyncio.run(_postgres(dsn, f'CREATE DATABASE "{name}"'))
        os.spawnve(os.P_WAIT, str(BIN / "skael"), ["skael", "db", "upgrade"], env)
    else:
        for stale in home.glob("skael.db*"):
            stale.unlink()
    seconds, cpu, _ = timed_import(postings, env, home)
    if kind == "postgres":
        # the import leaves the planner without statistics until autovacuum gets there;
        # without them the index's catch-up query scans every row of jobs
        target = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        asyncio.run(_postgres(target, "ANALYZE"))
    log(f"{kind} {jobs:,}: imported in {seconds:.0f} s, CPU {1000 * cpu / jobs:.3f} ms a posting")
    return url, seconds, cpu


def wait_for_index(server: Server, timeout: float) -> float:
    """Seconds until the server's log says the ranking index is loaded."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if READY_LINE in server.log.read_bytes():
            return time.monotonic() - started
        time.sleep(0.2)
    raise SystemExit(f"the ranking index did not load within {timeout:.0f} s; see {server.log}")


def measure(kind: str, jobs: int, url: str, index: bool, args: argparse.Namespace) -> Measured:
    home = args.workdir / f"{kind}-{jobs}"
    home.mkdir(parents=True, exist_ok=True)
    env = skael_env(home, url) | {
        "SKAEL_RANKING_CACHE_TTL": "0",
        "SKAEL_RANKING_INDEX": "true" if index else "false",
    }
    out = Measured(jobs, kind, index)
    load0 = os.getloadavg()[0]
    server = start("skael", [str(BIN / "skael"), "-v", "serve", "--port", "{port}"], env, home)
    try:
        if index:
            out.index_load_s = wait_for_index(server, args.index_timeout)
        with httpx.Client(base_url=server.url, timeout=300) as client:
            tokens = [sign_in(client, profile) for profile in PROFILES]
            for token in tokens:
                for _ in range(args.warmup):
                    relevant_ms(client, token)
            cpu0 = group_cpu_seconds(server.process.pid)
            for _ in range(args.runs):
                for token in tokens:
                    out.latencies.append(relevant_ms(client, token))
            out.cpu_ms = 1000 * (group_cpu_seconds(server.process.pid) - cpu0) / len(out.latencies)
            out.rss_mb = group_rss_mb(server.process.pid)
            out.peak_mb = group_peak_mb(server.process.pid)
    finally:
        stop(server)
    out.load = (load0, os.getloadavg()[0])
    log(
        f"{kind} {jobs:,} index={index}: p50 {out.p(0.5):.1f} ms, p95 {out.p(0.95):.1f} ms, "
        f"p99 {out.p(0.99):.1f} ms, CPU {out.cpu_ms:.1f} ms/req, RSS {out.rss_mb:,.0f} MB "
        f"(peak {out.peak_mb:,.0f} MB), "
        f"index loaded in {out.index_load_s:.1f} s"
    )
    return out


def report(rows: list[Measured]) -> str:
    head = ["database", "jobs", "path", "p50 ms", "p95 ms", "p99 ms", "max ms"]
    head += ["server CPU ms/req", "server RSS MB", "peak RSS MB", "index load s"]
    head += ["import s (CPU s)", "load 1 min"]
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    for r in rows:
        cells = [r.database, f"{r.jobs:,}", "index" if r.index else "candidates"]
        cells += [f"{r.p(q):.1f}" for q in (0.5, 0.95, 0.99)]
        cells += [f"{max(r.latencies):.1f}", f"{r.cpu_ms:.1f}", f"{r.rss_mb:,.0f}"]
        cells.append(f"{r.peak_mb:,.0f}")
        cells.append(f"{r.index_load_s:.1f}" if r.index else "-")
        imported = not math.isnan(r.import_s)
        cells.append(f"{r.import_s:,.0f} ({r.import_cpu_s:,.0f})" if imported else "kept")
        cells.append(f"{r.load[0]:.1f}-{r.load[1]:.1f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


COLUMNS = ["database", "jobs", "path", "p50_ms", "p95_ms", "p99_ms", "max_ms", "cpu_ms"]
COLUMNS += ["rss_mb", "peak_mb", "index_load_s", "import_s", "import_cpu_s"]
COLUMNS += ["load_start", "load_end"]


def csv_row(r: Measured) -> list[object]:
    path = "index" if r.index else "candidates"
    found: list[object] = [r.database, r.jobs, path]
    found += [round(r.p(q), 2) for q in (0.5, 0.95, 0.99)]
    found += [round(max(r.latencies), 2), round(r.cpu_ms, 2), round(r.rss_mb), round(r.peak_mb)]
    found += [round(r.index_load_s, 1), round(r.import_s, 1), round(r.import_cpu_s, 1)]
    return [*found, round(r.load[0], 2), round(r.load[1], 2)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--index", choices=("on", "both"), default="on")
    parser.add_argument("--index-timeout", type=float, default=900)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/skael-bench-ranking"))
    parser.add_argument("--import-only", action="store_true")
    parser.add_argument("--name", default="ranking", help="bench/results/NAME.csv, NAME.md")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    for jobs in [int(n) for n in args.sizes.split(",")]:
        for kind in args.databases.split(","):
            url, seconds, cpu = ensure_store(kind, jobs, args.workdir, args.seed)
            if args.import_only:
                continue
            for index in (True, False) if args.index == "both" else (True,):
                row = measure(kind, jobs, url, index, args)
                row.import_s, row.import_cpu_s = seconds, cpu
                rows.append(row)
    if args.import_only:
        return
    table = report(rows)
    print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.name}.md").write_text(table + "\n")
    with (RESULTS / f"{args.name}.csv").open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        writer.writerows(csv_row(r) for r in rows)


if __name__ == "__main__":
    main()
