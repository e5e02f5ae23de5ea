"""Jobs: fetching from a source, importing, listing, ranking for a person, catalogs."""

from __future__ import annotations

import heapq
from array import array
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any, Literal

import msgspec

from .. import normalize as norm
from ..errors import InvalidInput
from ..matching import ProfileFeatures, canonical_skill, profile_features, score_job
from ..model import (
    ActionType,
    BadRecordPolicy,
    CatalogEntry,
    FetchQuery,
    Job,
    JobFilter,
    Page,
    Profile,
    RankedJob,
    RemotePreference,
)
from ..ports import (
    Clock,
    CountryCatalog,
    JobSource,
    RankingCache,
    RankingIndex,
    RankKey,
    ScoredPageCache,
    UnitOfWork,
    UnitOfWorkFactory,
)
from .common import UseCase, load_job, load_user, owner
from .discovery import excluding
from .ingest import IngestPostings, JobsFeed

KNOWN_IDS_LIMIT = 500
STORED_SCAN = 1000
"""The most stored postings (newest first) searched for ones that answer a fetch."""
MAX_FETCH_LIMIT = 100


class FetchRequest(msgspec.Struct, frozen=True, kw_only=True):
    """What to fetch; fields left None come from the caller's stored profile."""

    job_titles: str | Sequence[str] | None = None
    skills: str | Sequence[str] | None = None
    experience: int | str | None = None
    locations: str | Sequence[str] | None = None
    countries: str | Sequence[str] | None = None
    remote: bool | None = None
    limit: int = 25
    posted_at_max_age_days: int = 30
    discovered_at_gte: datetime | None = None


class FetchOutcome(msgspec.Struct, frozen=True, kw_only=True):
    """The postings that answer a fetch (``jobs``, ``fetched`` of them): ``new`` ones
    first stored by it, and ``already_stored`` ones, which the source sent again
    (``updated``) or which were stored before and answer the query all the same."""

    fetched: int
    new: int
    updated: int
    jobs: list[Job]
    already_stored: int = 0
    truncated: int = 0
    credits_used: int | None = None
    source: str = ""
    newest_discovered: datetime | None = None
    """The newest discovery time among the postings the source sent."""

    def summary(self) -> str:
        """The outcome in words: "found 1 posting: 1 new, 0 already stored"."""
        return (
            f"found {plural(self.fetched, 'posting')}: {self.new} new, "
            f"{self.already_stored} already stored"
        )


def plural(count: int, noun: str) -> str:
    """``count`` and ``noun``, with an "s" unless there is one."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _remote_from(profile: Profile) -> bool | None:
    if profile.remote_preference is RemotePreference.REMOTE:
        return True
    if profile.remote_preference is RemotePreference.ONSITE:
        return False
    return None


class CollectJobs(UseCase):
    """Ask the source for postings it has not sent before, store each once, and answer
    with every posting that answers the query, new or already stored.

    No stored posting is paid for again: the request asks only for postings discovered
    at or after the point from which every stored one of the source that the query
    could return is named in its exclusions (``JobRepository.known_postings`` over
    :func:`answerable`: the query's own ``discovered_at_gte``, moved up when more than
    ``KNOWN_IDS_LIMIT`` are stored since then). The stored postings of the source that
    answer the query (its ``matcher``, among the newest ``STORED_SCAN``) fill the answer
    up to the query's limit after the ones the source sent. With an ``actor``, the fetch
    is logged as their activity, with the provider credits it used when the source tells
    them.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        source: JobSource,
        ingest: IngestPostings,
    ) -> None:
        super().__init__(uow, clock)
        self._source = source
        self._ingest = ingest

    async def execute(self, query: FetchQuery, actor: int | None = None) -> FetchOutcome:
        async with self._uow(read_only=True) as uow:
            known = await uow.jobs.known_postings(
                self._source.name, query.discovered_at_gte, KNOWN_IDS_LIMIT, answerable(query)
            )
        asked = msgspec.structs.replace(query, discovered_at_gte=known.since)
        result = await self._source.fetch(asked, known.ids)
        feed = JobsFeed(self._source.name, [result.jobs])
        async with self._uow() as uow:
            ingested = await self._ingest.store(uow, feed, BadRecordPolicy.STRICT)
            report = ingested.stored
            sent = await uow.jobs.get_many(list(dict.fromkeys(report.ids)))
            jobs = sent + await self._stored_answers(uow, query, sent)
            if actor is not None:
                meta: dict[str, Any] = {
                    "source": self._source.name,
                    "fetched": len(jobs),
                    "new": report.new,
                    "already_stored": len(jobs) - report.new,
                }
                if result.credits_used is not None:
                    meta["credits_used"] = result.credits_used
                await self._log(uow, actor, ActionType.JOBS_FETCHED, metadata=meta)
            await uow.commit()
        await self._ingest.stored(ingested)
        return FetchOutcome(
            fetched=len(jobs),
            new=report.new,
            updated=report.updated,
            jobs=jobs,
            already_stored=len(jobs) - report.new,
            truncated=result.truncated,
            credits_used=result.credits_used,
            source=self._source.name,
            newest_discovered=max(
                (job.discovered_at for job in result.jobs if job.discovered_at is not None),
                default=None,
            ),
        )

    async def _stored_answers(
        self, uow: UnitOfWork, query: FetchQuery, sent: list[Job]
    ) -> list[Job]:
        """Stored postings of the source, not among ``sent``, that answer ``query``: as
        many as the query's limit leaves room for, newest first."""
        room = query.limit - len(sent)
        if room <= 0:
            return []
        countries = query.countries
        coarse = JobFilter(
            remote=query.remote, country_code=countries[0] if len(countries) == 1 else None
        )
        stored = (await uow.jobs.list(coarse, 0, STORED_SCAN)).items
        answers, taken = self._source.matcher(query), {job.id for job in sent}
        found = [
            job
            for job in stored
            if job.source == self._source.name and job.id not in taken and answers(job)
        ]
        return found[:room]


