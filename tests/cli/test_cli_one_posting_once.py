"""One posting, one job, whatever path brought it: the bundled sample file imported on
a store the sample set seeded stores nothing twice."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from cli.test_cli import run
from skael_adapters.sample.generate import OUTPUT
from skael_web.container import build_container, seed_sample_jobs, shutdown, startup
from skael_web.settings import Settings
from support import cli_env


def counts(env: dict[str, str]) -> tuple[int, int]:
    path = env["SKAEL_DATABASE_URL"].split("///", 1)[1]
    with sqlite3.connect(path) as db:
        (jobs,) = db.execute("SELECT count(*) FROM jobs").fetchone()
        (merged,) = db.execute("SELECT count(*) FROM job_sources").fetchone()
    return int(jobs), int(merged)


def seed(env: dict[str, str]) -> None:
    async def main() -> None:
        container = build_container(Settings.from_env(env))
        try:
            await startup(container)
            assert await seed_sample_jobs(container) == 0  # seeded once, by startup
        finally:
            await shutdown(container)

    asyncio.run(main())


def test_the_bundled_sample_file_imported_after_seeding_adds_no_job(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    seed(env)
    assert counts(env) == (360, 0)

    done = run(env, "jobs", "import", str(OUTPUT))

    assert done.returncode == 0, done.stderr
    assert "imported 360 postings: 0 new, 360 updated" in done.stdout
    assert counts(env) == (360, 0)
