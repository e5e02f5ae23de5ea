"""Jobs stored before sameness keys were kept get theirs after migrating, in batches,
and later postings of those jobs merge into them (SQLite and PostgreSQL)."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sql.sql_support import SqlTarget
from contract.contract_builders import job, stored_jobs
from skael_adapters.sql import SqlDatabase, backfill, migrate
from skael_core.sameness import sameness_key


async def _keys(db: SqlDatabase) -> dict[int, str | None]:
    async with db.engine.connect() as connection:
        rows = await connection.execute(sa.text("SELECT source_id, same_key FROM jobs"))
        return {int(source_id): key for source_id, key in rows}


async def _forget_keys(db: SqlDatabase) -> None:
    """As jobs stored before revision 0010 are: no key."""
    async with db.engine.begin() as connection:
        await connection.execute(sa.text("UPDATE jobs SET same_key = NULL"))


async def test_old_jobs_get_their_key_on_upgrade_and_later_postings_merge(
    sql_target: SqlTarget,
) -> None:
    options = sql_target.engine_options
    await migrate.upgrade(sql_target.url, "0011", **options)
    db = SqlDatabase.from_url(sql_target.url, **options)
    try:
        old = [job(n) for n in range(1, 6)] + [job(6, company=None, company_obj=None)]
        ids = await stored_jobs(db.unit_of_work, *old)
        await _forget_keys(db)
        assert set((await _keys(db)).values()) == {None}

        await migrate.upgrade(sql_target.url, **options)
        keys = await _keys(db)
        assert keys == {j.source_id: sameness_key(j) for j in old}
        assert keys[1] == "acme|software engineer 1|paris/fr" and keys[6] is None
        assert not await backfill.pending(db.engine)

        again = job(3, source="board", url="https://board.example/3")  # the same job
        async with db.unit_of_work() as uow:
            report = await uow.jobs.upsert_many([again])
            await uow.commit()
        assert report.merged == 1 and report.ids == (ids[2],)
        async with db.unit_of_work(read_only=True) as uow:
            stored = await uow.jobs.get(ids[2])
            assert await uow.jobs.count() == 6
        assert stored is not None and [link.source for link in stored.also_posted] == ["board"]
    finally:
        await db.dispose()


async def test_the_backfill_goes_in_batches_and_resumes_where_it_stopped(
    sql_target: SqlTarget,
) -> None:
    options = sql_target.engine_options
    await migrate.upgrade(sql_target.url, **options)
    db = SqlDatabase.from_url(sql_target.url, **options)
    try:
        ids = await stored_jobs(db.unit_of_work, *(job(n) for n in range(1, 12)))
        await _forget_keys(db)
        async with db.engine.begin() as connection:  # as if stopped after the first four
            await connection.execute(
                sa.text("UPDATE maintenance SET done_to = :done, up_to = :up"),
                {"done": ids[3], "up": ids[-1]},
            )
        assert await backfill.pending(db.engine)
        assert await backfill.same_keys(db.engine, batch_size=3) == 7
        keys = await _keys(db)
        assert [keys[n] is None for n in range(1, 12)] == [True] * 4 + [False] * 7
        async with db.engine.connect() as connection:
            done = await connection.execute(sa.text("SELECT done_to, up_to FROM maintenance"))
            assert done.one() == (ids[-1], ids[-1])
        assert await backfill.same_keys(db.engine) == 0  # done: nothing more
        await migrate.ensure_schema(sql_target.url, **options)  # at head: nothing to do
        assert sum(key is None for key in (await _keys(db)).values()) == 4
    finally:
        await db.dispose()
