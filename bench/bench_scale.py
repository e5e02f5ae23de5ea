"""Scale curves on SQLite: import rate, peak memory and relevant-jobs latency by store size.

    python bench/bench_scale.py [--sizes 10000,100000,1000000] [--runs 25] [--keep]

For each size N, smallest first, in a fresh SQLite file (everything in a temporary
directory, traffic only to 127.0.0.1):

1. writes N generated postings as JSON Lines, streamed to the file a chunk at a time
   (``bench_http.write_postings``), so a million postings never sit in memory;
2. runs ``skael jobs import`` on it and takes the wall time from start to exit
   (postings/s end to end: start-up, migration, decoding, preparing, storing), and the
   process's CPU time and peak RSS (``wait4``);
3. asks ``POST /jobs/relevant_jobs`` for a page of 20 for four users, one per profile
   (a Python developer in India, a nurse in Germany, an accountant in the UK, a remote
   data engineer), one request at a time: ``--warmup`` unmeasured, then ``--runs``
   measured per profile, profiles in turn, on two servers (``skael serve``, one worker)
   in turn: one whose ranking cache keeps nothing (``SKAEL_RANKING_CACHE_TTL=0``), so
   every request ranks the candidates afresh (``computed``), and one with the default
   cache, where every measured request repeats one already answered (``cached``).
   Reports p50, p95 and max over all profiles, p95 per profile, and the server's CPU per
   measured request.

Output: a Markdown table on stdout and in ``bench/results/NAME.md``,
``bench/results/NAME.csv`` (one row per size).
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from bench_http import BIN, RESULTS, Server, log, skael_env, start, stop, versions, write_postings
from bench_latency import PAGE, PASSWORD, PROFILES, commit, group_cpu_seconds, percentile

GOAL_P95_MS = 25.0  # relevant jobs over 100,000 on SQLite through HTTP (#6)


@dataclass
class Relevant:
    """Relevant-jobs latencies (ms) by profile, and the server's CPU per request."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    cpu_ms: float = math.nan

    def every(self) -> list[float]:
        return [ms for runs in self.latencies.values() for ms in runs]

    def p(self, q: float, kind: str | None = None) -> float:
        return percentile(self.every() if kind is None else self.latencies[kind], q)


@dataclass
class Size:
    jobs: int
    generate_s: float = math.nan
    import_s: float = math.nan
    import_cpu_s: float = math.nan
    import_rss_mb: float = math.nan
    file_mb: float = math.nan
    db_mb: float = math.nan
    computed: Relevant = field(default_factory=Relevant)
    cached: Relevant = field(default_factory=Relevant)
    load1: tuple[float, float] = (math.nan, math.nan)

    @property
    def import_rate(self) -> float:
        return self.jobs / self.import_s


