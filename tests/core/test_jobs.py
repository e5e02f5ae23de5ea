"""Job use cases: fetching, importing, listing, ranking, catalogs."""

from __future__ import annotations

from datetime import date

import pytest

from skael_core.errors import Forbidden, InvalidInput, NotFound, ProviderOutOfCredits
from skael_core.model import JobFilter
from skael_core.service import Skael
from skael_core.usecases.ingest import jobs_feed
from skael_core.usecases.jobs import FetchRequest, job_filter
from support import ListJobSource, make_job, register


async def test_fetch_stores_each_posting_once_and_reports_new(
    core: Skael, source: ListJobSource
) -> None:
    source.jobs = [make_job(i) for i in range(1, 6)]
    session = await register(core, desired_job_role="Python Developer", skills="python, k8s")
    first = await core.fetch_jobs.execute(session.user_id, None, FetchRequest(limit=5))
    assert (first.fetched, first.new) == (5, 5)
    assert all(job.id > 0 and job.features.skills for job in first.jobs)
    source.jobs.append(make_job(6))
    second = await core.fetch_jobs.execute(session.user_id, None, FetchRequest(limit=5))
    assert (second.fetched, second.new, second.already_stored) == (5, 1, 4)
    assert second.jobs[0].source_id == 6  # what the source sent comes first
    assert sorted(source.queries[1][1]) == [1, 2, 3, 4, 5]
    page = await core.list_jobs.execute(JobFilter(), 0, 100)
    assert page.total == 6
    logged = (await core.list_activity.execute(session.user_id, None)).items
    fetches = [a.metadata for a in logged if a.action_type == "JOBS_FETCHED"]
    assert sorted(m["credits_used"] for m in fetches) == [1, 5]


async def test_fetch_fills_the_query_from_the_profile(core: Skael, source: ListJobSource) -> None:
    session = await register(
        core,
        desired_job_role="Nurse",
        skills=["BLS"],
        experience=4,
        countries="Germany",
        preferred_locations="Berlin",
        remote_preference="Onsite",
    )
    await core.fetch_jobs.execute(
        session.user_id, None, FetchRequest(job_titles="ICU Nurse", limit=3)
    )
    query = source.queries[0][0]
    assert query.job_titles == ("ICU Nurse",)
    assert query.skills == ("BLS",)
    assert query.experience == 4
    assert query.countries == ("DE",)
    assert query.locations == ("Berlin",)
    assert query.remote is False
    assert query.limit == 3


async def test_fetch_validates_limit_and_countries(core: Skael) -> None:
    session = await register(core)
    with pytest.raises(InvalidInput):
        await core.fetch_jobs.execute(session.user_id, None, FetchRequest(limit=0))
    with pytest.raises(InvalidInput):
        await core.fetch_jobs.execute(session.user_id, None, FetchRequest(countries="Atlantis"))


async def test_a_provider_failure_stores_nothing(core: Skael, source: ListJobSource) -> None:
    source.jobs = [make_job(1)]
    source.error = ProviderOutOfCredits("Theirstack", "no credits left")
    session = await register(core)
    with pytest.raises(ProviderOutOfCredits):
        await core.fetch_jobs.execute(session.user_id, None, FetchRequest())
    assert (await core.list_jobs.execute(JobFilter())).total == 0


async def test_import_is_idempotent_and_takes_newer_values(core: Skael) -> None:
    first = await core.ingest_postings.execute(
        jobs_feed([[make_job(1), make_job(2)], [make_job(3)]])
    )
    assert (first.new, first.updated) == (3, 0)
    again = await core.ingest_postings.execute(
        jobs_feed([[make_job(1, job_title="Staff Python Developer")]])
    )
    assert (again.new, again.updated) == (0, 1)
    assert again.ids == (first.ids[0],)
    job = await core.get_job.execute(first.ids[0])
    assert job.job_title == "Staff Python Developer"
    assert job.key_info, "key requirements are drawn when a job is stored"


async def test_get_unknown_job_is_not_found(core: Skael) -> None:
    with pytest.raises(NotFound):
        await core.get_job.execute(999)


