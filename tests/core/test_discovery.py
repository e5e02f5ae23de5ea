"""Saved searches, dismissals and blocks in the core, on the in-memory adapters."""

from __future__ import annotations

import pytest

from skael_core.errors import Conflict, Forbidden, InvalidInput, NotFound
from skael_core.model import FetchQuery, Frequency, JobFilter, Notification
from skael_core.usecases.discovery import MAX_SEARCHES, SearchRequest
from support import NOW, ListJobSource, make_core, make_job, register

BACKEND = SearchRequest(
    job_title="Backend Engineer", country_code="in", min_score=30, technology="Python, k8s"
)


async def test_a_new_search_is_due_at_once_with_canonical_filters() -> None:
    core = make_core()
    ada = await register(core)
    search = await core.create_search.execute(ada.user_id, None, BACKEND)
    assert search.next_run_at == NOW and search.created_at == NOW
    assert search.filters.country_code == "IN"
    assert search.filters.technology == ("python", "kubernetes")
    assert search.frequency is Frequency.DAILY and search.webhook_secret is None
    page = await core.list_searches.execute(ada.user_id, None)
    assert page.items == [search] and page.total == 1
    kinds = [a.action_type for a in (await core.list_activity.execute(ada.user_id, None)).items]
    assert kinds[0] == "SEARCH_SAVED"


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (SearchRequest(min_score=101), "min_score"),
        (SearchRequest(frequency="hourly"), "frequency"),
        (SearchRequest(country_code="Atlantis"), "country_code"),
        (SearchRequest(webhook_url="ftp://example.com/x"), "webhook_url"),
        (SearchRequest(webhook_url="http://[::1/x"), "webhook_url"),
        (SearchRequest(webhook_url="https:///no-host"), "webhook_url"),
        (SearchRequest(webhook_url="http://hooks.example.com:abc/x"), "webhook_url"),
        (SearchRequest(webhook_url="http://hooks.example.com:99999/x"), "webhook_url"),
        (SearchRequest(webhook_url="https://hooks.example.com/a b"), "webhook_url"),
        (SearchRequest(webhook_url="https://hooks.example.com/a\nb"), "webhook_url"),
        (SearchRequest(webhook_url="https://user:pass@hooks.example.com/x"), "webhook_url"),
        (SearchRequest(min_salary=-1), "min_salary"),
    ],
)
async def test_a_bad_search_names_its_field_and_stores_nothing(
    request_: SearchRequest, field: str
) -> None:
    core = make_core()
    ada = await register(core)
    with pytest.raises(InvalidInput) as caught:
        await core.create_search.execute(ada.user_id, None, request_)
    assert field in str(caught.value.detail)
    assert (await core.list_searches.execute(ada.user_id, None)).total == 0


async def test_searches_belong_to_their_owner() -> None:
    core = make_core()
    ada, bob = await register(core), await register(core, "bob@example.com")
    search = await core.create_search.execute(ada.user_id, None, BACKEND)
    with pytest.raises(Forbidden):
        await core.create_search.execute(bob.user_id, ada.user_id, BACKEND)
    with pytest.raises(Forbidden):
        await core.replace_search.execute(bob.user_id, search.id, BACKEND)
    with pytest.raises(Forbidden):
        await core.delete_search.execute(bob.user_id, search.id)
    with pytest.raises(NotFound):
        await core.get_search.execute(ada.user_id, search.id + 1)
    await core.delete_search.execute(ada.user_id, search.id)
    assert (await core.list_searches.execute(ada.user_id, None)).total == 0


async def test_a_webhook_keeps_its_secret_while_its_url_stays() -> None:
    core = make_core()
    ada = await register(core)
    hooked = SearchRequest(webhook_url="https://hooks.example.com/a", frequency="Weekly")
    first = await core.create_search.execute(ada.user_id, None, hooked)
    again = await core.replace_search.execute(ada.user_id, first.id, hooked)
    moved = await core.replace_search.execute(
        ada.user_id, first.id, SearchRequest(webhook_url="https://hooks.example.com/b")
    )
    assert first.webhook_secret and again.webhook_secret == first.webhook_secret
    assert moved.webhook_secret and moved.webhook_secret != first.webhook_secret
    assert again.frequency is Frequency.WEEKLY


