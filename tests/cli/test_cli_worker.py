"""`skael worker --once` on a SQLite file against the loopback Theirstack (issue 19, 3)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from cli.test_cli import run
from skael_adapters.sql import SqlDatabase, migrate
from skael_core.model import JobFilter
from skael_core.usecases.discovery import SearchRequest
from skael_core.usecases.scheduling import ALL
from support import cli_env, make_core, register
from theirstack_fake import API_KEY, running_fake


async def _prepare(url: str) -> int:
    await migrate.ensure_schema(url)
    database = SqlDatabase.from_url(url)
    try:
        core = make_core(database.unit_of_work)
        ada = await register(core, skills=["python", "sql"], desired_job_role="Data Engineer")
        request = SearchRequest(country_code="GB", min_score=1)
        await core.create_search.execute(ada.user_id, None, request)
        return ada.user_id
    finally:
        await database.dispose()


async def _state(url: str, user_id: int) -> tuple[int, int, int, list[str]]:
    database = SqlDatabase.from_url(url)
    try:
        core = make_core(database.unit_of_work)
        notes = await core.list_notifications.execute(user_id, None, limit=100)
        jobs = await core.list_jobs.execute(JobFilter())
        async with database.unit_of_work(read_only=True) as uow:
            from datetime import UTC, datetime

            spent = await uow.credits.spent(datetime.now(UTC).date(), ALL)
        activity = await core.list_activity.execute(user_id, None, limit=100)
        return notes.total or 0, jobs.total or 0, spent, [a.action_type for a in activity.items]
    finally:
        await database.dispose()


def test_the_worker_runs_a_due_search_once_and_reports_a_provider_failure(
    tmp_path: Path,
) -> None:
    env = cli_env(tmp_path)
    url = env["SKAEL_DATABASE_URL"]
    user_id = asyncio.run(_prepare(url))
    with running_fake() as fake:
        fake.script = ["search"]
        env |= {
            "THEIRSTACK_API_KEY": API_KEY,
            "SKAEL_THEIRSTACK_URL": fake.url,
            "SKAEL_SEARCH_FETCH_LIMIT": "10",
        }
        first = run(env, "worker", "--once")
        assert first.returncode == 0, first.stderr
        assert "1 search due: 1 ran, 0 failed" in first.stdout, first.stdout
        assert "10 credits used" in first.stdout
        body = fake.requests[-1].body
        assert body["limit"] == 10 and body["job_country_code_or"] == ["GB"]
        assert "job_id_not" not in body
        notified, stored, spent, kinds = asyncio.run(_state(url, user_id))
        assert stored == 10 and spent == 10 and 0 < notified <= 10
        assert kinds[:2] == ["SEARCH_RAN", "JOBS_FETCHED"]

        asyncio.run(_due_now(url))  # as the next day would
        fake.script = ["402"]
        failed = run(env, "worker", "--once")
        assert failed.returncode == 0, failed.stderr
        assert "failed (" in failed.stderr and "credits" in failed.stderr.lower()
        assert "1 failed" in failed.stdout
        asked = fake.requests[-1].body
        assert asked["job_id_not"]  # the stored postings from the watermark on
        assert "discovered_at_gte" in asked  # the newest discovery time the first run saw
        after = asyncio.run(_state(url, user_id))
        assert after[:3] == (notified, 10, 10) and after[3][0] == "SEARCH_FAILED"

        asyncio.run(_due_now(url))
        fake.script = ["search"]
        stored = set(fake.requests[0].body.get("job_id_not", ()))
        answered = json.loads(fake.search(fake.requests[0].body))["data"]
        stored |= {p["id"] for p in answered}  # what the first run bought
        third = run(env, "worker", "--once")
        assert third.returncode == 0, third.stderr
        again = json.loads(fake.search(fake.requests[-1].body))["data"]
        assert not stored & {p["id"] for p in again}  # nothing stored was bought again
        spent = asyncio.run(_state(url, user_id))[2]
        assert spent == 10 + len(again)


async def _due_now(url: str) -> None:
    """Make every search due (as the next day would)."""
    import sqlalchemy as sa

    from skael_adapters.sql.tables import saved_searches

    database = SqlDatabase.from_url(url)
    try:
        async with database.engine.begin() as connection:
            await connection.execute(
                sa.update(saved_searches).values(next_run_at=sa.func.datetime("now", "-1 minute"))
            )
    finally:
        await database.dispose()
