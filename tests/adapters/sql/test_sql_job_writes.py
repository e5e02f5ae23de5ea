"""How postings are written: ids as the database's own counter would give them, known
postings refreshed in place with their technologies, the bulk statements' limits, and
the list indexes a large SQLite import builds at its end."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import msgspec
import pytest
import sqlalchemy as sa

from adapters.sql.sql_support import SqlTarget, counting_statements, posting
from skael_adapters.memory import MemoryDatabase
from skael_adapters.sql import SqlDatabase, bulk, mapping, upgrade
from skael_adapters.sql.job_writes import ANALYZE_FROM, DEFER_INDEXES_FROM
from skael_adapters.sql.tables import job_technologies, jobs
from skael_core.model import JobFeatures, JobFilter, PreparedJob, Technology
from skael_core.sameness import sameness_key


async def _ids(db: SqlDatabase, *numbers: int) -> list[int]:
    async with db.unit_of_work() as uow:
        report = await uow.jobs.upsert_many([posting(n) for n in numbers])
        await uow.commit()
    return list(report.ids)


async def test_new_postings_get_increasing_ids_and_a_deleted_id_never_returns(
    database: SqlDatabase,
) -> None:
    first = await _ids(database, 1, 2, 3)
    assert first == sorted(first) and len(set(first)) == 3
    async with database.engine.begin() as connection:
        await connection.execute(sa.delete(jobs).where(jobs.c.id == first[-1]))
    (fourth,) = await _ids(database, 4)
    assert fourth > first[-1]
    # the posting deleted comes back as a new one, with an id of its own
    (again,) = await _ids(database, 3)
    assert again > fourth


async def test_sqlite_remembers_the_ids_given_as_its_own_counter_would(
    sqlite_target: SqlTarget,
) -> None:
    await upgrade(sqlite_target.url)
    db = SqlDatabase.from_url(sqlite_target.url)
    try:
        ids = await _ids(db, *range(1, 2501))  # three writes
        assert ids == list(range(ids[0], ids[0] + 2500))
        async with db.engine.connect() as connection:
            seq = await connection.exec_driver_sql(
                "SELECT seq FROM sqlite_sequence WHERE name = 'jobs'"
            )
            assert seq.scalar_one() == ids[-1]
            # a row the database numbers itself follows the ones given
            await connection.exec_driver_sql(
                "INSERT INTO jobs (rank_data, source, source_id, job_title, title_lc, "
                "is_remote, data) VALUES ('{}', 'raw', 1, 't', 't', 0, '{}')"
            )
            own = await connection.exec_driver_sql("SELECT max(id) FROM jobs")
            assert own.scalar_one() == ids[-1] + 1
            await connection.rollback()
    finally:
        await db.dispose()


async def test_a_batch_of_new_known_and_repeated_postings(database: SqlDatabase) -> None:
    old = await _ids(database, 1, 2)
    retitled = msgspec.structs.replace(
        posting(2),
        job_title="Staff Engineer 2",
        technologies=(Technology(technology_slug="elixir", technology_name="Elixir"),),
    )
    batch = [retitled, posting(3), posting(1), msgspec.structs.replace(posting(3), company="Last")]
    async with database.unit_of_work() as uow:
        report = await uow.jobs.upsert_many(batch)
        await uow.commit()
    assert (report.new, report.updated) == (1, 2)
    assert report.ids[0] == old[1] and report.ids[2] == old[0]
    assert report.ids[1] == report.ids[3] and report.ids[1] > max(old)
    async with database.unit_of_work() as uow:
        stored = {job.id: job for job in await uow.jobs.get_many(list(report.ids))}
        assert stored[old[1]].job_title == "Staff Engineer 2"
        assert stored[report.ids[1]].company == "Last"
        # the refreshed posting's technologies were replaced, not added to
        assert (await uow.jobs.list(JobFilter(technology="elixir"), 0, 5)).total == 1
        before = posting(2).technologies[0].technology_slug
        holding = await uow.jobs.list(JobFilter(technology=before), 0, 10)
        assert old[1] not in [job.id for job in holding.items]
    async with database.engine.connect() as connection:
        rows = await connection.execute(
            sa.select(job_technologies.c.slug).where(job_technologies.c.job_id == old[1])
        )
        assert rows.scalars().all() == ["elixir"]


async def test_a_refreshed_posting_keeps_its_technology_copies_in_step(
    database: SqlDatabase,
) -> None:
    (job_id,) = await _ids(database, 1)
    moved = msgspec.structs.replace(posting(1), country_code="ES", remote=True)
    async with database.unit_of_work() as uow:
        await uow.jobs.upsert_many([moved])
        await uow.commit()
    async with database.unit_of_work() as uow:
        slug = posting(1).technologies[0].technology_slug
        spain = await uow.jobs.list(
            JobFilter(technology=slug, country_code="ES", remote=True), 0, 5
        )
        assert [job.id for job in spain.items] == [job_id]
        france = await uow.jobs.list(JobFilter(technology=slug, country_code="FR"), 0, 5)
        assert france.total == 0


async def test_bulk_updates_set_the_columns_named(database: SqlDatabase) -> None:
    a, b = await _ids(database, 1, 2)
    async with database.engine.begin() as connection:
        await bulk.update_rows(
            connection, jobs, ["job_title", "title_lc"], [("One", "one", a), ("Two", "two", b)]
        )
        rows = await connection.execute(sa.select(jobs.c.id, jobs.c.job_title).order_by(jobs.c.id))
        assert rows.all() == [(a, "One"), (b, "Two")]


async def test_sqlite_bulk_inserts_return_nothing_and_say_so(sqlite_target: SqlTarget) -> None:
    db = SqlDatabase.from_url(sqlite_target.url)
    try:
        async with db.engine.connect() as connection:
            with pytest.raises(ValueError, match="RETURNING"):
                await bulk.insert_rows(connection, jobs, ["source"], [("x",)], returning=["id"])
    finally:
        await db.dispose()


def test_a_job_row_fills_every_column_but_the_id() -> None:
    # the id, the merged postings (merges only) and the revision (the load's) aside
    written = [c.name for c in jobs.c if c.name not in ("id", "also_posted", "revision")]
    assert sorted(mapping.JOB_ROW_NAMES) == sorted(written)
    values = mapping.job_row(posting(7), "key")
    assert len(values) == len(mapping.JOB_ROW_NAMES)
    row = dict(zip(mapping.JOB_ROW_NAMES, values, strict=True))
    assert row["source_id"] == 7 and row["title_lc"] == row["job_title"].lower()


async def test_features_come_from_the_ranking_document_even_where_data_repeats_them(
    database: SqlDatabase,
) -> None:
    features = JobFeatures(skills=frozenset({"python"}), title_tokens=frozenset({"engineer"}))
    job = msgspec.structs.replace(posting(1), features=features)
    async with database.unit_of_work() as uow:
        (job_id,) = (await uow.jobs.upsert_many([job])).ids
        await uow.commit()
    async with database.engine.begin() as connection:
        data = (await connection.execute(sa.select(jobs.c.data))).scalar_one()
        assert "features" not in msgspec.json.decode(data)
        # a row written before features left ``data`` holds them there too
        older = {**msgspec.json.decode(data), "features": {"skills": ["cobol"]}}
        await connection.execute(sa.update(jobs).values(data=msgspec.json.encode(older).decode()))
    async with database.unit_of_work() as uow:
        stored = await uow.jobs.get(job_id)
    assert stored == msgspec.structs.replace(job, id=job_id)


# ----------------------------------------------------------- list indexes built at the end

_SECONDARY = (
    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    " AND tbl_name IN ('jobs', 'job_technologies') ORDER BY name"
)


async def _indexes(db: SqlDatabase) -> list[tuple[str, str]]:
    async with db.engine.connect() as connection:
        return [tuple(row) for row in await connection.exec_driver_sql(_SECONDARY)]


@pytest.fixture
async def sqlite_database(sqlite_target: SqlTarget) -> AsyncIterator[SqlDatabase]:
    await upgrade(sqlite_target.url)
    db = SqlDatabase.from_url(sqlite_target.url)
    try:
        yield db
    finally:
        await db.dispose()


async def test_a_large_sqlite_import_builds_the_list_indexes_at_its_end(
    sqlite_database: SqlDatabase,
) -> None:
    db = sqlite_database
    schema = await _indexes(db)
    assert len(schema) == 11
    postings = [posting(n) for n in range(1, DEFER_INDEXES_FROM + 501)]
    ready = [PreparedJob(p, sameness_key(p)) for p in postings]
    memory = MemoryDatabase()
    for store in (db, memory):
        with counting_statements(db) as statements:
            async with store.unit_of_work() as uow:
                async with uow.jobs.bulk_load() as load:
                    for start in range(0, len(ready), 1000):
                        await load.add(ready[start : start + 1000])
                if store is db:
                    # the load built its indexes again as it ended; other connections
                    # saw every one of them all along, and no job yet
                    with contextlib.closing(sqlite3.connect(str(db.engine.url.database))) as other:
                        assert other.execute(_SECONDARY).fetchall() == schema
                        assert other.execute("SELECT count(*) FROM jobs").fetchone() == (0,)
                    mine = await uow.connection.exec_driver_sql(_SECONDARY)
                    assert mine.all() == schema
                await uow.commit()
        if store is db:
            assert len([s for s in statements if s.startswith("DROP INDEX")]) == 11
            assert len([s for s in statements if s.startswith("CREATE INDEX")]) == 11
    assert await _indexes(db) == schema  # the same indexes, built again
    async with db.engine.connect() as connection:
        check = await connection.exec_driver_sql("PRAGMA integrity_check")
        assert check.scalars().all() == ["ok"]
        plan = await connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM jobs WHERE country_code = 'FR'"
            " ORDER BY date_posted DESC, id DESC LIMIT 5"
        )
        assert "ix_jobs_country_code_date_posted_sqlite" in " ".join(map(str, plan.all()))
    filters = [
        JobFilter(country_code="FR"),
        JobFilter(technology="rust", remote=True),
        JobFilter(seniority="senior", min_salary=60000),
        JobFilter(company="company 3"),
    ]
    for f in filters:
        async with db.unit_of_work() as sql_uow, memory.unit_of_work() as memory_uow:
            stored = await sql_uow.jobs.list(f, 0, 50)
            expected = await memory_uow.jobs.list(f, 0, 50)
        assert stored.total == expected.total
        assert [j.source_id for j in stored.items] == [j.source_id for j in expected.items]


async def test_a_rolled_back_import_leaves_the_indexes_in_place(
    sqlite_database: SqlDatabase,
) -> None:
    db = sqlite_database
    schema = await _indexes(db)

    class Injected(Exception):
        pass

    with pytest.raises(Injected):
        async with db.unit_of_work() as uow:
            await uow.jobs.upsert_many([posting(n) for n in range(1, DEFER_INDEXES_FROM + 1)])
            raise Injected
    assert await _indexes(db) == schema
    async with db.unit_of_work() as uow:
        assert await uow.jobs.count() == 0
        # the unit of work starts afresh: a small write keeps the indexes as it goes
        with counting_statements(db) as statements:
            await uow.jobs.upsert_many([posting(1)])
            await uow.commit()
    assert not [s for s in statements if "INDEX" in s]


async def test_an_import_smaller_than_the_stored_jobs_keeps_the_indexes_as_it_goes(
    sqlite_database: SqlDatabase,
) -> None:
    db = sqlite_database
    first = [posting(n) for n in range(1, 3 * DEFER_INDEXES_FROM + 1)]
    async with db.unit_of_work() as uow:
        with counting_statements(db) as statements:
            await uow.jobs.upsert_many(first)
            await uow.commit()
    assert len([s for s in statements if s.startswith("DROP INDEX")]) == 11
    assert len([s for s in statements if s.startswith("CREATE INDEX")]) == 11
    # a second import, new and known postings, smaller than what is stored
    second = [posting(n) for n in range(2 * DEFER_INDEXES_FROM, 4 * DEFER_INDEXES_FROM)]
    with counting_statements(db) as statements:
        async with db.unit_of_work() as uow:
            report = await uow.jobs.upsert_many(second)
            await uow.commit()
    assert (report.new, report.updated) == (DEFER_INDEXES_FROM - 1, DEFER_INDEXES_FROM + 1)
    assert not [s for s in statements if "INDEX" in s]
    async with db.engine.connect() as connection:
        check = await connection.exec_driver_sql("PRAGMA integrity_check")
        assert check.scalars().all() == ["ok"]


async def test_postgres_keeps_its_indexes_through_a_large_import(
    postgres_target: SqlTarget,
) -> None:
    await upgrade(postgres_target.url, **postgres_target.engine_options)
    db = SqlDatabase.from_url(postgres_target.url, **postgres_target.engine_options)
    try:
        with counting_statements(db) as statements:
            async with db.unit_of_work() as uow:
                await uow.jobs.upsert_many([posting(n) for n in range(1, DEFER_INDEXES_FROM + 501)])
                await uow.commit()
        assert not [s for s in statements if "INDEX" in s]
    finally:
        await db.dispose()


_REVISION_STATISTICS = (
    "SELECT count(*) FROM pg_stats WHERE schemaname = current_schema()"
    " AND tablename = 'jobs' AND attname = 'revision'"
)


async def _has_statistics(db: SqlDatabase) -> bool:
    async with db.engine.connect() as connection:
        return bool((await connection.exec_driver_sql(_REVISION_STATISTICS)).scalar_one())


async def _load(db: SqlDatabase, numbers: range, *, commit: bool = True) -> None:
    async with db.unit_of_work() as uow:
        await uow.jobs.upsert_many([posting(n, techs=1) for n in numbers])
        if commit:
            await uow.commit()


async def test_a_large_postgres_load_gathers_the_planners_statistics_and_a_small_one_not(
    postgres_target: SqlTarget,
) -> None:
    await upgrade(postgres_target.url, **postgres_target.engine_options)
    db = SqlDatabase.from_url(postgres_target.url, **postgres_target.engine_options)
    try:
        await _load(db, range(1, ANALYZE_FROM))  # one short of the rule
        assert not await _has_statistics(db)
        await _load(db, range(1000, 1000 + ANALYZE_FROM + 10), commit=False)
        assert not await _has_statistics(db)  # rolled back with the load
        await _load(db, range(1000, 1100))
        assert await _has_statistics(db)
        async with db.engine.connect() as connection:
            rows = await connection.exec_driver_sql(
                "SELECT reltuples FROM pg_class WHERE oid = 'jobs'::regclass"
            )
            assert rows.scalar_one() == ANALYZE_FROM - 1 + 100
        # past that, a load gathers them again once it wrote a tenth of the table
        with counting_statements(db) as statements:
            await _load(db, range(5000, 5000 + ANALYZE_FROM + 5))
        assert not [s for s in statements if s.startswith("ANALYZE")]
    finally:
        await db.dispose()


async def test_postgres_loads_ending_together_do_not_wait_for_each_others_statistics(
    postgres_target: SqlTarget,
) -> None:
    await upgrade(postgres_target.url, **postgres_target.engine_options)
    db = SqlDatabase.from_url(postgres_target.url, **postgres_target.engine_options)
    try:
        async with db.unit_of_work() as first:
            await first.jobs.upsert_many([posting(n, techs=1) for n in range(1, 200)])
            # the first holds ANALYZE's lock until it ends; the second finishes meanwhile
            await asyncio.wait_for(_load(db, range(1000, 1200)), timeout=30)
            await first.commit()
        assert await _has_statistics(db)
    finally:
        await db.dispose()


async def test_sqlite_dates_are_stored_as_the_driver_would_store_them(
    sqlite_database: SqlDatabase,
) -> None:
    # the bulk path turns dates into text itself; a Core insert leaves it to the driver
    job = msgspec.structs.replace(
        posting(1), discovered_at=datetime(2025, 6, 1, 9, 30, 15, 250, tzinfo=UTC)
    )
    (job_id,) = await _ids(sqlite_database, 1)
    async with sqlite_database.unit_of_work() as uow:
        await uow.jobs.upsert_many([job])
        await uow.commit()
    row = dict(zip(mapping.JOB_ROW_NAMES, mapping.job_row(job, None), strict=True))
    async with sqlite_database.engine.connect() as connection:
        await connection.execute(sa.insert(jobs).values(id=job_id + 1, **{**row, "source_id": 2}))
        stored = await connection.exec_driver_sql(
            "SELECT date_posted, discovered_at, typeof(date_posted) FROM jobs ORDER BY id"
        )
        bulk_row, core_row = stored.all()
        assert bulk_row == core_row
        assert bulk_row == ("2025-05-31", "2025-06-01 09:30:15.000250", "text")
        copies = await connection.exec_driver_sql(
            "SELECT DISTINCT date_posted FROM job_technologies WHERE job_id = ?", (job_id,)
        )
        assert copies.scalars().all() == ["2025-05-31"]
        await connection.rollback()
