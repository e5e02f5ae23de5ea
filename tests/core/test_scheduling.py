"""Running due saved searches: notifications once, failures retried, budgets kept."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from skael_adapters.memory import MemoryDatabase
from skael_adapters.system import FixedClock
from skael_core.errors import ProviderUnavailable
from skael_core.model import Job, JobFilter
from skael_core.service import Skael
from skael_core.usecases.discovery import SearchRequest
from skael_core.usecases.scheduling import ALL, CreditBudget, SearchTiming, person_scope
from support import NOW, ListJobSource, make_core, make_job, register


def _world(
    jobs: int = 30, budget: CreditBudget | None = None
) -> tuple[Skael, ListJobSource, FixedClock]:
    source = ListJobSource([make_job(n, company=f"Company {n % 3}") for n in range(1, jobs + 1)])
    clock = FixedClock(NOW)
    core = make_core(MemoryDatabase().unit_of_work, clock=clock, source=source, budget=budget)
    return core, source, clock


async def _spent(core: Skael, scope: str) -> int:
    async with core.ports.uow(read_only=True) as uow:
        return await uow.credits.spent(core.ports.clock.today(), scope)


async def test_a_due_search_notifies_new_matches_once_and_is_scheduled() -> None:
    core, source, clock = _world(budget=CreditBudget(per_search=10))
    source.jobs = [make_job(n, discovered_at=NOW - timedelta(hours=n)) for n in range(1, 31)]
    ada = await register(core, skills=["python", "django"], desired_job_role="Python Developer")
    search = await core.create_search.execute(ada.user_id, None, SearchRequest(min_score=1))
    first = await core.run_due_searches.execute()
    assert [r.status for r in first] == ["ran"]
    run = first[0]
    assert run.credits_used == 10 and run.fetched == 10 and len(run.notified) == 10
    assert run.next_run_at == NOW + timedelta(days=1)
    assert await core.run_due_searches.execute() == []  # not due again today
    assert source.queries[0][1] == [] and source.queries[0][0].discovered_at_gte is None
    stored = await core.get_search.execute(ada.user_id, search.id)
    assert stored.discovered_until == NOW - timedelta(hours=1)  # the newest it was sent
    clock.advance(days=1)
    source.jobs[:0] = [make_job(n, discovered_at=clock.now()) for n in range(31, 36)]
    second = (await core.run_due_searches.execute())[0]
    query, excluded = source.queries[1]
    assert query.discovered_at_gte == NOW - timedelta(hours=1)  # from the watermark on
    assert excluded == [1]  # the stored posting discovered at the watermark
    assert second.status == "ran" and second.credits_used == 5 and len(second.notified) == 5
    page = await core.list_notifications.execute(ada.user_id, None, limit=100)
    assert page.total == 15 and len({v.job.id for v in page.items}) == 15
    stored = await core.get_search.execute(ada.user_id, search.id)
    assert stored.last_run_at == NOW + timedelta(days=1) and stored.failures == 0
    assert stored.discovered_until == clock.now()
    kinds = [a.action_type for a in (await core.list_activity.execute(ada.user_id, None)).items]
    assert kinds.count("SEARCH_RAN") == 2 and kinds.count("JOBS_FETCHED") == 2
    ran = next(a for a in (await core.list_activity.execute(ada.user_id, None)).items)
    assert ran.metadata == {
        "search_id": search.id,
        "fetched": 10,  # 5 sent, 5 stored ones answering the query
        "stored_considered": 15,
        "new_matches": 5,
        "credits_used": 5,
    }


async def test_no_run_pays_for_a_posting_already_stored() -> None:
    """A store larger than one request's exclusions: the first run asks only for what
    is newer than the stored postings it cannot name; the next asks from its watermark."""
    core, source, clock = _world(budget=CreditBudget(per_search=10))
    source.jobs = [make_job(n, discovered_at=NOW - timedelta(minutes=n)) for n in range(1, 701)]
    imported = {n for n in range(101, 701)}  # the oldest 600, stored by an import
    async with core.ports.uow() as uow:
        await uow.jobs.upsert_many([j for j in source.jobs if j.source_id in imported])
        await uow.commit()
    ada = await register(core, skills=["python"])
    await core.create_search.execute(ada.user_id, None, SearchRequest())
    (first,) = await core.run_due_searches.execute()
    assert first.credits_used == 10 and not imported & set(source.sent)
    query, excluded = source.queries[0]
    assert query.discovered_at_gte == NOW - timedelta(minutes=600)  # the 500th newest stored
    assert len(excluded) == 500 and set(excluded) <= imported
    clock.advance(days=1)
    (second,) = await core.run_due_searches.execute()
    sent = len(source.sent)
    assert second.credits_used == 0 and len(source.sent) == sent  # nothing new out there
    source.jobs[:0] = [make_job(n, discovered_at=clock.now()) for n in range(701, 704)]
    clock.advance(days=1)
    (third,) = await core.run_due_searches.execute()
    assert third.credits_used == 3 and sorted(source.sent[sent:]) == [701, 702, 703]
    assert len(source.sent) == len(set(source.sent))  # nothing was ever bought twice
    assert await _spent(core, ALL) == 3


async def test_stored_postings_of_others_matching_the_search_are_told() -> None:
    core, _, clock = _world(jobs=0)
    ada = await register(core, skills=["python"], desired_job_role="Python Developer")

    async def store(*jobs: Job) -> None:
        async with core.ports.uow() as uow:
            await uow.jobs.upsert_many(jobs)
            await uow.commit()

    def other(n: int, **fields: Any) -> Job:
        return make_job(n, source="import", **fields)

    await store(other(1))  # stored before the search: never told
    search = await core.create_search.execute(
        ada.user_id,
        None,
        SearchRequest(job_title="Python Developer", country_code="DE", min_score=1),
    )
    await store(
        other(2),
        other(3, country_code="FR", country="France", location="Paris"),  # not the filters
        other(4),
        other(5, company="Blocked Corp", job_title="Python Engineer"),
        other(6, job_title="Pastry Chef", slugs=("baking",)),  # not the search's title
    )
    four = (await core.list_jobs.execute(JobFilter(), limit=100)).items
    dismissed = next(j.id for j in four if j.source_id == 4)
    await core.dismiss_job.execute(ada.user_id, None, dismissed)
    await core.block_company.execute(ada.user_id, None, "blocked corp")
    (run,) = await core.run_due_searches.execute()
    assert run.fetched == 0 and run.credits_used == 0
    by_id = {j.id: j.source_id for j in four}
    assert [by_id[n.job_id] for n in run.notified] == [2]
    await store(other(7), other(2, description="refreshed"))  # 2 again: told once only
    clock.advance(days=1)
    (again,) = await core.run_due_searches.execute()
    new = (await core.list_jobs.execute(JobFilter(), limit=100)).items
    assert [j.source_id for j in new if j.id in {n.job_id for n in again.notified}] == [7]
    stored = await core.get_search.execute(ada.user_id, search.id)
    assert stored.stored_seen == max(j.id for j in new) and stored.stored_after > 0


async def test_a_run_looks_at_a_bounded_window_of_stored_postings() -> None:
    source = ListJobSource()
    core = make_core(
        MemoryDatabase().unit_of_work,
        source=source,
        timing=SearchTiming(stored_window=3),
    )
    ada = await register(core, skills=["python"])
    await core.create_search.execute(ada.user_id, None, SearchRequest())
    async with core.ports.uow() as uow:
        report = await uow.jobs.upsert_many([make_job(n, source="import") for n in range(1, 6)])
        await uow.commit()
    (run,) = await core.run_due_searches.execute()
    assert sorted(n.job_id for n in run.notified) == sorted(report.ids)[-3:]  # newest 3


async def test_two_searches_finding_one_job_notify_it_once() -> None:
    core, _, _ = _world(jobs=5)
    ada = await register(core, skills=["python"])
    for _ in range(2):
        await core.create_search.execute(ada.user_id, None, SearchRequest())
    runs = await core.run_due_searches.execute()
    assert [len(r.notified) for r in runs] == [5, 0]
    assert (await core.list_notifications.execute(ada.user_id, None)).total == 5


async def test_only_matches_at_or_above_the_minimum_are_told() -> None:
    core, _, _ = _world(jobs=10)
    ada = await register(core, skills=["python"])
    await core.create_search.execute(ada.user_id, None, SearchRequest(min_score=100))
    (run,) = await core.run_due_searches.execute()
    assert run.status == "ran" and run.fetched == 10 and run.notified == ()


async def test_dismissed_jobs_and_blocked_companies_are_not_told() -> None:
    core, _, _ = _world(jobs=9)
    ada = await register(core, skills=["python"])
    stored = await core.list_jobs.execute(JobFilter())
    assert stored.total == 0
    await core.block_company.execute(ada.user_id, None, "company 1")
    await core.create_search.execute(ada.user_id, None, SearchRequest())
    (run,) = await core.run_due_searches.execute()
    companies = {n.company for n in run.notified}
    assert run.fetched == 9 and len(run.notified) == 6 and "company 1" not in companies


async def test_a_provider_failure_stores_nothing_and_is_retried_later() -> None:
    core, source, clock = _world(jobs=5)
    ada = await register(core, skills=["python"])
    search = await core.create_search.execute(ada.user_id, None, SearchRequest())
    source.error = ProviderUnavailable("Theirstack", "HTTP 503")
    (failed,) = await core.run_due_searches.execute()
    assert failed.status == "failed" and "503" in (failed.error or "")
    assert failed.next_run_at == NOW + timedelta(minutes=5)
    assert (await core.list_jobs.execute(JobFilter())).total == 0
    assert await _spent(core, ALL) == 0 and await _spent(core, person_scope(ada.user_id)) == 0
    clock.advance(minutes=5)
    (again,) = await core.run_due_searches.execute()
    assert again.status == "failed" and again.next_run_at == clock.now() + timedelta(minutes=10)
    stored = await core.get_search.execute(ada.user_id, search.id)
    assert stored.failures == 2 and stored.last_error and "503" in stored.last_error
    source.error = None
    clock.advance(minutes=10)
    (ok,) = await core.run_due_searches.execute()
    assert ok.status == "ran" and len(ok.notified) == 5
    healed = await core.get_search.execute(ada.user_id, search.id)
    assert healed.failures == 0 and healed.last_error is None
    kinds = [a.action_type for a in (await core.list_activity.execute(ada.user_id, None)).items]
    assert kinds.count("SEARCH_FAILED") == 2


async def test_budgets_are_never_exceeded() -> None:
    budget = CreditBudget(daily=50, per_person=30, per_search=20)
    core, _, clock = _world(jobs=200, budget=budget)
    people = [await register(core, f"p{n}@example.com", skills=["python"]) for n in range(3)]
    for person in people:
        for _ in range(2):
            await core.create_search.execute(person.user_id, None, SearchRequest())
    runs = await core.run_due_searches.execute()
    assert sum(r.credits_used for r in runs) == 50 == await _spent(core, ALL)
    for person in people:
        assert await _spent(core, person_scope(person.user_id)) <= 30
    waiting = [r for r in runs if r.status == "waiting"]
    assert waiting and all(
        r.next_run_at == NOW.replace(hour=0) + timedelta(days=1) for r in waiting
    )
    report = await core.report_credits.execute()
    assert (report.spent, report.daily_budget, report.per_person_budget) == (50, 50, 30)
    clock.advance(days=1)
    later = await core.run_due_searches.execute()
    assert sum(r.credits_used for r in later) == 50 == await _spent(core, ALL)


async def test_a_search_changed_during_its_run_stays_due() -> None:
    core, _, _ = _world(jobs=3)
    ada = await register(core, skills=["python"])
    search = await core.create_search.execute(ada.user_id, None, SearchRequest())
    async with core.ports.uow() as uow:
        (claimed,) = await uow.saved_searches.claim_due(NOW, NOW + timedelta(minutes=10), 5)
        await uow.commit()
    await core.replace_search.execute(ada.user_id, search.id, SearchRequest(min_score=5))
    run = await core.run_due_searches._run(claimed)
    assert run.status == "ran"
    assert (await core.get_search.execute(ada.user_id, search.id)).next_run_at == NOW