async def test_a_person_keeps_a_bounded_number_of_searches() -> None:
    core = make_core()
    ada = await register(core)
    for _ in range(MAX_SEARCHES):
        await core.create_search.execute(ada.user_id, None, SearchRequest())
    with pytest.raises(Conflict):
        await core.create_search.execute(ada.user_id, None, SearchRequest())


async def test_dismissed_jobs_and_blocked_companies_are_not_shown_to_that_person() -> None:
    jobs = [
        make_job(1, company="Acme Analytics"),
        make_job(2, company="Datable"),
        make_job(3, company="Pixel Works"),
    ]
    core = make_core(source=ListJobSource(jobs))
    ada, bob = await register(core, skills=["python"]), await register(core, "bob@example.com")
    ids = [j.id for j in (await core.collect_jobs.execute(_query())).jobs]
    assert await core.dismiss_job.execute(ada.user_id, None, ids[1])
    assert not await core.dismiss_job.execute(ada.user_id, None, ids[1])
    blocked, created = await core.block_company.execute(ada.user_id, None, "  ACME analytics ")
    assert created and blocked.key == "ACME analytics"
    listed = await core.list_jobs.execute(JobFilter(), viewer=ada.user_id)
    ranked = await core.rank_jobs.execute(ada.user_id, None, JobFilter())
    assert [j.id for j in listed.items] == [ids[2]] and listed.total == 1
    assert [r.job.id for r in ranked] == [ids[2]]
    assert (await core.list_jobs.execute(JobFilter(), viewer=bob.user_id)).total == 3
    await core.restore_job.execute(ada.user_id, None, ids[1])
    await core.unblock_company.execute(ada.user_id, None, "acme ANALYTICS")
    assert len(await core.rank_jobs.execute(ada.user_id, None, JobFilter())) == 3
    with pytest.raises(NotFound):
        await core.restore_job.execute(ada.user_id, None, ids[1])
    with pytest.raises(NotFound):
        await core.dismiss_job.execute(ada.user_id, None, 999)
    kinds = [a.action_type for a in (await core.list_activity.execute(ada.user_id, None)).items]
    assert kinds[:4] == ["COMPANY_UNBLOCKED", "JOB_RESTORED", "COMPANY_BLOCKED", "JOB_DISMISSED"]


async def test_notifications_leave_out_dismissed_jobs_and_blocked_companies() -> None:
    jobs = [make_job(1, company="Acme"), make_job(2, company="Datable"), make_job(3)]
    core = make_core(source=ListJobSource(jobs))
    ada, bob = await register(core), await register(core, "bob@example.com")
    stored = (await core.collect_jobs.execute(_query())).jobs
    async with core.ports.uow() as uow:
        await uow.notifications.add_many(
            [
                Notification(
                    user_id=ada.user_id, job_id=j.id, score=50, company=j.company, created_at=NOW
                )
                for j in stored
            ]
        )
        await uow.commit()
    await core.dismiss_job.execute(ada.user_id, None, stored[2].id)
    await core.block_company.execute(ada.user_id, None, "acme")
    page = await core.list_notifications.execute(ada.user_id, None)
    assert [v.job.id for v in page.items] == [stored[1].id] and page.total == 1
    read = await core.read_notification.execute(ada.user_id, page.items[0].notification.id)
    assert read.read_at == NOW
    assert (await core.list_notifications.execute(ada.user_id, None, unread_only=True)).total == 0
    with pytest.raises(Forbidden):
        await core.read_notification.execute(bob.user_id, read.id)
    with pytest.raises(Forbidden):
        await core.list_notifications.execute(bob.user_id, ada.user_id)


def _query() -> FetchQuery:
    return FetchQuery(limit=10)
