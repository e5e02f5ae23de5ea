"""Developer sessions: tests, lint, typecheck, bench."""

from __future__ import annotations

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
    session.run("mypy", "--strict", "src/skael_core")


@nox.session
def bench(session: nox.Session) -> None:
    """Every benchmark in bench/ (bench_http.py also needs Debian's wrk).

    The figures in docs/benchmarks.md come from these scripts.
    """
    session.install("-e", ".[test]", "-r", "bench/requirements.txt")
    for script in sorted(Path("bench").glob("bench_*.py")):
        session.run("python", str(script), *session.posargs)