def timed_import(postings: Path, env: dict[str, str], cwd: Path) -> tuple[float, float, float]:
    """``skael jobs import postings``: wall seconds, CPU seconds and peak RSS in MB."""
    argv = [str(BIN / "skael"), "jobs", "import", str(postings)]
    with (cwd / "import.log").open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    text = (cwd / "import.log").read_text()
    if process.returncode != 0:
        raise SystemExit(f"{shlex.join(argv)} failed:\n{text[-2000:]}")
    log(f"  {text.strip().splitlines()[-1]}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # KiB on Linux


def sign_in(client: httpx.Client, kind: str) -> str:
    """A bearer token for the user of profile ``kind``: registered, or logged in if known."""
    email = f"{kind}@example.com"
    body = {"user_name": kind, "email_id": email, "password": PASSWORD}
    response = client.post("/users/", json=body | PROFILES[kind])
    if response.status_code == 409:
        response = client.post("/users/login", json={"email": email, "password": PASSWORD})
    if response.status_code not in (200, 201):
        raise SystemExit(f"sign in {kind}: {response.status_code} {response.text[:300]}")
    return str(response.json()["access_token"])


def relevant_ms(client: httpx.Client, token: str) -> float:
    """One ``POST /jobs/relevant_jobs`` for a page: milliseconds to the whole answer."""
    started = time.perf_counter()
    response = client.post(
        "/jobs/relevant_jobs",
        json={"limit": PAGE},
        headers={"Authorization": f"Bearer {token}"},
    )
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200 or len(response.json()["jobs"]) != PAGE:
        raise SystemExit(f"relevant_jobs: {response.status_code} {response.text[:300]}")
    return elapsed


def measure_relevant(server: Server, args: argparse.Namespace) -> Relevant:
    with httpx.Client(base_url=server.url, timeout=120) as client:
        tokens = {kind: sign_in(client, kind) for kind in PROFILES}
        for token in tokens.values():
            for _ in range(args.warmup):
                relevant_ms(client, token)
        out = Relevant({kind: [] for kind in tokens})
        cpu0 = group_cpu_seconds(server.process.pid)
        for _ in range(args.runs):
            for kind, token in tokens.items():
                out.latencies[kind].append(relevant_ms(client, token))
        out.cpu_ms = 1000 * (group_cpu_seconds(server.process.pid) - cpu0) / len(out.every())
    return out


def relevant_on_server(env: dict[str, str], home: Path, args: argparse.Namespace) -> Relevant:
    server = start("skael", [str(BIN / "skael"), "serve", "--port", "{port}"], env, home)
    try:
        return measure_relevant(server, args)
    finally:
        stop(server)


def measure_size(jobs: int, workdir: Path, args: argparse.Namespace) -> Size:
    home = workdir / f"{jobs}"
    home.mkdir(parents=True, exist_ok=True)
    for stale in home.glob("skael.db*"):
        stale.unlink()
    size = Size(jobs)
    load0 = os.getloadavg()[0]
    started = time.perf_counter()
    postings = write_postings(home / "jobs.jsonl", jobs, args.seed)
    size.generate_s = time.perf_counter() - started
    size.file_mb = postings.stat().st_size / 2**20
    log(f"{jobs:>9,} jobs: generated in {size.generate_s:.1f} s ({size.file_mb:,.0f} MB)")

    env = skael_env(home)
    size.import_s, size.import_cpu_s, size.import_rss_mb = timed_import(postings, env, home)
    size.db_mb = sum(p.stat().st_size for p in home.glob("skael.db*")) / 2**20
    log(
        f"{jobs:>9,} jobs: imported in {size.import_s:.1f} s ({size.import_rate:,.0f}/s, "
        f"CPU {size.import_cpu_s:.1f} s), "
        f"peak RSS {size.import_rss_mb:,.0f} MB, database {size.db_mb:,.0f} MB"
    )
    if not args.keep:
        postings.unlink()

    size.computed = relevant_on_server({**env, "SKAEL_RANKING_CACHE_TTL": "0"}, home, args)
    size.cached = relevant_on_server(env, home, args)
    size.load1 = (load0, os.getloadavg()[0])
    for name, r in (("computed", size.computed), ("cached", size.cached)):
        log(
            f"{jobs:>9,} jobs: relevant_jobs {name:8} p50 {r.p(0.5):.1f} ms, "
            f"p95 {r.p(0.95):.1f} ms, max {max(r.every()):.1f} ms, "
            f"server CPU {r.cpu_ms:.1f} ms a request"
        )
    if not args.keep:
        for path in home.glob("skael.db*"):
            path.unlink()
    return size


# --------------------------------------------------------------------------- report


def report(sizes: list[Size]) -> str:
    kinds = list(PROFILES)
    head = ["stored jobs", "import postings/s", "import s", "import CPU s", "import peak RSS MB"]
    head += ["database MB", "computed p50 ms", "p95 ms", "max ms", "server CPU ms/req"]
    head += [f"p95 {k}" for k in kinds]
    head += ["cached p50 ms", "p95 ms", "server CPU ms/req", "load"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
    for s in sizes:
        c, h = s.computed, s.cached
        cells = [f"{s.jobs:,}", f"{s.import_rate:,.0f}", f"{s.import_s:.1f}"]
        cells += [f"{s.import_cpu_s:.1f}", f"{s.import_rss_mb:,.0f}", f"{s.db_mb:,.0f}"]
        cells += [f"{c.p(0.5):.1f}", f"{c.p(0.95):.1f}", f"{max(c.every()):.1f}"]
        cells += [f"{c.cpu_ms:.1f}", *(f"{c.p(0.95, k):.1f}" for k in kinds)]
        cells += [f"{h.p(0.5):.1f}", f"{h.p(0.95):.1f}", f"{h.cpu_ms:.1f}"]
        cells.append(f"{s.load1[0]:.1f} - {s.load1[1]:.1f}")
        lines.append("| " + " | ".join(cells) + " |")
    for s in sizes:
        if s.jobs == 100_000:
            p95, cached = s.computed.p(0.95), s.cached.p(0.95)
            lines += [
                "",
                f"Goal: relevant jobs over 100,000 on SQLite, p95 <= {GOAL_P95_MS:g} ms through "
                f"HTTP: {p95:.1f} ms computed ({'yes' if p95 <= GOAL_P95_MS else 'no'}), "
                f"{cached:.1f} ms cached ({'yes' if cached <= GOAL_P95_MS else 'no'}).",
            ]
    return "\n".join(lines)


def write_csv(sizes: list[Size], meta: dict[str, str], name: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.csv"
    kinds = list(PROFILES)
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            [
                *("jobs", "generate_s", "import_s", "import_cpu_s", "import_rate"),
                *("import_peak_rss_mb", "jsonl_mb", "db_mb", "relevant_requests"),
                *("relevant_p50_ms", "relevant_p95_ms", "relevant_max_ms", "relevant_cpu_ms"),
                *(f"relevant_p95_ms_{k}" for k in kinds),
                *("cached_p50_ms", "cached_p95_ms", "cached_max_ms", "cached_cpu_ms"),
                *("load1_start", "load1_end"),
                *meta,
            ]
        )
        for s in sizes:
            c, h = s.computed, s.cached
            w.writerow(
                [
                    s.jobs,
                    *(f"{x:.2f}" for x in (s.generate_s, s.import_s, s.import_cpu_s)),
                    *(f"{x:.1f}" for x in (s.import_rate, s.import_rss_mb, s.file_mb, s.db_mb)),
                    len(c.every()),
                    *(f"{x:.2f}" for x in (c.p(0.5), c.p(0.95), max(c.every()), c.cpu_ms)),
                    *(f"{c.p(0.95, k):.2f}" for k in kinds),
                    *(f"{x:.2f}" for x in (h.p(0.5), h.p(0.95), max(h.every()), h.cpu_ms)),
                    f"{s.load1[0]:.2f}",
                    f"{s.load1[1]:.2f}",
                    *meta.values(),
                ]
            )
    return path


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="stored jobs, in turn")
    parser.add_argument("--runs", type=int, default=25, help="measured requests per profile")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured requests per profile")
    parser.add_argument("--seed", type=int, default=20260105)
    parser.add_argument("--name", default="scale", help="bench/results/NAME.csv, NAME.md")
    parser.add_argument("--workdir", type=Path, help="keep logs here (default: temp)")
    parser.add_argument("--keep", action="store_true", help="keep postings and databases")
    args = parser.parse_args(argv)
    jobs = sorted(int(n) for n in args.sizes.split(",") if n)

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="skael-bench-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    command = shlex.join(
        ["python", "bench/bench_scale.py", *(sys.argv[1:] if argv is None else argv)]
    )
    log(f"workdir {workdir}; nproc {os.cpu_count()}; load {os.getloadavg()}")
    sizes = [measure_size(n, workdir, args) for n in jobs]

    meta = versions() | {
        "nproc": str(os.cpu_count()),
        "runs_per_profile": str(args.runs),
        "date": time.strftime("%Y-%m-%d"),
        "commit": commit(),
    }
    text = report(sizes)
    path = write_csv(sizes, meta, args.name)
    title = "## Scale on SQLite: import and relevant jobs by stored jobs"
    info = "Machine and versions: " + ", ".join(f"{k} {v}" for k, v in meta.items())
    document = "\n\n".join([title, f"Command: `{command}`", text, info]) + "\n"
    (RESULTS / f"{args.name}.md").write_text(document)
    print(document)
    print(f"CSV: {path}; logs in {workdir}")


if __name__ == "__main__":
    main()
