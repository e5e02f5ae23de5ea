"""PostgreSQL: the statements one ``relevant_jobs`` request sends, counted on the wire.

Every round trip to the server costs the request a wait and both processes CPU, so the
ranked page comes in six statements, with no transaction or ping around them: the
token's revocation check, the user, what the user hides, the ranking index's catch-up,
the scored candidates and the page's jobs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import event

from skael_adapters.sql import SqlDatabase, migrate
from skael_adapters.sql.testing import isolated_postgres_schema
from skael_web.app import create_app
from support import server_url
from web.web_support import PASSWORD, build_world, sample_jobs

pytestmark = pytest.mark.postgres


@pytest.fixture
async def database() -> AsyncIterator[SqlDatabase]:
    async with isolated_postgres_schema(server_url("SKAEL_TEST_POSTGRES_URL")) as schema:
        await migrate.upgrade(schema.url, **schema.engine_options)
        db = SqlDatabase.from_url(schema.url, **schema.engine_options)
        async with db.unit_of_work() as uow:
            await uow.jobs.upsert_many(sample_jobs())
            await uow.commit()
        try:
            yield db
        finally:
            await db.dispose()


def _log_transactions(db: SqlDatabase, sent: list[str]) -> None:
    """Log what each pooled connection sends outside prepared statements (BEGIN,
    COMMIT, ROLLBACK, pings) from its next checkout on."""
    logged: set[int] = set()

    def checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        raw = dbapi_connection.driver_connection
        if id(raw) not in logged:
            logged.add(id(raw))
            raw.add_query_logger(lambda record: sent.append(record.query))

    event.listen(db.engine.sync_engine, "checkout", checkout, insert=True)


def _log_statements(db: SqlDatabase, statements: list[str]) -> None:
    def statement(_conn: Any, _cursor: Any, text: str, *_args: Any) -> None:
        statements.append(" ".join(text.split())[:70])

    event.listen(db.engine.sync_engine, "before_cursor_execute", statement)


async def test_a_ranked_page_takes_six_statements_and_no_transaction(
    database: SqlDatabase,
) -> None:
    world = build_world(database, ranking_cache_ttl=0.0)  # every request ranks anew
    app = create_app(world.container)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.lifespan(),
        httpx.AsyncClient(transport=transport, base_url="http://skael") as client,
    ):
        body = {"user_name": "Ada", "email_id": "ada@example.com", "password": PASSWORD}
        body |= {"skills": "python, airflow", "desired_job_role": "Data Engineer"}
        answer = await client.post("/users/", json=body)
        assert answer.status_code == 201, answer.text
        headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}
        index = world.container.ranking_index()
        await index.stop()  # the load started in the background, done here instead
        await index.load()
        sent: list[str] = []
        statements: list[str] = []
        _log_transactions(database, sent)
        _log_statements(database, statements)
        for _ in range(2):  # the first request may open and ping connections
            answer = await client.post("/jobs/relevant_jobs", json={}, headers=headers)
            assert answer.status_code == 200, answer.text
            await asyncio.sleep(0.05)  # asyncpg calls its query loggers soon after
            sent.clear()
            statements.clear()
        answer = await client.post("/jobs/relevant_jobs", json={}, headers=headers)
        await asyncio.sleep(0.05)
    assert answer.status_code == 200 and answer.json()["jobs"]
    assert len(statements) == 6, statements
    assert sent == []  # no BEGIN, ROLLBACK or ping
