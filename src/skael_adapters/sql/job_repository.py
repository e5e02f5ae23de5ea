"""The job repository: bulk upserts, filtered lists planned for the indexes, catalogs.

Filters mean exactly what ``skael_adapters.memory`` means by them. A page of jobs takes
two statements (rows, total) whatever its size: a job's technologies travel in its own
row, and ``job_technologies`` serves the technology filter, the catalog and the
candidates for ranking. Candidates take at most three statements and come slim: one
short JSON document per job (``rank_data``), decoded by msgspec (see "candidates").
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler

from skael_core.model import (
    CatalogEntry,
    Job,
    JobFilter,
    KnownPostings,
    Page,
    Technology,
    UpsertReport,
)
from skael_core.ports import JobRepository, page_reaches_end
from skael_core.sameness import sameness_key

from . import mapping
from .base import ConnectionHolder, SqlRepository, bounded
from .engine import prepared
from .job_writes import DEFAULT_BATCH_SIZE, Posting, SqlJobBulkLoad
from .tables import job_sources, job_technologies, jobs

_JOB_READ = [jobs.c[name] for name in mapping.JOB_READ_NAMES]
_JOB_BY_ID = prepared(sa.select(*_JOB_READ).where(jobs.c.id == sa.bindparam("id")))
_JOBS_BY_IDS = sa.select(*_JOB_READ).where(jobs.c.id.in_(sa.bindparam("ids", expanding=True)))
_ID_SLOTS = (4, 8, 16, 32, 64, 128)
"""Sizes of the prepared ``id IN (...)`` reads: a page's ids fill the smallest that holds
them, the last id repeated in the spare places (longer lists use the expanding read)."""
_JOBS_BY_ID_SLOTS = {
    size: prepared(
        sa.select(*_JOB_READ).where(jobs.c.id.in_([sa.bindparam(f"id{i}") for i in range(size)]))
    )
    for size in _ID_SLOTS
}
_LATEST_ID = prepared(sa.select(sa.func.coalesce(sa.func.max(jobs.c.id), 0)))
_SLIM_READ = [jobs.c.id, jobs.c.rank_data]
_RECENT_JOBS = (jobs.c.date_posted.desc().nulls_last(), jobs.c.id.desc())
_NEWEST_PAGE = prepared(
    sa.select(*_JOB_READ)
    .order_by(*_RECENT_JOBS)
    .limit(sa.bindparam("limit"))
    .offset(sa.bindparam("skip"))
)
_COUNT_JOBS = prepared(sa.select(sa.func.count()).select_from(jobs))
_SLIM_BY_IDS = sa.select(*_SLIM_READ).where(jobs.c.id.in_(sa.bindparam("ids", expanding=True)))
# On PostgreSQL a list of ids is one array parameter: one statement text (prepared once
# per connection) for any number of ids, where an expanding IN compiles and prepares a
# new text for each length.
_ID_ARRAY = sa.any_(sa.bindparam("ids", type_=postgresql.ARRAY(sa.BigInteger)))
_PG_SLIM_BY_IDS = sa.select(*_SLIM_READ).where(jobs.c.id == _ID_ARRAY)
_PG_JOBS_BY_IDS = sa.select(*_JOB_READ).where(jobs.c.id == _ID_ARRAY)
_EVERY_JOB = (
    sa.select(*_SLIM_READ)
    .where(jobs.c.id > sa.bindparam("after_id"))
    .order_by(jobs.c.id)
    .limit(sa.bindparam("limit"))
)
# The few rows of recent revisions come by the revision index, then sorted: "id + 0"
# keeps the planner from walking the whole primary key in order instead.
_CHANGED_SINCE = (
    sa.select(*_SLIM_READ)
    .where(jobs.c.revision >= sa.bindparam("mark"), jobs.c.id + 0 > sa.bindparam("after_id"))
    .order_by(jobs.c.id + 0)
    .limit(sa.bindparam("limit"))
)
# The next revision a SQLite writer gives (writers go one at a time); on PostgreSQL the
# oldest transaction still running: every one before it ended before this statement.
_SQLITE_CHANGE_MARK = sa.select(sa.func.coalesce(sa.func.max(jobs.c.revision), 0) + 1)
_PG_MARK = sa.cast(
    sa.cast(sa.func.pg_snapshot_xmin(sa.func.pg_current_snapshot()), sa.Text), sa.BigInteger
)
_PG_CHANGE_MARK = sa.select(_PG_MARK)
# The mark and the first page of changes in one statement, seen in one snapshot: a row
# with no job when nothing changed.
_marked = sa.select(_PG_MARK.label("mark")).subquery("marked")
_changed = _CHANGED_SINCE.subquery("changed")
_PG_MARK_AND_CHANGES = (
    sa.select(_marked.c.mark, _changed.c.id, _changed.c.rank_data)
    .select_from(_marked.outerjoin(_changed, sa.true()))
    .order_by(_changed.c.id)
)


def _contains(column: sa.ColumnElement[str], needle: str) -> sa.ColumnElement[bool]:
    # Both sides are lowered by Python: Unicode-exact, unlike SQL lower() on SQLite.
    return column.contains(needle.lower(), autoescape=True)


class min_years(sa.sql.functions.FunctionElement[int]):
    """The years a job asks for, read from its ``rank_data`` (``features.min_years``)."""

    type = sa.Integer()
    inherit_cache = True


@compiles(min_years, "sqlite")
def _min_years_sqlite(element: min_years, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_extract({compiler.process(element.clauses, **kw)}, '$.features.min_years')"


@compiles(min_years, "postgresql")
def _min_years_postgres(element: min_years, compiler: SQLCompiler, **kw: Any) -> str:
    document = f"CAST({compiler.process(element.clauses, **kw)} AS JSON)"
    return f"CAST(({document} #>> '{{features,min_years}}') AS INTEGER)"


def facet_conditions(f: JobFilter, table: sa.FromClause = jobs) -> list[sa.ColumnElement[bool]]:
    """The filters on columns that ``job_technologies`` repeats, on ``table``'s copies."""
    c = table.c
    found: list[sa.ColumnElement[bool]] = []
    if f.remote is not None:
        found.append(c.is_remote == f.remote)
    if f.country_code:
        found.append(c.country_code == f.country_code)
    if f.seniority:
        found.append(c.seniority_lc == f.seniority.lower())
    if f.min_salary is not None:
        found.append(c.offered_salary >= f.min_salary)
    if f.posted_since:
        found.append(c.date_posted >= f.posted_since)
    return found


