"""Saved searches due at once: one worker runs them all against the loopback provider.

    python bench/bench_searches.py [--searches 1000] [--people 200] [--postings 20000]
                                   [--db sqlite|postgres URL] [--rounds 2]

Registers ``people`` people (skills and roles varied) with ``searches`` saved searches
between them on a fresh SQLite file (or the PostgreSQL URL given), points Theirstack at
the loopback stand-in (``tests/theirstack_fake.py`` in its ``search`` mode, serving
``postings`` postings made from its 60 by fresh ids and countries), and times
``RunDueSearches`` over every due search: wall time, credits spent (the ledger),
notifications stored and duplicated ((person, job) pairs told twice: must be 0), and
the process's peak memory. A second round one day later runs every search again (the
stored postings go along as ``job_id_not``).
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from dependency_injector import providers

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))

from skael_adapters.sql import SqlDatabase, migrate
from skael_adapters.sql.tables import notifications
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


def postings(base: list[dict[str, object]], count: int) -> list[dict[str, object]]:
    made = []
    for n in range(count):
        posting = copy.deepcopy(base[n % len(base)])
        posting["id"] = 10_000_000 + n
        posting["country_code"] = COUNTRIES[n % len(COUNTRIES)]
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


async def counts(database: SqlDatabase, day: datetime) -> tuple[int, int, int]:
    n = notifications
    pairs = sa.select(n.c.user_id, n.c.job_id).group_by(n.c.user_id, n.c.job_id)
    twice = sa.select(sa.func.count()).select_from(pairs.having(sa.func.count() > 1).subquery())
    async with database.engine.connect() as connection:
        stored = (await connection.execute(sa.select(sa.func.count()).select_from(n))).scalar_one()
        duplicates = (await connection.execute(twice)).scalar_one()
    async with database.unit_of_work(read_only=True) as uow:
        spent = await uow.credits.spent(day.date(), ALL)
    return stored, duplicates, spent


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def main(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="skael-bench-searches-"))
    url = args.db or f"sqlite+aiosqlite:///{folder / 'skael.db'}"
    await migrate.upgrade(url)
    clock = FixedClock(datetime.now(UTC).replace(hour=6, minute=0, second=0, microsecond=0))
    with running_fake() as fake:
        fake.script = ["search"]
        fake.postings = postings(fake.postings, args.postings)
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
            for round_ in range(1, args.rounds + 1):
                requests_before = len(fake.requests)
                started = time.perf_counter()
                runs = await run_due(core, 100, lambda run: None)
                wall = time.perf_counter() - started
                stored, duplicates, spent = await counts(database, clock.now())
                statuses = {
                    s: sum(1 for r in runs if r.status == s) for s in {r.status for r in runs}
                }
                print(
                    f"round {round_}: {len(runs)} searches in {wall:.2f} s "
                    f"({1000 * wall / max(1, len(runs)):.1f} ms each), {statuses}, "
                    f"{len(fake.requests) - requests_before} provider requests, "
                    f"credits spent today {spent}, notifications stored {stored}, "
                    f"duplicates {duplicates}, peak memory {peak_mib():.0f} MiB"
                )
                assert duplicates == 0
                clock.advance(days=1)
        finally:
            await container.http_client().aclose()
            await database.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--searches", type=int, default=1000)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--postings", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--db", default=None, help="a database URL (default: a new SQLite file)")
    asyncio.run(main(parser.parse_args()))