async def test_list_filters_and_orders_newest_first(core: Skael) -> None:
    await core.ingest_postings.execute(
        jobs_feed(
            [
                [
                    make_job(1, days_old=5, remote=True, country_code="IN", country="India"),
                    make_job(2, days_old=1, company="Globex", slugs=("java",)),
                    make_job(3, days_old=3, min_salary=20000.0, max_salary=30000.0),
                ]
            ]
        )
    )
    everything = await core.list_jobs.execute(JobFilter())
    assert [j.source_id for j in everything.items] == [2, 3, 1]
    countries = core.ports.countries
    assert [
        j.source_id
        for j in (await core.list_jobs.execute(job_filter(countries, country_code="india"))).items
    ] == [1]
    assert [
        j.source_id
        for j in (await core.list_jobs.execute(job_filter(countries, technology="Java"))).items
    ] == [2]
    assert [
        j.source_id
        for j in (await core.list_jobs.execute(job_filter(countries, remote=True))).items
    ] == [1]
    assert [
        j.source_id
        for j in (await core.list_jobs.execute(job_filter(countries, min_salary=50000))).items
    ] == [2, 1]
    assert [
        j.source_id
        for j in (
            await core.list_jobs.execute(job_filter(countries, posted_since=date(2026, 11, 17)))
        ).items
    ] == [2, 3]
    assert [
        j.source_id
        for j in (await core.list_jobs.execute(job_filter(countries, company="glob"))).items
    ] == [2]


@pytest.mark.parametrize(("skip", "limit"), [(-1, 20), (0, 0), (0, 101)])
async def test_paging_is_validated(core: Skael, skip: int, limit: int) -> None:
    with pytest.raises(InvalidInput):
        await core.list_jobs.execute(JobFilter(), skip, limit)


async def test_job_filter_rejects_unknown_country(core: Skael) -> None:
    with pytest.raises(InvalidInput) as caught:
        job_filter(core.ports.countries, country_code="Atlantis")
    assert caught.value.errors[0].field == "country_code"


async def test_relevant_jobs_rank_the_best_fit_first(core: Skael) -> None:
    await core.ingest_postings.execute(
        jobs_feed(
            [
                [
                    make_job(
                        1,
                        job_title="Registered Nurse",
                        slugs=("bls",),
                        seniority="mid_level",
                        description="## Requirements\n- BLS certification\n",
                    ),
                    make_job(2),
                    make_job(3, job_title="Java Developer", slugs=("java", "spring")),
                ]
            ]
        )
    )
    session = await register(
        core,
        desired_job_role="Python Developer",
        skills="python, django, postgres",
        experience=7,
        countries="DE",
    )
    ranked = await core.rank_jobs.execute(session.user_id, None, JobFilter())
    assert ranked[0].job.source_id == 2
    scores = [r.match.score for r in ranked]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 100 and r.match.explanation for s, r in zip(scores, ranked, strict=True))
    assert {"skills", "title", "location"} <= set(ranked[0].match.breakdown)


async def test_relevant_jobs_paging_is_stable(core: Skael) -> None:
    await core.ingest_postings.execute(jobs_feed([[make_job(i) for i in range(1, 31)]]))
    session = await register(core, skills="python")
    whole = await core.rank_jobs.execute(session.user_id, None, JobFilter(), limit=30)
    pages = [
        r
        for skip in (0, 10, 20)
        for r in await core.rank_jobs.execute(
            session.user_id, None, JobFilter(), skip=skip, limit=10
        )
    ]
    assert [r.job.id for r in pages] == [r.job.id for r in whole]
    assert len({r.job.id for r in pages}) == 30


async def test_relevant_jobs_for_another_user_is_forbidden(core: Skael) -> None:
    ada = await register(core)
    bob = await register(core, "bob@example.com")
    with pytest.raises(Forbidden):
        await core.rank_jobs.execute(bob.user_id, ada.user_id, JobFilter())


async def test_catalogs_count_what_stored_jobs_hold(core: Skael) -> None:
    await core.ingest_postings.execute(
        jobs_feed(
            [[make_job(1), make_job(2, slugs=("python",), company="Globex", location="Pune")]]
        )
    )
    techs = await core.list_catalog.execute("technologies")
    assert [(e.key, e.count) for e in techs.items] == [
        ("python", 2),
        ("django", 1),
        ("postgresql", 1),
    ]
    companies = await core.list_catalog.execute("companies")
    assert {e.key for e in companies.items} == {"Acme Analytics", "Globex"}
    locations = await core.list_catalog.execute("locations", 0, 1)
    assert locations.total == 2 and len(locations.items) == 1


async def test_countries_come_from_the_maintained_catalog(core: Skael) -> None:
    countries = dict(await core.list_countries.execute())
    assert len(countries) >= 249
    assert countries["IN"] == "India" and countries["DE"] == "Germany"


async def test_technology_filter_and_catalog_use_canonical_slugs(core: Skael) -> None:
    await core.ingest_postings.execute(
        jobs_feed([[make_job(1, slugs=("airflow", "Postgres", "k8s"))]])
    )
    job = (await core.list_jobs.execute(JobFilter())).items[0]
    assert set(job.technology_slugs) == {"apache-airflow", "postgresql", "kubernetes"}
    for typed in ("Airflow", "apache airflow", "K8s", "postgres"):
        found = await core.list_jobs.execute(job_filter(core.ports.countries, technology=typed))
        assert found.total == 1, typed