def text_conditions(f: JobFilter, table: sa.FromClause = jobs) -> list[sa.ColumnElement[bool]]:
    """The substring filters, on the lower-cased columns of ``table`` (``jobs`` or an alias),
    and the exclusions (dismissed ids, blocked companies), which read the job row too."""
    c = table.c
    found: list[sa.ColumnElement[bool]] = []
    if f.exclude_ids:
        found.append(c.id.not_in(f.exclude_ids))
    if f.exclude_companies:
        found.append(sa.or_(c.company_lc.is_(None), c.company_lc.not_in(f.exclude_companies)))
    if f.company:
        found.append(_contains(c.company_lc, f.company))
    if f.job_title:
        found.append(_contains(c.title_lc, f.job_title))
    if f.locations:
        places = (c.location_lc, c.country_lc)
        found.append(sa.or_(*(_contains(p, n) for n in f.locations for p in places)))
    if f.experience is not None:
        asked = min_years(c.rank_data)
        found.append(sa.or_(asked.is_(None), asked <= f.experience))
    if f.q:
        # the description's copy is kept only where SQL's lower() would not give it
        description = sa.func.coalesce(c.description_lc, sa.func.lower(c.description))
        haystacks = (c.title_lc, c.company_lc, description)
        found.append(sa.or_(*(_contains(h, f.q) for h in haystacks)))
    return found


def job_conditions(f: JobFilter) -> list[sa.ColumnElement[bool]]:
    """The WHERE clauses of ``f`` on ``jobs``; each means what ``memory._matches`` means."""
    found = facet_conditions(f) + text_conditions(f)
    if f.technologies:
        t = job_technologies
        found.append(jobs.c.id.in_(sa.select(t.c.job_id).where(t.c.slug.in_(f.technologies))))
    return found


