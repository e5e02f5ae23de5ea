"""Relevant jobs over many stored postings: latency of ranking a page for a person.

    python bench/bench_relevant.py [--jobs 100000] [--runs 60] [--db PATH]

Stores N postings in a SQLite file (the 360 bundled sample postings, prepared once and
repeated with fresh ids and posting dates), then times ``RankJobsForUser`` for a few
very different profiles and filters, at the use-case level (no HTTP).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import msgspec

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))

from skael_adapters.sample import SampleJobSource
from skael_adapters.sql import SqlDatabase, migrate
from skael_core.matching import prepare_job
from skael_core.model import Job, JobFilter
from skael_core.usecases.accounts import ProfileChanges
from support import make_core

PROFILES = [
    dict(
        desired_job_role="Python Developer",
        skills="python, django, postgres, docker",
        experience=6,
        countries="India",
    ),
    dict(
        desired_job_role="Nurse",
        skills="patient care, BLS, ICU",
        experience=4,
        countries="Germany",
        remote_preference="Onsite",
    ),
    dict(
        desired_job_role="Accountant",
        skills="excel, sap, ifrs",
        experience=3,
        countries="United Kingdom",
    ),
    dict(
        desired_job_role="Data Engineer",
        skills="python, airflow, spark, sql",
        experience=8,
        remote_preference="Remote",
    ),
]
FILTERS = [JobFilter(), JobFilter(remote=True), JobFilter(country_code="DE"), JobFilter()]


def postings(count: int) -> list[Job]:
    base = [prepare_job(job) for job in SampleJobSource().all_jobs()]
    rng = random.Random(7)
    made = []
    for n in range(count):
        job = base[n % len(base)]
        posted = job.date_posted - timedelta(days=rng.randrange(0, 60)) if job.date_posted else None
        made.append(msgspec.structs.replace(job, source_id=10_000_000 + n, date_posted=posted))
    return made


async def load(url: str, jobs: list[Job]) -> float:
    await migrate.ensure_schema(url)
    db = SqlDatabase.from_url(url)
    started = time.perf_counter()
    for start in range(0, len(jobs), 5000):
        async with db.unit_of_work() as uow:
            await uow.jobs.upsert_many(jobs[start : start + 5000])
            await uow.commit()
    elapsed = time.perf_counter() - started
    await db.dispose()
    return len(jobs) / elapsed


async def rank(url: str, runs: int) -> list[float]:
    db = SqlDatabase.from_url(url)
    core = make_core(db.unit_of_work)
    users = []
    for n, profile in enumerate(PROFILES):
        email = f"p{n}-{uuid.uuid4().hex[:8]}@bench.example"
        changes = ProfileChanges(email=email, user_name=f"P{n}", **profile)
        users.append((await core.register.execute("bench password", changes)).user_id)
    timings = []
    for n in range(runs + 5):
        user, filters = users[n % len(users)], FILTERS[n % len(FILTERS)]
        started = time.perf_counter()
        ranked = await core.rank_jobs.execute(user, None, filters, limit=20)
        if n >= 5:
            timings.append((time.perf_counter() - started) * 1000)
        assert ranked
    await db.dispose()
    return timings


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="skael-bench-"))
    path = args.db or folder / "relevant.db"
    url = f"sqlite+aiosqlite:///{path}"
    if not path.exists():
        rate = await load(url, postings(args.jobs))
        print(f"stored {args.jobs} postings at {rate:,.0f}/s")
    timings = sorted(await rank(url, args.runs))
    p50 = statistics.median(timings)
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(
        f"relevant_jobs over {args.jobs} jobs: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
        f"({len(timings)} runs, page of 20)"
    )


if __name__ == "__main__":
    asyncio.run(main())
