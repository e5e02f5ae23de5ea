"""Saved searches due at once: one worker runs them all against the loopback provider.

    python bench/bench_searches.py [--searches 1000] [--people 200] [--postings 20000]
                                   [--db sqlite|postgres URL] [--rounds 2]

Registers ``people`` people (skills and roles varied) with ``searches`` saved searches
between them on a fresh SQLite file (or the PostgreSQL URL given), points Theirstack at
the loopback stand-in (``tests/theirstack_fake.py`` in its ``search`` mode, serving
``postings`` postings made from its 60 by fresh ids, countries and discovery times, a
second apart), and times ``RunDueSearches`` over every due search: wall time and CPU
time, credits spent (the ledger), postings bought again (credits spent beyond the
postings the round stored: must be 0), notifications stored and duplicated ((person,
job) pairs told twice: must be 0), and the process's peak memory. A second round one
day later runs every search again, each from its watermark (``discovered_until``),
after ``--fresh`` new postings (default 2,000) appear at the provider.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from dependency_injector import providers

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))

from skael_adapters.sql import SqlDatabase, migrate
from skael_adapters.sql.tables import job_sources, jobs, notifications
from skael_adapters.system import FixedClock
from skael_core.service import Skael
from skael_core.usecases.accounts import ProfileChanges
from skael_core.usecases.discovery import SearchRequest
from skael_core.usecases.scheduling import ALL
from skael_web.container import build_container
from skael_web.settings import Settings
from skael_web.worker import run_due
from support import fast_hasher
from theirstack_fake import API_KEY, running_fake

COUNTRIES = ("GB", "US", "CA", "BR", "DE", "IN", "SG")
ROLES = ("Backend Engineer", "Data Engineer", "Frontend Developer", "Nurse", "Accountant")
SKILLS = (("python", "sql"), ("react", "typescript"), ("java", "aws"), ("excel",), ("go",))


def postings(
    base: list[dict[str, object]], count: int, newest: datetime, first: int = 0
) -> list[dict[str, object]]:
    """``count`` postings, newest first, each discovered a second before the one before."""
    made = []
    for n in range(first, first + count):
        posting = copy.deepcopy(base[n % len(base)])
        posting["id"] = 10_000_000 + n
        posting["country_code"] = COUNTRIES[n % len(COUNTRIES)]
        moment = newest - timedelta(seconds=n - first)
        posting["discovered_at"] = moment.strftime("%Y-%m-%dT%H:%M:%S")
        made.append(posting)
    return made


async def prepare(core: Skael, people: int, searches: int) -> None:
    users = []
    for n in range(people):
        changes = ProfileChanges(
            email=f"person{n}@example.com",
            user_name=f"Person {n}",
            desired_job_role=ROLES[n % len(ROLES)],
            skills=SKILLS[n % len(SKILLS)],
            experience=n % 12,
        )
        users.append((await core.register.execute("correct horse battery", changes)).user_id)
    for n in range(searches):
        request = SearchRequest(
            country_code=COUNTRIES[n % len(COUNTRIES)],
            min_score=(n * 7) % 60,
            frequency="daily",
        )
        await core.create_search.execute(users[n % people], None, request)


async def counts(database: SqlDatabase, day: datetime) -> tuple[int, int, int, int]:
    """Notifications stored, (person, job) pairs told twice, credits spent that day, and
    provider postings stored (jobs of their own and postings merged into one)."""
    n = notifications
    pairs = sa.select(n.c.user_id, n.c.job_id).group_by(n.c.user_id, n.c.job_id)
    twice = sa.select(sa.func.count()).select_from(pairs.having(sa.func.count() > 1).subquery())
    count = sa.select(sa.func.count())
    async with database.engine.connect() as connection:
        stored = (await connection.execute(count.select_from(n))).scalar_one()
        duplicates = (await connection.execute(twice)).scalar_one()
        kept = (await connection.execute(count.select_from(jobs))).scalar_one()
        kept += (await connection.execute(count.select_from(job_sources))).scalar_one()
    async with database.unit_of_work(read_only=True) as uow:
        spent = await uow.credits.spent(day.date(), ALL)
    return stored, duplicates, spent, kept


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def main(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="skael-bench-searches-"))
    url = args.db or f"sqlite+aiosqlite:///{folder / 'skael.db'}"
    await migrate.upgrade(url)
    clock = FixedClock(datetime.now(UTC).replace(hour=6, minute=0, second=0, microsecond=0))
    with running_fake() as fake:
        fake.script = ["search"]
        base = fake.postings
        fake.postings = postings(base, args.postings, clock.now() - timedelta(minutes=1))
        settings = Settings(
            database_url=url,
            secret_key="bench-secret-" + "z" * 40,
            data_dir=str(folder / "data"),
            theirstack_api_key=API_KEY,
            theirstack_url=fake.url,
            seed_sample=False,
            credit_budget_daily=10_000_000,
            credit_budget_per_person=1_000_000,
            search_fetch_limit=25,
        )
        container = build_container(settings)
        container.clock.override(providers.Object(clock))
        container.hasher.override(providers.Object(fast_hasher()))
        core = container.core()
        database: SqlDatabase = container.database()
        try:
            started = time.perf_counter()
            await prepare(core, args.people, args.searches)
            print(
                f"prepared {args.people} people, {args.searches} searches "
                f"in {time.perf_counter() - started:.1f} s"
            )
            kept_before = 0
            for round_ in range(1, args.rounds + 1):
                requests_before = len(fake.requests)
                started, cpu = time.perf_counter(), cpu_seconds()
                runs = await run_due(core, 100, lambda run: None)
                wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu
                stored, duplicates, spent, kept = await counts(database, clock.now())
                spent_round = sum(r.credits_used for r in runs)
                again = spent_round - (kept - kept_before)
                statuses = {
                    s: sum(1 for r in runs if r.status == s) for s in {r.status for r in runs}
                }
                print(
                    f"round {round_}: {len(runs)} searches in {wall:.2f} s "
                    f"({1000 * wall / max(1, len(runs)):.1f} ms each, "
                    f"{1000 * cpu / max(1, len(runs)):.1f} ms CPU each), {statuses}, "
                    f"{len(fake.requests) - requests_before} provider requests, "
                    f"credits spent {spent_round} (today {spent}), "
                    f"postings stored {kept - kept_before}, bought again {again}, "
                    f"notifications stored {stored}, duplicates {duplicates}, "
                    f"peak memory {peak_mib():.0f} MiB"
                )
                assert duplicates == 0 and again == 0
                kept_before = kept
                clock.advance(days=1)
                newest = clock.now() - timedelta(minutes=1)
                first = args.postings + (round_ - 1) * args.fresh
                fake.postings[:0] = postings(base, args.fresh, newest, first)
        finally:
            await container.http_client().aclose()
            await database.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--searches", type=int, default=1000)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--postings", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--fresh", type=int, default=2000, help="new postings between rounds")
    parser.add_argument("--db", default=None, help="a database URL (default: a new SQLite file)")
    asyncio.run(main(parser.parse_args()))