def job_list_queries(f: JobFilter) -> tuple[sa.Select[Any], sa.Select[Any]]:
    """The ordered rows of ``f`` and the same rows to count, planned for the indexes.

    With one technology, rows come from ``job_technologies`` (its index is in list order
    and holds the facets), joined to their jobs; the count needs no job row at all
    unless a substring filter is there too. Several technologies (any of them) are a
    semi-join on ``jobs``, which lists each job once.
    """
    one: sa.ColumnClause[Any] = sa.literal_column("1")
    if len(f.technologies) != 1:
        where = job_conditions(f)
        rows = sa.select(*_JOB_READ).where(*where).order_by(*_RECENT_JOBS)
        return rows, sa.select(one).select_from(jobs).where(*where)
    t = job_technologies
    tagged = [t.c.slug == f.technologies[0], *facet_conditions(f, t)]
    texts = text_conditions(f)
    joined = t.join(jobs, jobs.c.id == t.c.job_id)
    rows = (
        sa.select(*_JOB_READ)
        .select_from(joined)
        .where(*tagged, *texts)
        .order_by(t.c.date_posted.desc().nulls_last(), t.c.job_id.desc())
    )
    counted = sa.select(one).select_from(joined if texts else t)
    return rows, counted.where(*tagged, *texts)


# --------------------------------------------------------------------------- candidates
#
# Candidates come by the number of ``skills`` a job holds ("overlap"), then newest. A
# plain GROUP BY over every ``job_technologies`` row of the skills costs one step per
# row (tens of thousands for a common skill) before the first answer. Instead, with P
# the skills some job holds (counted first, smallest list first):
#
# 1. jobs holding two or more of P. A job holding two holds one of the smaller lists
#    (all of P but the largest), so those lists are grouped and the largest is looked
#    up per job in the primary key. With |P| = 2 every such job holds both: the smaller
#    list is read newest first from its index and the read stops at ``limit``.
# 2. when fewer than ``limit``: jobs holding exactly one skill (one arm per list, newest
#    first from its index, probing the others' absence) and jobs holding none (newest
#    first, probing P's absence), each arm stopping at what is still missing.
#
# Both statements read ``rank_data`` of their winners only, never a job's long text
# (unless a substring filter needs it), and the first statement counts P's lists.
# Each statement is consistent in itself; on PostgreSQL (READ COMMITTED) a write
# landing between them can only make this one answer slightly stale.


# Made once (an alias builds its columns when made); each subquery is a scope of its own.
_T = job_technologies.alias("t")  # the rows a candidate comes from
_U = job_technologies.alias("u")  # point lookups of (job_id, slug)
_J = jobs.alias("j")  # point lookups of a job's text


def _recent(t: sa.FromClause) -> tuple[sa.UnaryExpression[Any], ...]:
    return (t.c.date_posted.desc().nulls_last(), t.c.job_id.desc())


def _holds(
    job_id: sa.ColumnElement[int], slugs: Sequence[str], *, per_row: bool = False
) -> sa.ColumnElement[bool]:
    """The job holds one of ``slugs``: point lookups in the primary key (job_id, slug).

    ``per_row`` writes it as a scalar subquery, which PostgreSQL runs for each row as it
    comes (a read stopping at a limit stays short) instead of turning it into a semi-join
    that hashes the whole list of a common technology first.
    """
    u = _U
    wanted = u.c.slug == slugs[0] if len(slugs) == 1 else u.c.slug.in_(slugs)
    if per_row:
        found = sa.select(sa.func.count()).where(u.c.job_id == job_id, wanted)
        return found.scalar_subquery() > 0
    return sa.exists().where(u.c.job_id == job_id, wanted)


def _tagged_conditions(f: JobFilter, t: sa.FromClause, slug: str | None) -> list[Any]:
    """``f`` on a ``job_technologies`` row (alias ``t``) of ``slug``: facets on its copies,
    the technology and substring filters through the primary key of each table."""
    found: list[Any] = facet_conditions(f, t)
    if f.technologies and slug not in f.technologies:
        found.append(_holds(t.c.job_id, f.technologies))
    texts = text_conditions(f, _J)
    if texts:
        found.append(sa.exists().where(_J.c.id == t.c.job_id, *texts))
    return found


def _rows_of(ranked: sa.Subquery) -> sa.Select[Any]:
    """The slim rows of the jobs ``ranked`` names (job_id, date_posted, n), in its order."""
    return (
        sa.select(*_SLIM_READ)
        .select_from(ranked.join(jobs, jobs.c.id == ranked.c.job_id))
        .order_by(ranked.c.n.desc(), *_recent(ranked))
    )


