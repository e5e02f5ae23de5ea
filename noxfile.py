"""Developer sessions: tests, lint, typecheck, bench."""

from __future__ import annotations

import os
from pathlib import Path

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_existing_virtualenvs = True


@nox.session
def tests(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    session.install("ruff")
    session.run("ruff", "check", "src", "tests", "bench")
    session.run("ruff", "format", "--check", "src/skael_core")


@nox.session
def typecheck(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    session.run("mypy", "--strict", "src")


@nox.session
def soak(session: nox.Session) -> None:
    """Mixed load on one server for SKAEL_SOAK_SECONDS (600 by default); RSS must stay flat.

    The memory samples go to bench/results/soak.csv.
    """
    session.install("-e", ".[test]")
    soak = ("-n", "0", "-m", "soak", "-s", "tests/faults/test_soak.py")
    session.run("pytest", *soak, *session.posargs)


# The benchmarks in the order of docs/benchmarks.md: (script, the arguments its figures
# were measured with, the arguments of a short smoke run).
BENCHMARKS = [
    ("bench_scoring.py", [], ["--jobs", "2000", "--rounds", "1"]),
    ("bench_import_decode.py", [], ["--postings", "5000", "--rounds", "1"]),
    ("bench_prepare.py", [], ["--generated", "200", "--rounds", "1"]),
    ("bench_sql.py", [], ["--jobs", "5000", "--runs", "50"]),
    ("bench_relevant.py", ["--jobs", "100000", "--runs", "40"], ["--jobs", "5000", "--runs", "5"]),
    (
        "bench_http.py",
        ["--jobs", "5000", "--duration", "6", "--rounds", "3"],
        ["--jobs", "1000", "--duration", "2", "--rounds", "1", "--warmup", "1"],
    ),
    (
        "bench_latency.py",
        ["--jobs", "10000", "--users", "100", "--rate", "10,25,50", "--duration", "20"],
        ["--jobs", "1000", "--users", "12", "--rate", "10", "--duration", "5", "--warmup", "2"],
    ),
    (
        "bench_scale.py",
        ["--sizes", "10000,100000,1000000", "--runs", "10"],
        ["--sizes", "1000,5000", "--runs", "3"],
    ),
    (
        "bench_ranking.py",
        ["--sizes", "10000,100000,1000000", "--index", "both", "--runs", "25"],
        [
            "--sizes",
            "5000",
            "--databases",
            "sqlite",
            "--runs",
            "3",
            "--workdir",
            "/tmp/skael-quick",
        ],
    ),
]
WRITES_RESULTS = {
    "bench_http.py": "http",
    "bench_latency.py": "latency",
    "bench_scale.py": "scale",
    "bench_ranking.py": "ranking",
}


@nox.session
def bench(session: nox.Session) -> None:
    """The benchmarks behind docs/benchmarks.md, then their charts (docs/img/*.png).

    ``nox -s bench`` runs them all as the document quotes them (about 15 minutes on a quiet
    two-core machine; bench_http.py needs Debian's wrk and measures Skael against the
    strong FastAPI peer, the seed-like one and the bare Litestar route, wrk -t2 -c32;
    bench_latency.py needs PostgreSQL and Redis, see its --postgres and --redis).
    ``nox -s bench -- quick`` (or SKAEL_BENCH_QUICK=1) is a short smoke run whose results
    go to bench/results/quick_* and charts to bench/results/quick_img, leaving the
    documented ones alone. Other arguments pick benchmarks by name: ``nox -s bench --
    latency scale``. A bench_*.py not listed in BENCHMARKS runs last with its own
    defaults (not in a quick run).
    """
    session.install("-e", ".[test]", "-r", "bench/requirements.txt")
    quick = "quick" in session.posargs or os.environ.get("SKAEL_BENCH_QUICK") == "1"
    chosen = [a for a in session.posargs if a != "quick"]
    listed = [script for script, _, _ in BENCHMARKS]
    others = [] if quick else sorted(Path("bench").glob("bench_*.py"))
    plan = [*BENCHMARKS, *((p.name, [], []) for p in others if p.name not in listed)]
    for script, full, short in plan:
        if chosen and not any(name in script for name in chosen):
            continue
        arguments = short if quick else full
        if quick and script in WRITES_RESULTS:
            arguments = [*arguments, "--name", f"quick_{WRITES_RESULTS[script]}"]
        session.run("python", f"bench/{script}", *arguments)
    charts = ["--prefix", "quick_", "--out", "bench/results/quick_img"] if quick else []
    session.run("python", "bench/chart.py", *charts)
