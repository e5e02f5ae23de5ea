"""Where a PostgreSQL bulk load's time goes: wall time, this process's CPU, the CPU of
the server process that ran the load, and each statement's time.

    python bench/bench_sql_load.py [--jobs 100000] [--batch 5000] [--postgres URL]
                                   [--statements | --server-statements] [--drop INDEX ...]

Stores ``--jobs`` of ``bench_sql.py``'s postings through ``bench_sql.import_postings``
(the job repository's bulk load, one unit of work) into a new schema of the database at
``--postgres`` (else ``SKAEL_TEST_POSTGRES_URL``, else the local server), dropped
afterwards. The server's CPU is read from ``/proc`` for ``pg_backend_pid()``, so it is
reported only when the server runs on this machine. ``--statements`` times each
statement through SQLAlchemy's cursor events (the first and last ten of each kind
tell whether its cost grows with the table), ``--server-statements`` the server
process's CPU in each (same machine only); ``--drop`` drops an index of the new
schema before the load, to see what it costs. CPU compares on a busy machine where
wall time does not.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench_sql import DEFAULT_POSTGRES, import_postings, make_postings
from sqlalchemy import event

from skael_adapters.sql import SqlDatabase, upgrade
from skael_adapters.sql.testing import isolated_postgres_schema

_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float | None:
    """User + system seconds of process ``pid`` on this machine (None: not here)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return None
    return (int(fields[11]) + int(fields[12])) / _TICKS


def kind_of(statement: str) -> str:
    """The statement with its lists of parameters folded, cut to a line."""
    folded = re.sub(r"\((?:\$\d+(?:::\w+)?(?:, )?)+\)", "(...)", " ".join(statement.split()))
    return folded[:80]


def server_cpu_statements(db: SqlDatabase, backend: int) -> dict[str, list[float]]:
    """Seconds of the server's CPU (``backend``'s, from ``/proc``) in every statement
    ``db`` runs from now on, by kind: the rest of the load's server CPU went to what
    bypasses SQLAlchemy (the technology rows' ``COPY``)."""
    seconds: dict[str, list[float]] = defaultdict(list)
    engine = db.engine.sync_engine

    @event.listens_for(engine, "before_cursor_execute")
    def started(conn: Any, _cursor: Any, _statement: str, *_args: Any) -> None:
        conn.info["cpu"] = process_cpu(backend) or 0.0

    @event.listens_for(engine, "after_cursor_execute")
    def ended(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seconds[kind_of(statement)].append((process_cpu(backend) or 0.0) - conn.info["cpu"])

    return seconds


def time_statements(db: SqlDatabase) -> dict[str, list[float]]:
    """Seconds of every statement ``db`` runs from now on, by kind."""
    seconds: dict[str, list[float]] = defaultdict(list)
    engine = db.engine.sync_engine

    @event.listens_for(engine, "before_cursor_execute")
    def started(conn: Any, _cursor: Any, _statement: str, *_args: Any) -> None:
        conn.info["started"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def ended(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seconds[kind_of(statement)].append(time.perf_counter() - conn.info["started"])

    return seconds


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=5_000, help="postings per bulk-load add")
    parser.add_argument(
        "--postgres", default=os.environ.get("SKAEL_TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    )
    parser.add_argument("--statements", action="store_true")
    parser.add_argument(
        "--server-statements", action="store_true", help="the server's CPU in each statement"
    )
    parser.add_argument("--drop", action="append", default=[], help="drop this index first")
    args = parser.parse_args()
    postings = make_postings(args.jobs)
    async with isolated_postgres_schema(args.postgres, prefix="skael_load") as schema:
        await upgrade(schema.url, **schema.engine_options)
        db = SqlDatabase.from_url(schema.url, **schema.engine_options)
        try:
            async with db.engine.begin() as connection:
                for name in args.drop:
                    await connection.exec_driver_sql(f'DROP INDEX "{name}"')
                # the pool keeps this one connection for the load that follows
                backend = int(
                    (await connection.exec_driver_sql("SELECT pg_backend_pid()")).scalar()
                )
            seconds = time_statements(db) if args.statements else {}
            if args.server_statements:
                seconds = server_cpu_statements(db, backend)
            client, server = time.process_time(), process_cpu(backend)
            wall = await import_postings(db, postings, args.batch)
            client = time.process_time() - client
            server_end = process_cpu(backend)
            served = "" if server is None or server_end is None else f"{server_end - server:.2f} s"
            print(
                f"{args.jobs / wall:,.0f} postings/s, wall {wall:.2f} s, client CPU {client:.2f} s,"
                f" server CPU {served or 'not on this machine'},"
                f" 1-minute load {os.getloadavg()[0]:.2f}"
            )
            for kind, times in sorted(seconds.items(), key=lambda item: -sum(item[1])):
                first = 1000 * sum(times[:10]) / len(times[:10])
                last = 1000 * sum(times[-10:]) / len(times[-10:])
                print(
                    f"  {sum(times):7.2f} s {len(times):5d}x  first ten {first:6.1f} ms,"
                    f" last ten {last:6.1f} ms  {kind}"
                )
        finally:
            await db.dispose()


if __name__ == "__main__":
    asyncio.run(main())