def answerable(query: FetchQuery) -> JobFilter:
    """The stored jobs the provider could return for ``query``, as far as two of its
    filters decide exactly: of its country (when it names one alone), remote when it
    asks for remote jobs. Only these need naming as known. Titles and skills are left
    out: the provider matches them its own way (full text, its technology list), and a
    stored posting it might return must not go unnamed."""
    countries = query.countries
    return JobFilter(
        remote=True if query.remote else None,
        country_code=countries[0] if len(countries) == 1 else None,
    )


class FetchJobs:
    """Fetch postings for the caller; what the request leaves out comes from the profile."""

    def __init__(
        self, uow: UnitOfWorkFactory, collect: CollectJobs, countries: CountryCatalog
    ) -> None:
        self._uow = uow
        self._collect = collect
        self._countries = countries

    async def execute(self, actor: int, user_id: int | None, request: FetchRequest) -> FetchOutcome:
        target = owner(actor, user_id)
        async with self._uow(read_only=True) as uow:
            profile = (await load_user(uow, target)).profile
        return await self._collect.execute(self._query(request, profile), target)

    def _query(self, r: FetchRequest, profile: Profile) -> FetchQuery:
        if not 1 <= r.limit <= MAX_FETCH_LIMIT:
            raise InvalidInput.field("limit", f"must be between 1 and {MAX_FETCH_LIMIT}")
        if not 1 <= r.posted_at_max_age_days <= 3650:
            raise InvalidInput.field("posted_at_max_age_days", "must be between 1 and 3650")
        role = (profile.desired_job_role,) if profile.desired_job_role else ()
        years = norm.years(r.experience, "experience")
        experience = years if years is not None else profile.experience
        return FetchQuery(
            job_titles=norm.split_list(r.job_titles, "job_titles") if r.job_titles else role,
            skills=norm.split_list(r.skills, "skills") if r.skills else profile.skills,
            experience=norm.non_negative(experience, "experience", 70),
            locations=(
                norm.split_list(r.locations, "locations")
                if r.locations
                else profile.preferred_locations
            ),
            countries=(
                norm.country_codes(r.countries, self._countries)
                if r.countries
                else profile.countries
            ),
            remote=r.remote if r.remote is not None else _remote_from(profile),
            limit=r.limit,
            posted_at_max_age_days=r.posted_at_max_age_days,
            discovered_at_gte=r.discovered_at_gte,
        )


def job_filter(
    countries: CountryCatalog,
    *,
    q: str | None = None,
    remote: bool | None = None,
    country_code: str | None = None,
    seniority: str | None = None,
    technology: str | None = None,
    company: str | None = None,
    min_salary: float | None = None,
    posted_since: date | None = None,
    location: str | None = None,
    job_title: str | None = None,
    experience: int | str | None = None,
) -> JobFilter:
    """A validated, canonical :class:`JobFilter` from what a caller typed.

    ``technology`` and ``location`` may name several values, comma-separated: any of
    them will do. ``experience`` is a number of years, or text holding one ("3 years").
    """
    if min_salary is not None and min_salary < 0:
        raise InvalidInput.field("min_salary", "must be 0 or more")
    return JobFilter(
        q=norm.text(q, "q"),
        remote=remote,
        country_code=norm.country_code(country_code, countries, "country_code"),
        seniority=(norm.text(seniority, "seniority") or "").lower() or None,
        technology=tuple(
            dict.fromkeys(canonical_skill(t) for t in norm.any_of(technology, "technology"))
        ),
        company=norm.text(company, "company"),
        min_salary=min_salary,
        posted_since=posted_since,
        location=norm.any_of(location, "location"),
        job_title=norm.text(job_title, "job_title"),
        experience=norm.years(experience, "experience"),
    )


