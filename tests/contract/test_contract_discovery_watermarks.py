"""What scheduled searches read and keep to page forward: the stored postings of a
source from a moment on (``known_postings``), the jobs stored between two ids
(``stored_between``), a search's watermarks and the webhook outbox; one contract on
memory, SQLite and PostgreSQL (issue 19)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import msgspec

from contract.contract_builders import at, job, stored_jobs, stored_user, tech
from contract.test_contract_discovery import search
from skael_adapters.system import FixedClock
from skael_core.model import JobFilter, KnownPostings, WebhookDelivery
from skael_core.ports import UnitOfWorkFactory
from skael_core.usecases.discovery import SearchRequest
from skael_core.usecases.scheduling import CreditBudget
from support import NOW, ListJobSource, make_core, make_job, register


async def test_known_postings_name_every_stored_posting_from_a_moment_on(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await stored_jobs(
        uow_factory,
        job(10, discovered_at=at(5)),
        job(11, discovered_at=None),
        job(12, discovered_at=at(9)),
        job(13, discovered_at=at(5)),
        job(14, discovered_at=at(1)),
        job(15, source="other", discovered_at=at(50)),
        # the same job as 12 from another source: named by its own discovery time
        job(12, source="board", discovered_at=at(30)),
    )
    async with uow_factory(read_only=True) as uow:
        every = await uow.jobs.known_postings("sample", None, 10)
        assert every.since is None and set(every.ids) == {10, 11, 12, 13, 14}
        assert every.ids[0] == 12 and every.ids[-1] == 11  # newest first, undated last
        since = await uow.jobs.known_postings("sample", at(5), 10)
        assert since.since == at(5) and set(since.ids) == {10, 12, 13}
        # more than the limit: the bound moves up to the 2nd newest, ties included
        bounded = await uow.jobs.known_postings("sample", None, 2)
        assert bounded.since == at(5) and set(bounded.ids) == {10, 12, 13}
        merged = await uow.jobs.known_postings("board", None, 10)
        assert merged.ids == (12,) and merged.since is None
        assert (await uow.jobs.known_postings("board", at(30), 10)).ids == (12,)
        assert (await uow.jobs.known_postings("board", at(31), 10)).ids == ()
        assert (await uow.jobs.known_postings("nowhere", None, 10)).ids == ()


async def test_known_postings_bound_a_large_store(uow_factory: UnitOfWorkFactory) -> None:
    await stored_jobs(uow_factory, *(job(n, discovered_at=at(n // 2)) for n in range(1, 61)))
    async with uow_factory(read_only=True) as uow:
        known = await uow.jobs.known_postings("sample", None, 25)
        # the 25th newest is n=36 (at 18), and n=37 shares its minute
        assert known.since == at(18) and sorted(known.ids) == list(range(36, 61))
        again = await uow.jobs.known_postings("sample", at(25), 25)
        assert again.since == at(25) and sorted(again.ids) == list(range(50, 61))


async def test_known_postings_of_the_jobs_a_query_could_return(
    uow_factory: UnitOfWorkFactory,
) -> None:
    german = {"country_code": "DE", "country": "Germany", "location": "Berlin"}
    await stored_jobs(
        uow_factory,
        *(job(n, discovered_at=at(n)) for n in range(1, 31)),  # French, python
        *(job(n, discovered_at=at(n), **german) for n in range(31, 36)),
        job(36, discovered_at=at(36), technologies=(tech("rust"),), **german),
    )
    async with uow_factory(read_only=True) as uow:
        jobs = uow.jobs
        in_germany = await jobs.known_postings("sample", None, 10, JobFilter(country_code="DE"))
        assert in_germany.since is None and set(in_germany.ids) == set(range(31, 37))
        python_de = JobFilter(country_code="DE", technology=("python",))
        assert set((await jobs.known_postings("sample", None, 3, python_de)).ids) == {
            33,
            34,
            35,
        }
        french = await jobs.known_postings("sample", None, 10, JobFilter(country_code="FR"))
        assert french.since == at(21) and set(french.ids) == set(range(21, 31))
        remote = await jobs.known_postings("sample", None, 10, JobFilter(remote=True))
        assert remote == KnownPostings(ids=(), since=None)


async def test_stored_between_is_newest_first_filtered_and_bounded(
    uow_factory: UnitOfWorkFactory,
) -> None:
    ids = await stored_jobs(
        uow_factory,
        *(job(n) for n in range(1, 6)),
        job(6, country_code="DE", country="Germany", location="Berlin"),
        job(7, company="Other Corp"),
    )
    async with uow_factory(read_only=True) as uow:
        jobs = uow.jobs
        found = await jobs.stored_between(JobFilter(), ids[1], ids[5], 10)
        assert [j.id for j in found] == [ids[5], ids[4], ids[3], ids[2]]
        assert [j.source_id for j in found] == [6, 5, 4, 3] and found[0].description
        french = JobFilter(country_code="FR", exclude_ids=(ids[4],))
        assert [j.id for j in await jobs.stored_between(french, 0, ids[6], 10)] == [
            ids[6],
            ids[3],
            ids[2],
            ids[1],
            ids[0],
        ]
        titled = JobFilter(job_title="engineer 2", exclude_companies=("other corp",))
        assert [j.id for j in await jobs.stored_between(titled, 0, ids[6], 10)] == [ids[1]]
        assert [j.id for j in await jobs.stored_between(JobFilter(), 0, ids[6], 2)] == [
            ids[6],
            ids[5],
        ]
        assert await jobs.stored_between(JobFilter(), ids[6], ids[6], 10) == []


async def test_a_search_keeps_its_watermarks(uow_factory: UnitOfWorkFactory) -> None:
    ada = await stored_user(uow_factory, 1)
    async with uow_factory() as uow:
        stored = await uow.saved_searches.add(search(ada.id, stored_after=7, stored_seen=9))
        await uow.commit()
    moved = msgspec.structs.replace(
        stored, discovered_until=at(33), stored_after=9, stored_seen=2**40
    )
    async with uow_factory() as uow:
        assert (await uow.saved_searches.get(stored.id)) == stored
        assert await uow.saved_searches.update(moved)
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.saved_searches.get(stored.id) == moved


def delivery(user_id: int, search_id: int | None, minutes: int = 0) -> WebhookDelivery:
    return WebhookDelivery(
        user_id=user_id,
        search_id=search_id,
        body='{"event": "new_matches"}',
        created_at=at(minutes),
        next_attempt_at=at(minutes),
    )


async def test_the_outbox_keeps_claims_and_ends_deliveries(
    uow_factory: UnitOfWorkFactory,
) -> None:
    ada, bob = await stored_user(uow_factory, 1), await stored_user(uow_factory, 2)
    async with uow_factory() as uow:
        hunt = await uow.saved_searches.add(search(ada.id))
        first = await uow.webhook_outbox.add(delivery(ada.id, hunt.id, 0))
        second = await uow.webhook_outbox.add(delivery(ada.id, hunt.id, 5))
        later = await uow.webhook_outbox.add(delivery(bob.id, None, 60))
        await uow.commit()
    assert 0 < first.id < second.id < later.id
    async with uow_factory() as uow:
        claimed = await uow.webhook_outbox.claim_due(at(10), at(20), 10)
        await uow.commit()
    assert [d.id for d in claimed] == [first.id, second.id]
    assert all(d.next_attempt_at == at(20) for d in claimed)
    async with uow_factory() as uow:
        assert await uow.webhook_outbox.claim_due(at(10), at(20), 10) == []  # held
        done = msgspec.structs.replace(claimed[0], attempts=1, delivered_at=at(11))
        failed = msgspec.structs.replace(
            claimed[1], attempts=3, last_error="HTTP 503", gave_up_at=at(11)
        )
        assert await uow.webhook_outbox.update(done)
        assert await uow.webhook_outbox.update(failed)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.webhook_outbox.claim_due(at(100), at(120), 10) == [
            msgspec.structs.replace(later, next_attempt_at=at(120))
        ]
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.webhook_outbox.get(first.id) == done
        assert (await uow.webhook_outbox.get(second.id)) == failed
        mine = await uow.webhook_outbox.list(ada.id, False, 0, 10)
        assert [d.id for d in mine.items] == [second.id, first.id] and mine.total == 2
        assert (await uow.webhook_outbox.list(ada.id, True, 0, 10)).items == []
        assert (await uow.webhook_outbox.list(bob.id, True, 0, 10)).total == 1
    async with uow_factory() as uow:
        await uow.saved_searches.remove(hunt.id)
        await uow.users.delete(bob.id)
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        kept = await uow.webhook_outbox.get(first.id)
        assert kept is not None and kept.search_id is None  # the search went, not the record
        assert await uow.webhook_outbox.get(later.id) is None  # its owner went


async def test_outbox_claims_running_at_once_share_out_the_deliveries(
    uow_factory: UnitOfWorkFactory,
) -> None:
    ada = await stored_user(uow_factory, 1)
    async with uow_factory() as uow:
        for n in range(12):
            await uow.webhook_outbox.add(delivery(ada.id, None, n))
        await uow.commit()

    async def claim() -> list[int]:
        async with uow_factory() as uow:
            found = await uow.webhook_outbox.claim_due(at(30), at(30) + timedelta(hours=1), 5)
            await asyncio.sleep(0.01)
            await uow.commit()
        return [d.id for d in found]

    batches = await asyncio.gather(*(claim() for _ in range(4)))
    claimed = [i for batch in batches for i in batch]
    assert len(claimed) == len(set(claimed)) == 12


async def test_runs_of_a_search_never_pay_for_a_stored_posting(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """The whole path on each store: an import holds more postings than one request can
    name; no run buys one of them, and a later run buys only what is new."""
    clock = FixedClock(NOW)
    offers = [make_job(n, discovered_at=NOW - timedelta(minutes=n)) for n in range(1, 651)]
    source = ListJobSource(offers)
    core = make_core(uow_factory, clock=clock, source=source, budget=CreditBudget(per_search=10))
    imported = {n for n in range(51, 651)}  # the oldest 600
    async with uow_factory() as uow:
        await uow.jobs.upsert_many([j for j in offers if j.source_id in imported])
        await uow.commit()
    ada = await register(core, skills=["python"])
    await core.create_search.execute(ada.user_id, None, SearchRequest())
    (first,) = await core.run_due_searches.execute()
    assert first.credits_used == 10 and not imported & set(source.sent)
    clock.advance(days=1)
    (second,) = await core.run_due_searches.execute()
    assert second.credits_used == 0  # nothing new at the provider since the watermark
    source.jobs[:0] = [make_job(n, discovered_at=clock.now()) for n in (701, 702)]
    clock.advance(days=1)
    (third,) = await core.run_due_searches.execute()
    assert third.credits_used == 2 and source.sent[-2:] == [701, 702]
    assert len(source.sent) == len(set(source.sent)) == 12
