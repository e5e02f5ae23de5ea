"""Work on stored rows that follows a migration, in batches of their own.

A migration runs in one transaction; a change to every row of a large table does not
belong in it (a million jobs would sit in one transaction, holding their locks and
the old versions of every row until the end). Such work is recorded by the migration
in ``maintenance`` (a task, the ids done, the ids to do) and done here, after it, a
range of ids per transaction, each recording its progress: stopped half way, the next
start goes on from there. :func:`skael_adapters.sql.migrate.upgrade` and
``ensure_schema`` run it, so every path that migrates a database finishes it.

The one task so far: ``jobs.same_key``, the sameness key of the jobs stored before
revision 0010 (:func:`skael_core.sameness.key_of` of their company, title, location,
remote flag and country columns), so that later postings of those jobs merge into
them. Two processes running it at once write the same keys; each range is recorded
done once.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from skael_core.sameness import key_of

from .tables import jobs, maintenance

log = logging.getLogger("skael.maintenance")

SAME_KEY_TASK = "jobs.same_key"
BATCH_SIZE = 2000
"""Job ids per transaction of the backfill."""

_KEYLESS = sa.select(
    jobs.c.id, jobs.c.company, jobs.c.job_title, jobs.c.location, jobs.c.remote, jobs.c.country_code
)
_SET_KEY = (
    sa.update(jobs)
    .where(jobs.c.id == sa.bindparam("job_id"), jobs.c.same_key.is_(None))
    .values(same_key=sa.bindparam("key"))
)


async def pending(engine: AsyncEngine) -> bool:
    """Whether a task is left to do (False on a schema without the table)."""
    async with engine.connect() as connection:
        if not await connection.run_sync(lambda c: sa.inspect(c).has_table("maintenance")):
            return False
        m = maintenance
        query = sa.select(sa.func.count()).select_from(m).where(m.c.done_to < m.c.up_to)
        return bool((await connection.execute(query)).scalar_one())


async def same_keys(engine: AsyncEngine, batch_size: int = BATCH_SIZE) -> int:
    """Give every job of the task's range its sameness key, ``batch_size`` ids per
    transaction; how many jobs got one."""
    if not await pending(engine):
        return 0
    m, total = maintenance, 0
    while True:
        async with engine.begin() as connection:
            task = sa.select(m.c.done_to, m.c.up_to).where(m.c.task == SAME_KEY_TASK)
            row = (await connection.execute(task)).first()
            if row is None or row.done_to >= row.up_to:
                break
            upper = min(row.done_to + max(1, batch_size), row.up_to)
            found = await connection.execute(
                _KEYLESS.where(
                    jobs.c.id > row.done_to, jobs.c.id <= upper, jobs.c.same_key.is_(None)
                )
            )
            keys = [
                {"job_id": job_id, "key": key}
                for job_id, company, title, location, remote, country in found
                if (key := key_of(company, title, location, remote, country)) is not None
            ]
            if keys:
                await connection.execute(_SET_KEY, keys)
            await connection.execute(
                sa.update(m)
                .where(m.c.task == SAME_KEY_TASK, m.c.done_to == row.done_to)
                .values(done_to=upper)
            )
            total += len(keys)
    if total:
        log.info("gave %d jobs stored before revision 0010 their sameness key", total)
    return total