class ListJobs(UseCase):
    """Stored jobs matching every filter, newest first; for a ``viewer``, without the
    jobs they dismissed and those of companies they blocked."""

    async def execute(
        self, filters: JobFilter, skip: int = 0, limit: int = 20, viewer: int | None = None
    ) -> Page[Job]:
        skip, limit = norm.page(skip, limit)
        async with self._uow(read_only=True) as uow:
            if viewer is not None:
                filters = await excluding(uow, viewer, filters)
            return await uow.jobs.list(filters, skip, limit)


class ScoreJobs(UseCase):
    """Jobs already loaded (a page of a listing), each with its match for the user's
    current profile: the same score relevant_jobs and match_score give."""

    async def execute(self, actor: int, jobs: Sequence[Job]) -> list[RankedJob]:
        async with self._uow(read_only=True) as uow:
            profile = (await load_user(uow, actor)).profile
        person = profile_features(profile)
        today = self._clock.today()
        return [RankedJob(job=job, match=score_job(person, job, today)) for job in jobs]


class ListScoredJobs(UseCase):
    """A job list for its viewer (``ListJobs`` with ``viewer``), each job with its match
    for the viewer's current profile (``ScoreJobs``), read in one unit of work.

    With a :class:`ScoredPageCache`, a page is kept under a key of the viewer, the
    filters, the page and the day, beside the store version it was read at
    (``UnitOfWork.version``); asking again while the store is at that version answers
    the kept page, and any write (a job stored or changed, a dismissal, a block, a
    profile change, by this process or another) changes the version, so the next
    request reads and scores afresh.
    """

    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, pages: ScoredPageCache | None = None
    ) -> None:
        super().__init__(uow, clock)
        self._pages = pages

    async def execute(
        self, viewer: int, filters: JobFilter, skip: int = 0, limit: int = 20
    ) -> Page[RankedJob]:
        skip, limit = norm.page(skip, limit)
        today = self._clock.today()
        pages = self._pages
        async with self._uow(read_only=True) as uow:
            version = await uow.version() if pages is not None else None
            key = b""
            if pages is not None and version is not None:
                key = _ENCODE((viewer, filters, skip, limit, today))
                known = pages.get(key)
                if known is not None and known[0] == version:
                    return known[1]
            listed = await uow.jobs.list(await excluding(uow, viewer, filters), skip, limit)
            person = profile_features((await load_user(uow, viewer)).profile)
        scored = Page(
            items=[RankedJob(job=j, match=score_job(person, j, today)) for j in listed.items],
            total=listed.total,
        )
        if pages is not None and version is not None:
            pages.put(key, version, scored)
        return scored


class GetJob(UseCase):
    """One stored job by id."""

    async def execute(self, job_id: int) -> Job:
        async with self._uow(read_only=True) as uow:
            return await load_job(uow, job_id)


