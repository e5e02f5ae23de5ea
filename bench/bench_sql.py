"""Benchmark of the SQL adapter: bulk import of postings, then job-list latency.

    python bench/bench_sql.py [--jobs 100000] [--runs 400] [--postgres URL]
                              [--skip-sqlite] [--skip-postgres]

Generates ``--jobs`` realistic postings deterministically (core ``Job`` objects with a
few technologies each), stores them through ``SqlJobRepository.bulk_load`` into a
fresh SQLite file and into PostgreSQL (``--postgres``, else ``SKAEL_TEST_POSTGRES_URL``,
else the local server at 127.0.0.1:5432; it works in a schema of its own, dropped
afterwards; ``--skip-postgres`` leaves it out), reporting postings per
second and peak RSS; then times ``jobs.list(filters, 0, 50)`` over ``--runs`` varied
filters (country, remote, technology, minimum salary, seniority and combinations), at
the repository level inside an open unit of work. Goals: import >= 20,000 postings/s,
list p95 < 10 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from skael_adapters.sql import SqlDatabase, upgrade
from skael_adapters.sql.testing import isolated_postgres_schema
from skael_core.model import (
    Company,
    HiringMember,
    Job,
    JobFeatures,
    JobFilter,
    PreparedJob,
    Technology,
)
from skael_core.sameness import sameness_key

SEED = 20250601
GOAL_IMPORT_PER_S = 20_000
GOAL_LIST_P95_MS = 10.0

ROLES = [
    "Backend Engineer",
    "Frontend Developer",
    "Full Stack Engineer",
    "Data Engineer",
    "Data Scientist",
    "DevOps Engineer",
    "Site Reliability Engineer",
    "Mobile Developer",
    "Machine Learning Engineer",
    "Platform Engineer",
    "Security Engineer",
    "QA Engineer",
    "Engineering Manager",
    "Product Engineer",
    "Cloud Architect",
    "Embedded Software Engineer",
]
LEVELS = [
    ("junior", "Junior "),
    ("mid_level", ""),
    ("senior", "Senior "),
    ("staff", "Staff "),
    ("c_level", "Head of "),
]
LEVEL_WEIGHTS = [15, 45, 30, 7, 3]
PLACES = [
    ("Paris", "France", "FR"),
    ("Lyon", "France", "FR"),
    ("Berlin", "Germany", "DE"),
    ("Munich", "Germany", "DE"),
    ("London", "United Kingdom", "GB"),
    ("Amsterdam", "Netherlands", "NL"),
    ("New York, NY", "United States", "US"),
    ("San Francisco, CA", "United States", "US"),
    ("Austin, TX", "United States", "US"),
    ("Toronto", "Canada", "CA"),
    ("Madrid", "Spain", "ES"),
    ("Zürich", "Switzerland", "CH"),
    ("Stockholm", "Sweden", "SE"),
    ("Warsaw", "Poland", "PL"),
    ("Bangalore", "India", "IN"),
    ("Sydney", "Australia", "AU"),
]
PLACE_WEIGHTS = [8, 3, 8, 4, 10, 4, 14, 10, 5, 4, 4, 2, 2, 3, 7, 2]
TECHS = [
    "python",
    "javascript",
    "typescript",
    "java",
    "go",
    "rust",
    "c-sharp",
    "kotlin",
    "swift",
    "ruby",
    "php",
    "scala",
    "react",
    "vue",
    "angular",
    "node-js",
    "django",
    "flask",
    "fastapi",
    "spring",
    "rails",
    "postgresql",
    "mysql",
    "mongodb",
    "redis",
    "elasticsearch",
    "kafka",
    "rabbitmq",
    "aws",
    "gcp",
    "azure",
    "kubernetes",
    "docker",
    "terraform",
    "ansible",
    "linux",
    "graphql",
    "grpc",
    "spark",
    "airflow",
    "dbt",
    "snowflake",
    "pytorch",
    "tensorflow",
    "pandas",
    "git",
    "jenkins",
    "github-actions",
    "prometheus",
    "grafana",
]
TECH_WEIGHTS = [1 / (rank + 1) ** 0.8 for rank in range(len(TECHS))]
SENTENCES = [
    "You will design, build and run services used by millions of people.",
    "We value clear writing, small pull requests and kind code reviews.",
    "Our stack is modern and we pay down technical debt every sprint.",
    "You will work closely with product managers and designers.",
    "On-call is shared fairly and incidents are reviewed without blame.",
    "We offer a learning budget, flexible hours and a yearly team retreat.",
    "Experience with distributed systems and observability is a plus.",
    "You care about testing, performance and accessibility.",
]


def make_postings(count: int, seed: int = SEED) -> list[Job]:
    """``count`` postings, the same ones for the same seed."""
    rng = random.Random(seed)
    companies = [
        f"{rng.choice(['Nova', 'Blue', 'Acme', 'Hyper', 'Green', 'Lumen', 'Delta'])}"
        f"{rng.choice(['soft', 'labs', 'works', ' Systems', ' Data', 'ly', ' AI'])} {n}"
        for n in range(2000)
    ]
    today = date(2025, 6, 1)
    found_at = datetime(2025, 6, 1, tzinfo=UTC)
    postings = []
    for n in range(count):
        level, prefix = rng.choices(LEVELS, LEVEL_WEIGHTS)[0]
        role = rng.choice(ROLES)
        city, country, code = rng.choices(PLACES, PLACE_WEIGHTS)[0]
        company = rng.choice(companies)
        slugs = list(dict.fromkeys(rng.choices(TECHS, TECH_WEIGHTS, k=rng.randint(2, 6))))
        low = rng.choice([None, *range(35_000, 180_000, 5_000)])
        high = (
            None
            if low is None or rng.random() < 0.3
            else low + rng.choice([10_000, 20_000, 40_000])
        )
        remote = rng.random() < 0.25
        posted = today - timedelta(days=rng.randint(0, 60))
        postings.append(
            Job(
                source="bench",
                source_id=n + 1,
                job_title=f"{prefix}{role}",
                normalized_title=role.lower(),
                url=f"https://jobs.example.com/{n + 1}",
                date_posted=posted,
                discovered_at=found_at - timedelta(minutes=n),
                company=company,
                company_domain=company.lower().replace(" ", "") + ".example.com",
                company_obj=Company(
                    company_name=company, country_code=code, employee_count=rng.randint(5, 20_000)
                ),
                location="Remote" if remote and rng.random() < 0.4 else city,
                remote=remote,
                hybrid=not remote and rng.random() < 0.3,
                min_salary=float(low) if low is not None else None,
                max_salary=float(high) if high is not None else None,
                currency="USD" if code == "US" else "EUR",
                country=country,
                country_code=code,
                seniority=level,
                employment_status=("full_time",),
                description=" ".join(rng.sample(SENTENCES, 4)) + f" Stack: {', '.join(slugs)}.",
                key_info=tuple(rng.sample(SENTENCES, 2)),
                technologies=tuple(
                    Technology(technology_slug=s, technology_name=s.title()) for s in slugs
                ),
                hiring_team=(HiringMember(name="Alex Doe", title="Engineering Manager"),),
                features=JobFeatures(
                    skills=frozenset(slugs),
                    title_tokens=frozenset(role.lower().split()),
                    seniority_rank=LEVELS.index((level, prefix)),
                    min_years=rng.randint(0, 8),
                ),
            )
        )
    return postings


def list_filters(runs: int, seed: int = SEED) -> list[JobFilter]:
    """Varied filters: single ones and the combinations a job board sends."""
    rng = random.Random(seed + 1)
    codes = [code for _, _, code in PLACES]
    levels = [level for level, _ in LEVELS]

    def one() -> JobFilter:
        kind = rng.randrange(9)
        if kind == 0:
            return JobFilter(country_code=rng.choice(codes))
        if kind == 1:
            return JobFilter(remote=rng.random() < 0.5)
        if kind == 2:
            return JobFilter(technology=rng.choice(TECHS))
        if kind == 3:
            return JobFilter(min_salary=float(rng.randrange(40_000, 200_000, 10_000)))
        if kind == 4:
            return JobFilter(seniority=rng.choice(levels).upper())
        if kind == 5:
            return JobFilter(country_code=rng.choice(codes), remote=True)
        if kind == 6:
            return JobFilter(technology=rng.choice(TECHS[:15]), country_code=rng.choice(codes))
        if kind == 7:
            return JobFilter(
                seniority=rng.choice(levels),
                min_salary=float(rng.randrange(50_000, 150_000, 10_000)),
            )
        return JobFilter()

    return [one() for _ in range(runs)]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def import_postings(
    db: SqlDatabase, postings: Sequence[Job], batch: int, per_unit: int = 0
) -> float:
    """Seconds to store every posting through the job repository's bulk load, ``batch``
    per ``add``, ``per_unit`` per unit of work (0: all in one, as ``skael jobs import``
    stores an export). The postings carry their features already: each goes in as a
    ``PreparedJob`` with its sameness key, computed before the clock starts."""
    per_unit = per_unit or len(postings)
    ready = [PreparedJob(job, sameness_key(job)) for job in postings]
    started = time.perf_counter()
    for unit_start in range(0, len(ready), per_unit):
        unit = ready[unit_start : unit_start + per_unit]
        async with db.unit_of_work() as uow:
            async with uow.jobs.bulk_load() as load:
                for start in range(0, len(unit), batch):
                    await load.add(unit[start : start + batch])
            await uow.commit()
    return time.perf_counter() - started


async def time_lists(
    db: SqlDatabase, filters: Sequence[JobFilter]
) -> tuple[list[float], list[float]]:
    """Milliseconds of each ``jobs.list`` call, and of each whole unit of work around one."""
    calls, units = [], []
    for f in filters[:20]:  # warm the pool and the statement cache
        async with db.unit_of_work() as uow:
            await uow.jobs.list(f, 0, 50)
    for f in filters:
        unit_started = time.perf_counter()
        async with db.unit_of_work() as uow:
            call_started = time.perf_counter()
            page = await uow.jobs.list(f, 0, 50)
            calls.append((time.perf_counter() - call_started) * 1000)
        units.append((time.perf_counter() - unit_started) * 1000)
        # no total: more matches than the repository counts, so a full page
        assert len(page.items) == (50 if page.total is None else min(50, page.total))
    return calls, units


async def settle(db: SqlDatabase) -> None:
    """Refresh planner statistics as a running server would by itself (autovacuum on
    PostgreSQL, ``PRAGMA optimize`` on SQLite); a bulk load leaves none behind."""
    async with db.engine.connect() as connection:
        if db.dialect == "postgresql":
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.exec_driver_sql("VACUUM ANALYZE jobs, job_technologies")
        else:
            await connection.exec_driver_sql("PRAGMA optimize")
            await connection.commit()


def percentile(values: Sequence[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


async def bench(
    name: str,
    db: SqlDatabase,
    postings: Sequence[Job],
    filters: Sequence[JobFilter],
    batch: int,
    per_unit: int,
) -> dict[str, float]:
    seconds = await import_postings(db, postings, batch, per_unit)
    rate = len(postings) / seconds
    rss = peak_rss_mb()
    async with db.unit_of_work() as uow:
        assert await uow.jobs.count() == len(postings)
    reimport = await import_postings(db, postings[:10_000], batch, per_unit)
    await settle(db)
    calls, units = await time_lists(db, filters)
    result = {
        "import_per_s": rate,
        "import_s": seconds,
        "reimport_per_s": min(10_000, len(postings)) / reimport,
        "peak_rss_mb": rss,
        "list_p50_ms": percentile(calls, 50),
        "list_p95_ms": percentile(calls, 95),
        "list_max_ms": max(calls),
        "uow_list_p50_ms": percentile(units, 50),
        "uow_list_p95_ms": percentile(units, 95),
    }
    verdict = (
        f"import {'OK' if rate >= GOAL_IMPORT_PER_S else 'MISSED'}, "
        f"list {'OK' if result['list_p95_ms'] < GOAL_LIST_P95_MS else 'MISSED'}"
    )
    print(
        f"{name:>10}: import {len(postings):,} in {seconds:.2f} s = {rate:,.0f} postings/s "
        f"(re-import of known postings {result['reimport_per_s']:,.0f}/s), peak RSS {rss:.0f} MB\n"
        f"{'':>10}  list(…, 0, 50) over {len(filters)} runs: p50 {result['list_p50_ms']:.2f} ms, "
        f"p95 {result['list_p95_ms']:.2f} ms, max {result['list_max_ms']:.2f} ms; "
        f"with its unit of work p50 {result['uow_list_p50_ms']:.2f} ms, "
        f"p95 {result['uow_list_p95_ms']:.2f} ms  [{verdict}]"
    )
    return result


DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=400)
    parser.add_argument("--batch", type=int, default=5_000, help="postings per bulk-load add")
    parser.add_argument(
        "--per-unit",
        type=int,
        default=0,
        help="postings per unit of work (default 0: the whole import in one, as skael jobs"
        " import does; 5000 was this script's earlier way)",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("SKAEL_TEST_POSTGRES_URL") or DEFAULT_POSTGRES,
        help="the PostgreSQL server to run on too (a schema of its own, dropped after)",
    )
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--sqlite-file", type=Path, help="keep the SQLite database here")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()

    started = time.perf_counter()
    postings = make_postings(args.jobs)
    filters = list_filters(args.runs)
    print(
        f"generated {len(postings):,} postings in {time.perf_counter() - started:.1f} s, "
        f"RSS {peak_rss_mb():.0f} MB"
    )

    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            path = args.sqlite_file or Path(folder) / "bench.db"
            path.unlink(missing_ok=True)
            url = f"sqlite+aiosqlite:///{path}"
            await upgrade(url)
            db = SqlDatabase.from_url(url)
            try:
                await bench("sqlite", db, postings, filters, args.batch, args.per_unit)
            finally:
                await db.dispose()

    if not args.skip_postgres:
        async with isolated_postgres_schema(args.postgres, prefix="skael_bench") as schema:
            await upgrade(schema.url, **schema.engine_options)
            db = SqlDatabase.from_url(schema.url, **schema.engine_options)
            try:
                await bench("postgresql", db, postings, filters, args.batch, args.per_unit)
            finally:
                await db.dispose()


if __name__ == "__main__":
    asyncio.run(main())