def overlapping_query(f: JobFilter, present: Sequence[str], limit: int) -> sa.Select[Any]:
    """Jobs holding two or more of ``present`` (smallest list first), best first."""
    *smaller, largest = present
    t = _T
    if len(present) == 2:
        ranked = (
            sa.select(t.c.job_id, t.c.date_posted, sa.literal_column("2", sa.Integer).label("n"))
            .where(t.c.slug == smaller[0], *_tagged_conditions(f, t, smaller[0]))
            .where(_holds(t.c.job_id, [largest], per_row=True))
            .order_by(*_recent(t))
            .limit(limit)
        )
    else:
        counted = (
            sa.select(t.c.job_id, t.c.date_posted, sa.func.count().label("held"))
            .where(t.c.slug.in_(smaller), *_tagged_conditions(f, t, None))
            .group_by(t.c.job_id, t.c.date_posted)
            .subquery("counted")
        )
        u = _U  # the largest list, probed once per job
        largest_held = sa.and_(u.c.job_id == counted.c.job_id, u.c.slug == largest)
        n = (counted.c.held + sa.case((u.c.job_id.is_(None), 0), else_=1)).label("n")
        ranked = (
            sa.select(counted.c.job_id, counted.c.date_posted, n)
            .select_from(counted.outerjoin(u, largest_held))
            .where(n >= 2)
            .order_by(n.desc(), *_recent(counted))
            .limit(limit)
        )
    return _rows_of(ranked.subquery("ranked"))


def single_or_none_query(f: JobFilter, present: Sequence[str], limit: int) -> sa.Select[Any]:
    """Jobs holding exactly one of ``present``, then jobs holding none, newest first."""
    wanted = f.technologies
    technology = wanted[0] if len(wanted) == 1 else None
    arms: list[sa.Select[Any]] = []
    # With the technologies among the skills, every match holds one and no match holds none.
    t = _T
    among = bool(wanted) and set(wanted) <= set(present)
    for slug in [s for s in present if s in wanted] if among else present:
        others = [other for other in present if other != slug]
        arm = sa.select(t.c.job_id, t.c.date_posted, sa.literal_column("1", sa.Integer).label("n"))
        arm = arm.where(t.c.slug == slug, *_tagged_conditions(f, t, slug))
        if others:
            arm = arm.where(~_holds(t.c.job_id, others))
        arms.append(arm.order_by(*_recent(t)).limit(limit))
    if not among:
        none = sa.literal_column("0", sa.Integer).label("n")
        if technology:
            arm = sa.select(t.c.job_id, t.c.date_posted, none).where(
                t.c.slug == technology, *_tagged_conditions(f, t, technology)
            )
            job_id: sa.ColumnElement[int] = t.c.job_id
            recent = _recent(t)
        else:
            arm = sa.select(jobs.c.id.label("job_id"), jobs.c.date_posted, none).where(
                *job_conditions(f)
            )
            job_id, recent = jobs.c.id, _RECENT_JOBS
        if present:
            arm = arm.where(~_holds(job_id, present))
        arms.append(arm.order_by(*recent).limit(limit))
    if len(arms) == 1:
        return _rows_of(arms[0].subquery("ranked"))
    limited = [arm.subquery() for arm in arms]
    every = sa.union_all(*(sa.select(arm.c.job_id, arm.c.date_posted, arm.c.n) for arm in limited))
    merged = every.subquery("merged")
    ranked = sa.select(merged).order_by(merged.c.n.desc(), *_recent(merged)).limit(limit)
    return _rows_of(ranked.subquery("ranked"))