class RankJobsForUser(UseCase):
    """Filter in storage, score candidates in the core, return a page best first;
    the jobs the user dismissed and those of companies they blocked are left out.

    ``job_title`` and ``experience`` stand in for the profile's desired role and years
    when given; the order is stable: score, then newest, then id.

    With a :class:`RankingIndex`, the jobs are taken in the order of an upper bound of
    their score and scored exactly until no job left can enter the page
    (:func:`best_by_bounds`): the same page as scoring every job. Without one (or when
    it cannot apply the filters), the repository's candidates are scored: the jobs
    sharing most skills, then the newest.

    With a :class:`RankingCache`, the order of the candidates (their ids, best first) is
    kept under a key of everything it depends on: the profile as ranked, the filters,
    the day (freshness counts days), the candidate limit and the newest stored job id
    (a new posting makes a new key). Paging through a ranking and asking again cost one
    read of the page's jobs and scoring those alone. A job changed in place keeps its
    cached position until the entry is dropped; its page entry is always scored afresh.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        max_candidates: int = 600,
        rankings: RankingCache | None = None,
        index: RankingIndex | None = None,
    ) -> None:
        super().__init__(uow, clock)
        self._max_candidates = max_candidates
        self._rankings = rankings
        self._index = index

    async def execute(
        self,
        actor: int,
        user_id: int | None,
        filters: JobFilter,
        *,
        job_title: str | None = None,
        experience: int | str | None = None,
        skip: int = 0,
        limit: int = 20,
    ) -> list[RankedJob]:
        target = owner(actor, user_id)
        skip, limit = norm.page(skip, limit)
        today = self._clock.today()
        async with self._uow(read_only=True) as uow:
            profile = self._stand_in((await load_user(uow, target)).profile, job_title, experience)
            person = profile_features(profile)
            filters = await excluding(uow, target, filters)
            rankings, key, ranking = self._rankings, b"", None
            order = None
            if self._index is not None:
                order = await self._index.order(uow, person, filters, today)
            depth = skip + limit if order is not None else self._max_candidates
            if rankings is not None:
                latest = await uow.jobs.latest_id()
                key = _ENCODE((profile, filters, today, depth, latest))
                ranking = await rankings.get(key)
            if ranking is None:
                if order is not None:
                    ranking = await best_by_bounds(uow, person, today, order, depth)
                else:
                    candidates = await uow.jobs.candidates(
                        filters, person_skills(profile), self._max_candidates
                    )
                    ranked = [
                        RankedJob(job=j, match=score_job(person, j, today)) for j in candidates
                    ]
                    ranked.sort(key=_rank_key)
                    ranking = array("q", [r.job.id for r in ranked])
                if rankings is not None:
                    await rankings.put(key, ranking)
            jobs = await uow.jobs.get_many(list(ranking[skip : skip + limit]))
        # the page's jobs whole, scored as they are now (a cached order may be older)
        return [RankedJob(job=job, match=score_job(person, job, today)) for job in jobs]

    @staticmethod
    def _stand_in(profile: Profile, job_title: str | None, experience: int | str | None) -> Profile:
        role = norm.text(job_title, "job_title")
        years = norm.years(experience, "experience")
        return msgspec.structs.replace(
            profile,
            desired_job_role=role or profile.desired_job_role,
            experience=years if years is not None else profile.experience,
        )


_ENCODE = msgspec.msgpack.Encoder().encode
"""Cache keys: a stable encoding of the values a ranking depends on."""


async def best_by_bounds(
    uow: UnitOfWork,
    person: ProfileFeatures,
    today: date,
    order: Iterator[Sequence[RankKey]],
    depth: int,
) -> array[int]:
    """The ids of the ``depth`` best jobs (score, then newest, then id), best first, from
    ``order``: jobs by an upper bound of their score, highest first.

    Jobs are scored exactly a chunk at a time, and the walk stops at the first whose
    bound key falls below the ``depth``-th best exact key found: every job after it has
    a lower bound, so a lower score, and cannot enter. Exact by construction.
    """
    best: list[RankKey] = []  # a min-heap of the depth best exact keys
    for chunk in order:
        cut = len(chunk)
        if len(best) == depth:
            floor = best[0]
            cut = next((i for i, key in enumerate(chunk) if key < floor), cut)
        for job in await uow.jobs.slim_many([key[2] for key in chunk[:cut]]):
            posted = job.date_posted.toordinal() if job.date_posted else 0
            exact = (score_job(person, job, today).score, posted, job.id)
            if len(best) < depth:
                heapq.heappush(best, exact)
            elif exact > best[0]:
                heapq.heapreplace(best, exact)
        if cut < len(chunk) or not depth:
            break
    best.sort(reverse=True)
    return array("q", [key[2] for key in best])


def person_skills(profile: Profile) -> list[str]:
    return sorted({canonical_skill(s) for s in profile.skills})


def _rank_key(r: RankedJob) -> tuple[int, int, int]:
    posted = r.job.date_posted.toordinal() if r.job.date_posted else 0
    return (-r.match.score, -posted, -r.job.id)


CatalogKind = Literal["technologies", "companies", "locations"]


class ListCatalog(UseCase):
    """What the stored jobs hold (technologies, companies, locations), most common first."""

    async def execute(
        self, kind: CatalogKind, skip: int = 0, limit: int = 20
    ) -> Page[CatalogEntry]:
        skip, limit = norm.page(skip, limit)
        async with self._uow(read_only=True) as uow:
            if kind == "technologies":
                return await uow.jobs.technologies(skip, limit)
            if kind == "companies":
                return await uow.jobs.companies(skip, limit)
            return await uow.jobs.locations(skip, limit)


class ListCountries:
    """Every ISO 3166-1 country as (code, name), from the maintained catalog."""

    def __init__(self, countries: CountryCatalog) -> None:
        self._countries = countries

    async def execute(self) -> list[tuple[str, str]]:
        return self._countries.all()
