"""What the ranking index reads from a job repository: slim jobs by id, the jobs written
since a mark (new and refreshed in place, with their technologies), in pages by id."""

from __future__ import annotations

import pytest

from contract.contract_builders import job, stored_jobs, tech
from ranking_support import TODAY
from skael_core.matching import prepare_job, profile_features, score_job
from skael_core.model import Job, Profile
from skael_core.ports import UnitOfWorkFactory


def _ready(n: int, **changes: object) -> Job:
    return prepare_job(job(n, **changes))


async def test_slim_jobs_come_in_the_order_asked_and_score_as_whole_ones(
    uow_factory: UnitOfWorkFactory,
) -> None:
    ids = await stored_jobs(uow_factory, *(_ready(n) for n in range(1, 5)))
    person = profile_features(
        Profile(user_name="p", desired_job_role="Engineer", skills=("python",), countries=("DE",))
    )
    asked = [ids[2], 999_999, ids[0], ids[3]]
    async with uow_factory() as uow:
        slim = await uow.jobs.slim_many(asked)
        whole = await uow.jobs.get_many(asked)
        assert await uow.jobs.slim_many([]) == []
    assert [j.id for j in slim] == [ids[2], ids[0], ids[3]]
    for s, w in zip(slim, whole, strict=True):
        assert s.features == w.features
        assert score_job(person, s, TODAY) == score_job(person, w, TODAY)


async def test_every_job_comes_in_pages_by_id_with_its_technologies(
    uow_factory: UnitOfWorkFactory,
) -> None:
    techs = (tech("python"), tech("django"))
    ids = await stored_jobs(
        uow_factory, *(_ready(n, technologies=techs if n % 2 else ()) for n in range(1, 8))
    )
    async with uow_factory() as uow:
        first = await uow.jobs.changed_since(0, 0, 4)
        rest = await uow.jobs.changed_since(0, first[-1].id, 4)
    assert [j.id for j in first + rest] == ids
    for found in first + rest:
        expected = techs if found.source_id % 2 else ()
        assert {t.technology_slug for t in found.technologies} == {
            t.technology_slug for t in expected
        }
        assert found.features.skills  # slim, yet with its features


async def test_jobs_written_after_a_mark_are_those_changed_since_it(
    uow_factory: UnitOfWorkFactory, request: pytest.FixtureRequest
) -> None:
    """Every job written after a mark is among those changed since it; more may come
    (on PostgreSQL the mark is the oldest transaction still running anywhere on the
    server, so a busy server names earlier writes too), never a job written by none."""
    ids = await stored_jobs(uow_factory, *(_ready(n) for n in range(1, 6)))
    async with uow_factory() as uow:
        mark = await uow.jobs.change_mark()
        before = {j.id for j in await uow.jobs.changed_since(mark, 0, 100)}
    assert before <= set(ids)
    refreshed = _ready(2, job_title="Principal Engineer", technologies=(tech("rust"),))
    async with uow_factory() as uow:
        report = await uow.jobs.upsert_many([refreshed, _ready(9)])
        await uow.commit()
    async with uow_factory() as uow:
        changed = await uow.jobs.changed_since(mark, 0, 100)
        later = await uow.jobs.change_mark()
        after_later = {j.id for j in await uow.jobs.changed_since(later, 0, 100)}
    found = {j.id for j in changed}
    assert {ids[1], report.ids[1]} <= found <= {*ids, report.ids[1]}
    assert after_later <= found
    assert [j.id for j in changed] == sorted(found)
    (principal,) = [j for j in changed if j.id == ids[1]]
    assert principal.job_title == "Principal Engineer"
    assert [t.technology_slug for t in principal.technologies] == ["rust"]
    if request.node.callspec.params["uow_factory"] != "postgres":  # one writer at a time
        assert before == after_later == set()
        assert found == {ids[1], report.ids[1]}


async def test_changes_give_a_mark_and_the_first_page_changed_since_the_last(
    uow_factory: UnitOfWorkFactory, request: pytest.FixtureRequest
) -> None:
    """``changes`` answers as ``change_mark`` and ``changed_since`` would together: the
    first page of the jobs written since the mark given, with their technologies, and a
    mark under which nothing written before it (on SQLite and memory) comes again."""
    ids = await stored_jobs(uow_factory, *(_ready(n) for n in range(1, 6)))
    async with uow_factory() as uow:
        mark, nothing = await uow.jobs.changes(await uow.jobs.change_mark(), 10)
    refreshed = _ready(3, job_title="Staff Engineer", technologies=(tech("go"),))
    async with uow_factory() as uow:
        report = await uow.jobs.upsert_many([refreshed, _ready(7), _ready(8)])
        await uow.commit()
    async with uow_factory() as uow:
        next_mark, first = await uow.jobs.changes(mark, 2)
        rest = await uow.jobs.changed_since(mark, first[-1].id, 10)
        changed = await uow.jobs.changed_since(mark, 0, 10)
        again = await uow.jobs.changes(next_mark, 10)
    assert [j.id for j in first + rest] == [j.id for j in changed]
    assert {ids[2], *report.ids[1:]} <= {j.id for j in changed} <= {*ids, *report.ids}
    (staff,) = [j for j in changed if j.id == ids[2]]
    assert staff.job_title == "Staff Engineer"
    assert [t.technology_slug for t in staff.technologies] == ["go"]
    assert next_mark >= mark
    if request.node.callspec.params["uow_factory"] != "postgres":  # one writer at a time
        assert nothing == [] and again == (next_mark, [])
        assert len(first) == 2 and next_mark > mark