class SqlJobRepository(SqlRepository, JobRepository):
    def __init__(
        self,
        uow: ConnectionHolder,
        batch_size: int = DEFAULT_BATCH_SIZE,
        decoders: mapping.JobDecoders | None = None,
    ) -> None:
        super().__init__(uow)
        self._batch_size = batch_size
        self._decoders = decoders or mapping.JobDecoders()

    async def upsert_many(self, jobs_in: Sequence[Job]) -> UpsertReport:
        # One posting per key: the last values, at the place the key first appeared (so
        # new ids follow first appearance, as in memory). A write never meets a key twice.
        latest: dict[tuple[str, int], Job] = {}
        for job in jobs_in:
            latest[(job.source, job.source_id)] = job
        async with self.bulk_load() as load:
            await load.add_postings(Posting(job, sameness_key(job)) for job in latest.values())
        report = load.report
        ids = dict(zip(latest, report.ids, strict=True))
        return msgspec.structs.replace(
            report, ids=tuple(ids[(job.source, job.source_id)] for job in jobs_in)
        )

    def bulk_load(self) -> SqlJobBulkLoad:
        return SqlJobBulkLoad(self._conn, self._batch_size)

    async def get(self, job_id: int) -> Job | None:
        row = (await self._conn.execute(_JOB_BY_ID, {"id": job_id})).first()
        return None if row is None else self._decoders.full(row)

    async def get_many(self, job_ids: Sequence[int]) -> list[Job]:
        if not job_ids:
            return []
        ids = sorted(set(job_ids))
        size = next((size for size in _ID_SLOTS if size >= len(ids)), 0)
        if self._conn.dialect.name == "postgresql":
            rows = await self._conn.execute(_PG_JOBS_BY_IDS, {"ids": ids})
        elif size:
            last = len(ids) - 1
            slots = {f"id{i}": ids[min(i, last)] for i in range(size)}
            rows = await self._conn.execute(_JOBS_BY_ID_SLOTS[size], slots)
        else:
            rows = await self._conn.execute(_JOBS_BY_IDS, {"ids": ids})
        found = {row.id: self._decoders.full(row) for row in rows}
        return [found[i] for i in job_ids if i in found]

    async def list(self, filters: JobFilter, skip: int, limit: int) -> Page[Job]:
        if self._conn.dialect.name == "sqlite" and not job_conditions(filters):
            return await self._newest(skip, limit)
        rows, counted = job_list_queries(filters)
        return await self._page(rows, skip, limit, self._decoders.full, counted)

    async def _newest(self, skip: int, limit: int) -> Page[Job]:
        """A page of every job on SQLite, by two prepared statements.

        The total is a plain ``count(*)``: SQLite answers it by counting the cells of
        the smallest index of ``jobs`` page by page (microseconds at 5,000 jobs), where
        counting at most ``LIST_COUNT_LIMIT + 1`` rows of a subquery steps through
        them one at a time (0.1 - 0.4 ms at 5,000 jobs, more up to the bound). It is
        exact; above ``LIST_COUNT_LIMIT`` it is None, as every list's total is.
        """
        page = {"limit": limit, "skip": skip}
        rows = (await self._conn.execute(_NEWEST_PAGE, page)).all()
        total: int | None = skip + len(rows)  # the page reached the end: no need to count
        if not page_reaches_end(skip, limit, len(rows)):
            total = bounded((await self._conn.execute(_COUNT_JOBS)).scalar_one())
        full = self._decoders.full
        return Page(items=[full(row) for row in rows], total=total)

    async def candidates(
        self, filters: JobFilter, skills: Sequence[str], limit: int
    ) -> builtins.list[Job]:
        if limit <= 0:
            return []
        wanted = sorted(set(skills))
        sizes = await self._technology_sizes(wanted)
        present = sorted((slug for slug in wanted if sizes[slug]), key=lambda s: (sizes[s], s))
        found = []  # (id, rank_data) of each candidate, best first
        if len(present) >= 2:
            ranked = overlapping_query(filters, present, limit)
            found.extend((await self._conn.execute(ranked)).all())
        if len(found) < limit:
            rest = single_or_none_query(filters, present, limit - len(found))
            found.extend((await self._conn.execute(rest)).all())
        slim = self._decoders.slim
        return [slim(job_id, rank_data) for job_id, rank_data in found]

    async def _technology_sizes(self, slugs: Sequence[str]) -> dict[str, int]:
        """How many jobs hold each of ``slugs`` (an index range count each)."""
        if not slugs:
            return {}
        t = job_technologies
        counts = [
            sa.select(sa.func.count()).select_from(t).where(t.c.slug == slug).scalar_subquery()
            for slug in slugs
        ]
        row = (await self._conn.execute(sa.select(*counts))).one()
        return dict(zip(slugs, row, strict=True))

    async def slim_many(self, job_ids: Sequence[int]) -> builtins.list[Job]:
        if not job_ids:
            return []
        postgres = self._conn.dialect.name == "postgresql"
        query = _PG_SLIM_BY_IDS if postgres else _SLIM_BY_IDS
        rows = await self._conn.execute(query, {"ids": sorted(set(job_ids))})
        slim = self._decoders.slim
        found = {job_id: slim(job_id, rank_data) for job_id, rank_data in rows}
        return [found[i] for i in job_ids if i in found]

    async def change_mark(self) -> int:
        postgres = self._conn.dialect.name == "postgresql"
        query = _PG_CHANGE_MARK if postgres else _SQLITE_CHANGE_MARK
        return int((await self._conn.execute(query)).scalar_one())

    async def changed_since(self, mark: int, after_id: int, limit: int) -> builtins.list[Job]:
        values = {"after_id": after_id, "limit": limit}
        if mark > 0:
            query, values = _CHANGED_SINCE, {**values, "mark": mark}
        else:
            query = _EVERY_JOB
        rows = (await self._conn.execute(query, values)).all()
        return await self._slim_with_technologies([(job_id, data) for job_id, data in rows])

    async def changes(self, mark: int, limit: int) -> tuple[int, builtins.list[Job]]:
        if mark <= 0 or self._conn.dialect.name != "postgresql":
            return await self.change_mark(), await self.changed_since(mark, 0, limit)
        values = {"mark": mark, "after_id": 0, "limit": limit}
        rows = (await self._conn.execute(_PG_MARK_AND_CHANGES, values)).all()
        found = [(job_id, data) for _, job_id, data in rows if job_id is not None]
        return int(rows[0].mark), await self._slim_with_technologies(found)

    async def _slim_with_technologies(
        self, rows: builtins.list[tuple[int, str]]
    ) -> builtins.list[Job]:
        """Slim jobs of ``(id, rank_data)`` rows in ascending id order, with their
        technologies read in one more statement."""
        if not rows:
            return []
        t = job_technologies
        held: dict[int, builtins.list[Technology]] = {}
        first, last = rows[0][0], rows[-1][0]
        # a run of ids (a first load's pages) by its range, scattered ones by name
        near = last - first < 4 * len(rows)
        which = t.c.job_id.between(first, last) if near else t.c.job_id.in_([r[0] for r in rows])
        found = sa.select(t.c.job_id, t.c.slug, t.c.name).where(which)
        for job_id, slug, name in await self._conn.execute(found):
            held.setdefault(job_id, []).append(
                Technology(technology_slug=slug, technology_name=name)
            )
        slim = mapping.job_to_slim
        return [
            msgspec.structs.replace(slim(job_id, data), technologies=tuple(held.get(job_id, ())))
            for job_id, data in rows
        ]

    async def known_source_ids(self, source: str, limit: int) -> builtins.list[int]:
        own = (
            sa.select(jobs.c.source_id)
            .where(jobs.c.source == source)
            .order_by(jobs.c.discovered_at.desc().nulls_last(), jobs.c.id.desc())
            .limit(limit)
        )
        found = list((await self._conn.execute(own)).scalars())
        s = job_sources
        merged = (
            sa.select(s.c.source_id)
            .select_from(s.join(jobs, jobs.c.id == s.c.job_id))
            .where(s.c.source == source)
            .order_by(jobs.c.discovered_at.desc().nulls_last(), jobs.c.id.desc(), s.c.source_id)
            .limit(limit)
        )
        found += (await self._conn.execute(merged)).scalars()
        return found[:limit]

    async def known_postings(
        self, source: str, since: datetime | None, limit: int, filters: JobFilter | None = None
    ) -> KnownPostings:
        where = job_conditions(filters) if filters is not None else []
        found = await self._known(source, since, limit + 1, where)  # one more: move the bound?
        if len(found) > limit > 0:
            edge = found[limit - 1][0]
            if edge is None:
                found = found[:limit]
            else:
                since = edge
                found = await self._known(source, edge, None, where)
        return KnownPostings(ids=tuple(sid for _, sid in found), since=since)

    async def _known(
        self,
        source: str,
        since: datetime | None,
        limit: int | None,
        where: builtins.list[sa.ColumnElement[bool]],
    ) -> builtins.list[tuple[datetime | None, int]]:
        """(discovered at, provider id) of the postings of ``source`` stored as jobs of
        their own and merged into others, discovered at or after ``since``, newest first
        (each read along the index on ``source, discovered_at``)."""
        s = job_sources
        merged_at = sa.func.coalesce(s.c.discovered_at, jobs.c.discovered_at)
        own = sa.select(jobs.c.discovered_at, jobs.c.source_id).where(
            jobs.c.source == source, *where
        )
        merged = (
            sa.select(merged_at, s.c.source_id)
            .select_from(s.join(jobs, jobs.c.id == s.c.job_id))
            .where(s.c.source == source, *where)
        )
        found: builtins.list[tuple[datetime | None, int]] = []
        for query, at in ((own, jobs.c.discovered_at), (merged, merged_at)):
            if since is not None:
                query = query.where(at >= self._stored_moment(since))
            query = query.order_by(at.desc().nulls_last(), jobs.c.id.desc())
            if limit is not None:
                query = query.limit(limit)
            found.extend((at, sid) for at, sid in await self._conn.execute(query))
        found.sort(key=lambda f: (f[0] is not None, f[0]), reverse=True)
        return found if limit is None else found[:limit]

    def _stored_moment(self, moment: datetime) -> Any:
        """``moment`` as job writes store it: on SQLite the text ``bulk`` makes of a
        time (UTC, ``isoformat(" ")``), which a bound ``DateTime`` would not equal."""
        if self._conn.dialect.name != "sqlite":
            return moment
        utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
        return sa.literal(utc.replace(tzinfo=None).isoformat(" "), sa.Text)

    async def stored_between(
        self, filters: JobFilter, after_id: int, upto_id: int, limit: int
    ) -> builtins.list[Job]:
        if limit <= 0 or upto_id <= after_id:
            return []
        query = (
            sa.select(*_JOB_READ)
            .where(jobs.c.id > after_id, jobs.c.id <= upto_id, *job_conditions(filters))
            .order_by(jobs.c.id.desc())
            .limit(limit)
        )
        full = self._decoders.full
        return [full(row) for row in await self._conn.execute(query)]

    async def count(self) -> int:
        result = await self._conn.execute(sa.select(sa.func.count()).select_from(jobs))
        return int(result.scalar_one())

    async def latest_id(self) -> int:
        return int((await self._conn.execute(_LATEST_ID)).scalar_one())

    async def technologies(self, skip: int, limit: int) -> Page[CatalogEntry]:
        t = job_technologies
        n = sa.func.count().label("n")
        # A slug's name is the one of its lowest job id, as memory keeps the first seen.
        page = (
            sa.select(t.c.slug, n, sa.func.min(t.c.job_id).label("first"))
            .group_by(t.c.slug)
            .order_by(n.desc(), t.c.slug)
            .limit(limit)
            .offset(skip)
            .subquery()
        )
        named = t.alias("named")
        query = (
            sa.select(page.c.slug, named.c.name, page.c.n)
            .join(named, sa.and_(named.c.job_id == page.c.first, named.c.slug == page.c.slug))
            .order_by(page.c.n.desc(), page.c.slug)
        )
        rows = (await self._conn.execute(query)).all()
        counted = sa.select(sa.func.count(sa.distinct(t.c.slug)))
        total = (await self._conn.execute(counted)).scalar_one()
        entries = [CatalogEntry(key=slug, name=name, count=count) for slug, name, count in rows]
        return Page(items=entries, total=total)

    async def companies(self, skip: int, limit: int) -> Page[CatalogEntry]:
        return await self._catalog(jobs.c.company, _present(jobs.c.company), skip, limit)

    async def locations(self, skip: int, limit: int) -> Page[CatalogEntry]:
        return await self._catalog(jobs.c.location, _present(jobs.c.location), skip, limit)

    async def _catalog(
        self, key: sa.ColumnElement[str], where: sa.ColumnElement[bool], skip: int, limit: int
    ) -> Page[CatalogEntry]:
        """Distinct values of ``key`` (each its own name), most common first."""
        count = sa.func.count().label("n")
        query = (
            sa.select(key.label("key"), count)
            .where(where)
            .group_by(key)
            .order_by(count.desc(), key)
            .limit(limit)
            .offset(skip)
        )
        rows = (await self._conn.execute(query)).all()
        counted = sa.select(sa.func.count(sa.distinct(key))).where(where)
        total = (await self._conn.execute(counted)).scalar_one()
        entries = [CatalogEntry(key=r.key, name=r.key, count=r.n) for r in rows]
        return Page(items=entries, total=total)


def _present(column: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
    """Not NULL and not empty: what Python's truth test keeps."""
    return sa.and_(column.is_not(None), column != "")
