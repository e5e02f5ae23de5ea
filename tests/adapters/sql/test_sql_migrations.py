"""Migrations go up, down to nothing and up again, and match the tables the code uses."""

from __future__ import annotations

import asyncio
import warnings
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from adapters.sql.sql_support import SqlTarget
from contract.contract_builders import job, stored_jobs
from skael_adapters.sql import SqlDatabase, migrate
from skael_adapters.sql.tables import include_object, metadata
from skael_core.model import JobFilter

TABLES = {table.name for table in metadata.sorted_tables}


def _tables(connection: sa.Connection) -> set[str]:
    return set(sa.inspect(connection).get_table_names()) - {"alembic_version"}


def _differences(connection: sa.Connection) -> list[object]:
    context = MigrationContext.configure(
        connection,
        opts={"compare_type": True, "include_object": include_object(connection.dialect.name)},
    )
    with warnings.catch_warnings():
        # SQLite cannot reflect the PostgreSQL-only expression indexes: not a difference.
        warnings.simplefilter("ignore", UserWarning)
        return list(compare_metadata(context, metadata))


async def _on(target: SqlTarget, work):  # type: ignore[no-untyped-def]
    return await migrate.run_on(target.url, work, **target.engine_options)


async def test_up_down_to_base_and_up_again(sql_target: SqlTarget) -> None:
    options = sql_target.engine_options
    assert await migrate.current(sql_target.url, **options) is None
    assert await _on(sql_target, _tables) == set()

    await migrate.upgrade(sql_target.url, **options)
    assert await migrate.current(sql_target.url, **options) == migrate.head()
    assert await migrate.is_current(sql_target.url, **options)
    assert await _on(sql_target, _tables) == TABLES

    await migrate.downgrade(sql_target.url, "base", **options)
    assert await migrate.current(sql_target.url, **options) is None
    assert not await migrate.is_current(sql_target.url, **options)
    assert await _on(sql_target, _tables) == set()

    await migrate.upgrade(sql_target.url, **options)
    assert await _on(sql_target, _tables) == TABLES
    assert await _on(sql_target, _differences) == []


async def test_the_migrated_schema_is_the_schema_of_the_code(sql_target: SqlTarget) -> None:
    await migrate.upgrade(sql_target.url, **sql_target.engine_options)
    assert await _on(sql_target, _differences) == []


async def test_ensure_schema_creates_then_leaves_alone(sql_target: SqlTarget) -> None:
    db = SqlDatabase.from_url(sql_target.url, **sql_target.engine_options)
    try:
        await db.ensure_schema()
        async with db.unit_of_work() as uow:
            await uow.jobs.upsert_many([])
            assert await uow.jobs.count() == 0
        await db.ensure_schema()
        assert await migrate.is_current(db.engine)
    finally:
        await db.dispose()


async def test_ensure_schema_refuses_an_unknown_revision(sql_target: SqlTarget) -> None:
    options = sql_target.engine_options
    await migrate.upgrade(sql_target.url, **options)

    def stamp(connection: sa.Connection) -> None:
        with connection.begin():
            connection.execute(
                sa.text("UPDATE alembic_version SET version_num = 'from_the_future'")
            )

    await _on(sql_target, stamp)
    with pytest.raises(migrate.MigrationError, match="from_the_future"):
        await migrate.ensure_schema(sql_target.url, **options)


async def test_a_new_sqlite_file_in_a_new_folder(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'nested' / 'folder' / 'skael.db'}"
    assert not (tmp_path / "nested").exists()
    await migrate.ensure_schema(url)
    assert await migrate.current(url) == migrate.head()
    assert await migrate.is_current(url)


def test_the_migrations_run_from_synchronous_code(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'skael.db'}"
    asyncio.run(migrate.upgrade(url))
    assert asyncio.run(migrate.is_current(url))


DESCRIPTIONS = {
    1: "We build things with PYTHON.",  # capitals in ASCII only: no copy kept
    2: "Ein Team in ZÜRICH.",  # a capital outside ASCII: the copy is kept
    3: "Un café à Paris.",  # no capital outside ASCII: no copy kept
}


