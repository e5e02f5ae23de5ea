"""A PostgreSQL bulk load into a table its own transaction filled: the lookups of each
write reach their rows through the indexes (the planner has no statistics counting
those rows), and the load leaves the transaction's settings as it found them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import msgspec
import pytest
import sqlalchemy as sa

from adapters.sql.sql_support import SqlTarget, posting
from skael_adapters.sql import SqlDatabase, upgrade
from skael_core.model import PreparedJob
from skael_core.sameness import sameness_key

pytestmark = pytest.mark.postgres

_SCANS = sa.text(
    "SELECT relname, seq_scan FROM pg_stat_xact_user_tables"
    " WHERE relname IN ('jobs', 'job_technologies') ORDER BY relname"
)


@pytest.fixture
async def pg_database(postgres_target: SqlTarget) -> AsyncIterator[SqlDatabase]:
    await upgrade(postgres_target.url, **postgres_target.engine_options)
    db = SqlDatabase.from_url(postgres_target.url, **postgres_target.engine_options)
    try:
        yield db
    finally:
        await db.dispose()


def _prepared(first: int, last: int, source: str = "sample") -> list[PreparedJob]:
    jobs = [posting(n, source=source) for n in range(first, last + 1)]
    return [PreparedJob(job, sameness_key(job)) for job in jobs]


async def test_a_load_never_scans_the_jobs_it_wrote_to_find_known_and_same_ones(
    pg_database: SqlDatabase,
) -> None:
    # other postings of the same source and with the keys of stored jobs: each write
    # looks up their own keys (none stored) and the stored jobs of their sameness keys
    repeats = [
        PreparedJob(job, sameness_key(job))
        for job in (msgspec.structs.replace(posting(n), source_id=10_000 + n) for n in range(1000))
    ]
    async with pg_database.unit_of_work() as uow:
        async with uow.jobs.bulk_load() as load:
            await load.add(_prepared(1, 3000))
            await load.add(_prepared(3001, 3500) + repeats)
        scans = dict((await uow.connection.execute(_SCANS)).all())
        report = load.report
        await uow.commit()
    assert scans == {"jobs": 0, "job_technologies": 0}
    assert (report.new, report.updated, report.merged) == (4500, 0, 0)


@pytest.mark.parametrize("jit", ["on", "off"])
async def test_a_load_leaves_the_jit_setting_as_it_found_it(
    pg_database: SqlDatabase, jit: str
) -> None:
    async with pg_database.unit_of_work() as uow:
        await uow.connection.execute(sa.text(f"SET LOCAL jit = {jit}"))
        async with uow.jobs.bulk_load() as load:
            await load.add(_prepared(1, 50))
        after = (await uow.connection.execute(sa.text("SELECT current_setting('jit')"))).scalar()
        await uow.commit()
    assert after == jit