async def test_0002_keeps_the_description_copy_only_where_lower_needs_it(
    sql_target: SqlTarget,
) -> None:
    options = sql_target.engine_options
    await migrate.upgrade(sql_target.url, **options)
    db = SqlDatabase.from_url(sql_target.url, **options)
    try:
        await stored_jobs(
            db.unit_of_work, *(job(n, description=text) for n, text in DESCRIPTIONS.items())
        )

        def copies(connection: sa.Connection) -> dict[int, str | None]:
            rows = connection.execute(sa.text("SELECT source_id, description_lc FROM jobs"))
            return {int(source_id): copy for source_id, copy in rows}

        kept = {2: "ein team in zürich."}
        assert await _on(sql_target, copies) == {1: None, 3: None, **kept}
        await migrate.downgrade(sql_target.url, "0001", **options)
        everything = {n: text.lower() for n, text in DESCRIPTIONS.items()}
        assert await _on(sql_target, copies) == everything
        await migrate.upgrade(sql_target.url, **options)
        # PostgreSQL's lower() folds Ü too: there the migration keeps no copy at all
        kept = {} if sql_target.name == "postgres" else kept
        assert await _on(sql_target, copies) == {1: None, 2: None, 3: None, **kept}

        for needle, expected in [("python", "1"), ("zürich", "2"), ("CAFÉ À", "3")]:
            async with db.unit_of_work(read_only=True) as uow:
                page = await uow.jobs.list(JobFilter(q=needle.lower()), 0, 10)
            assert [str(j.source_id) for j in page.items] == [expected], needle
    finally:
        await db.dispose()


async def test_an_unknown_or_backward_revision_is_a_migration_error(sql_target: SqlTarget) -> None:
    options = sql_target.engine_options
    known = ", ".join(migrate.revisions())
    with pytest.raises(migrate.MigrationError, match=f"the revisions are base, {known}, head"):
        await migrate.upgrade(sql_target.url, "nosuchrev", **options)
    *_, before, newest = migrate.revisions()
    await migrate.upgrade(sql_target.url, before, **options)
    with pytest.raises(migrate.MigrationError, match=f"Destination {newest} is not a valid"):
        await migrate.downgrade(sql_target.url, newest, **options)
    assert await migrate.current(sql_target.url, **options) == before


def _same_key_index(connection: sa.Connection) -> str:
    """How the database defines the index on ``jobs.same_key``."""
    if connection.dialect.name == "sqlite":
        found = "SELECT sql FROM sqlite_master WHERE name = 'ix_jobs_same_key'"
    else:
        found = (
            "SELECT indexdef FROM pg_indexes"
            " WHERE schemaname = current_schema() AND indexname = 'ix_jobs_same_key'"
        )
    return str(connection.execute(sa.text(found)).scalar_one())


async def test_0013_keeps_sameness_keys_in_a_hash_index_on_postgresql(
    sql_target: SqlTarget,
) -> None:
    options = sql_target.engine_options
    await migrate.upgrade(sql_target.url, "0012", **options)
    assert "USING hash" not in await _on(sql_target, _same_key_index)
    await migrate.upgrade(sql_target.url, "0013", **options)
    defined = await _on(sql_target, _same_key_index)
    assert ("USING hash" in defined) == (sql_target.name == "postgres")
    assert "same_key" in defined
    await migrate.downgrade(sql_target.url, "0012", **options)
    defined = await _on(sql_target, _same_key_index)
    assert "USING hash" not in defined
    assert "same_key" in defined


async def test_0013_technology_rows_go_with_their_job_without_a_foreign_key(
    sql_target: SqlTarget, database: SqlDatabase
) -> None:
    options, db = sql_target.engine_options, database
    await stored_jobs(db.unit_of_work, job(1), job(2), job(3))

    def references(connection: sa.Connection) -> list[object]:
        return list(sa.inspect(connection).get_foreign_keys("job_technologies"))

    def technologies_by_job(connection: sa.Connection) -> dict[int, int]:
        rows = connection.execute(
            sa.text(
                "SELECT j.source_id, count(*) FROM job_technologies t"
                " JOIN jobs j ON j.id = t.job_id GROUP BY j.source_id"
            )
        )
        orphans = connection.execute(
            sa.text(
                "SELECT count(*) FROM job_technologies WHERE job_id NOT IN (SELECT id FROM jobs)"
            )
        ).scalar_one()
        assert orphans == 0
        return {int(source_id): count for source_id, count in rows}

    async def delete(*source_ids: int) -> None:
        jobs = metadata.tables["jobs"]
        async with db.engine.begin() as connection:  # as the application connects
            await connection.execute(sa.delete(jobs).where(jobs.c.source_id.in_(source_ids)))

    assert await _on(sql_target, references) == []
    counts = await _on(sql_target, technologies_by_job)
    assert set(counts) == {1, 2, 3} and all(counts.values())
    await delete(1, 3)
    assert await _on(sql_target, technologies_by_job) == {2: counts[2]}

    await migrate.downgrade(sql_target.url, "0012", **options)
    assert len(await _on(sql_target, references)) == 1
    await delete(2)
    assert await _on(sql_target, technologies_by_job) == {}
    await stored_jobs(db.unit_of_work, job(4))
    await migrate.upgrade(sql_target.url, **options)
    assert await _on(sql_target, technologies_by_job) == {4: counts[2]}
    await delete(4)
    assert await _on(sql_target, technologies_by_job) == {}
