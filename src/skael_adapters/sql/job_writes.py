"""Storing postings: the job repository's bulk load, which owns every job write.

:class:`SqlJobBulkLoad` takes prepared postings, groups them into writes of
``batch_size`` and sends each while the next is turned into parameters (the statements
run on the database driver's thread while this one binds values). Each write:

1. finds which postings are stored: by their own key (``jobs.source, source_id``), or
   as merged into another job (``job_sources``);
2. finds, for each new one, a stored job it is the same as (:mod:`skael_core.sameness`:
   ``jobs.same_key`` within the window), or an earlier posting of the same write;
3. inserts the rest as new jobs and refreshes the known ones (ids in order, with their
   ``job_technologies`` rows), then lists the merged ones among their job's sources
   (``job_sources`` and the job's ``also_posted``).

On SQLite a load that writes at least ``DEFER_INDEXES_FROM`` jobs and at least as
many as the table held drops the list indexes and builds them again when it ends (see
:class:`_IndexDeferral`). The index on ``same_key`` is gone with them, so the load reads
every stored key once and keeps the hash of each with its job's id
(:class:`~.same_keys.SameKeyIds`, 16 bytes a slot); a write then reads back by id the
few stored jobs whose key hashes as one of its postings' does.

On PostgreSQL a load that wrote at least ``ANALYZE_FROM`` jobs and a tenth of the rows
the table held at its last ANALYZE runs ANALYZE on the tables it filled, in its
transaction (see :meth:`SqlJobBulkLoad._gather_statistics`).
"""

from __future__ import annotations

import asyncio
import operator
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from types import TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from skael_core.model import Job, PreparedJob, UpsertReport, combined
from skael_core.ports import JobBulkLoad
from skael_core.sameness import SameJobs, merge_link, posted_on

from . import bulk, mapping
from .same_keys import SameKeyIds
from .tables import job_sources, job_technologies, jobs

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

DEFAULT_BATCH_SIZE = 1000
"""Jobs per write when the container does not say (``SKAEL_IMPORT_BATCH_SIZE``)."""

DEFER_INDEXES_FROM = 2_000
"""Jobs a SQLite load writes before it may build the list indexes once at its end
instead of entry by entry (see :class:`_IndexDeferral`)."""

Key = tuple[str, int]

_JOB_UPSERT_COLUMNS = list(mapping.JOB_ROW_NAMES)
_JOB_REFRESHED = [name for name in _JOB_UPSERT_COLUMNS if name not in ("source", "source_id")]
_TECHNOLOGY_COLUMNS = ["job_id", "slug", "name", *mapping.TECHNOLOGY_COPIES]
_copied = operator.itemgetter(
    *(_JOB_UPSERT_COLUMNS.index(name) for name in mapping.TECHNOLOGY_COPIES)
)
_JOB_INSERT_COLUMNS = ["id", *_JOB_UPSERT_COLUMNS, "revision"]
_JOB_REFRESHED_REVISED = [*_JOB_REFRESHED, "revision"]
_REFRESHED_POSITIONS = [_JOB_UPSERT_COLUMNS.index(name) for name in _JOB_REFRESHED]
_NEXT_SQLITE_JOB_ID = (
    "SELECT max(ifnull((SELECT seq FROM sqlite_sequence WHERE name = 'jobs'), 0),"
    " ifnull((SELECT max(id) FROM jobs), 0)) + 1"
)
_SECONDARY_INDEXES = (
    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    " AND tbl_name IN ('jobs', 'job_technologies') ORDER BY name"
)
_SQLITE_REVISION = "SELECT coalesce(max(revision), 0) + 1 FROM jobs"
_PG_REVISION = "SELECT pg_current_xact_id()::text::bigint, current_setting('jit')"
_PG_JIT = "SELECT set_config('jit', $1, true)"
_LATEST_ID = sa.select(sa.func.coalesce(sa.func.max(jobs.c.id), 0))
_ANY_SOURCE_LINK = sa.select(sa.exists().select_from(job_sources))
_SAME_READ = sa.select(
    jobs.c.id, jobs.c.same_key, jobs.c.date_posted, jobs.c.discovered_at, jobs.c.source
).order_by(jobs.c.id)  # the oldest-stored job first
_SAME_BY_KEY = _SAME_READ.where(jobs.c.same_key.in_(sa.bindparam("keys", expanding=True)))
_SAME_BY_ID = _SAME_READ.where(jobs.c.id.in_(sa.bindparam("ids", expanding=True)))
_EVERY_KEY = "SELECT id, same_key FROM jobs WHERE same_key IS NOT NULL"
_PG_ROWS_AT_ANALYZE = "SELECT reltuples FROM pg_class WHERE oid = 'jobs'::regclass"
_PG_ANALYZE = (
    "SET LOCAL default_statistics_target = 10",
    "ANALYZE jobs, job_technologies, job_sources",
    "SET LOCAL default_statistics_target TO DEFAULT",
)
_PG_ANALYZE_LOCK = f"SELECT pg_try_advisory_xact_lock({zlib.crc32(b'skael-job-statistics')})"

ANALYZE_FROM = 50
"""Jobs a PostgreSQL load writes, beside a tenth of the table, before it gathers the
planner's statistics itself (autovacuum's own default rule: 50 rows and 10%)."""
# PostgreSQL: the lookups of a write probe an index once per value, whatever the
# planner's statistics say. Until the load ends (_gather_statistics) none count the rows
# its own transaction wrote, and with `IN` lists the planner then scanned the whole
# table for every write (time growing with the rows).
_PG_STORED_IDS = (
    "SELECT g.source_id, (SELECT t.{column} FROM {table} t WHERE t.source = $1"
    " AND t.source_id = g.source_id) FROM unnest($2::bigint[]) AS g(source_id)"
)
_PG_SAME_BY_KEY = (
    sa.text(
        "SELECT j.id, j.same_key, j.date_posted, j.discovered_at, j.source"
        " FROM unnest(:keys) AS k(same_key), LATERAL (SELECT id, same_key, date_posted,"
        " discovered_at, source FROM jobs WHERE jobs.same_key = k.same_key OFFSET 0) AS j"
        " ORDER BY j.id"  # OFFSET 0: probed key by key, never joined by a scan
    )
    .bindparams(sa.bindparam("keys", type_=postgresql.ARRAY(sa.Text)))
    .columns(jobs.c.id, jobs.c.same_key, jobs.c.date_posted, jobs.c.discovered_at, jobs.c.source)
)


class Posting(NamedTuple):
    """A posting stored as given (``upsert_many``): the job and its sameness key, the two
    fields of a :class:`PreparedJob`, which the load keeps as it comes."""

    job: Job
    same_key: str | None


class _Batch(NamedTuple):
    postings: list[Posting | PreparedJob]  # one per key: its last values, at its first place
    keys: list[Key]
    rows: list[tuple[Any, ...]]  # each posting's bound values, in _JOB_UPSERT_COLUMNS order
    technologies: list[tuple[int, str, str]]  # (index in batch, slug, name)
    order: list[Key]  # the key of every posting given, in order, repeats included


class _Plan(NamedTuple):
    """What a write does with each posting of a batch (by index)."""

    written: list[int]  # rows to write: new jobs and refreshed ones
    known: dict[Key, int]  # keys stored as jobs of their own
    links: list[tuple[int, int | None, int | None]]  # (index, job id | None, lead index | None)
    updated: int
    merged: int


class _Refreshing:
    """The stored jobs a batch's new postings may be the same as, while the batch also
    refreshes some of them: a refreshed job answers to its new key, day and source from
    its place in the batch on, as it does when postings are stored one by one."""

    def __init__(
        self,
        stored: SameJobs,
        postings: Sequence[Posting | PreparedJob],
        refreshed: list[tuple[int, int]],
    ) -> None:
        self._stored = stored
        self._postings = postings
        self._refreshed = refreshed  # (place in the batch, job id), in batch order
        self._next = 0
        self._keys: dict[int, str | None] = {}  # refreshed job id -> its key now
        self._moved_in: dict[str, dict[int, tuple[date | None, str]]] = {}

    def find(self, place: int, key: str, posting: Job) -> int | None:
        """The job a new posting at ``place`` with sameness key ``key`` is the same as."""
        self._refresh_before(place)
        keys = self._keys
        if not keys:
            return self._stored.find(key, posting) if key in self._stored else None
        moved_in = self._moved_in.get(key, {})
        same = SameJobs()
        entries = [
            (job_id, *moved_in[job_id]) if job_id in moved_in else (job_id, day, source)
            for job_id, day, source in self._stored.entries(key)
            if keys.get(job_id, key) == key
        ]
        listed = {entry[0] for entry in entries}
        entries += [(job_id, *at) for job_id, at in moved_in.items() if job_id not in listed]
        for job_id, day, source in sorted(entries, key=operator.itemgetter(0)):
            same.add(key, job_id, day, source)
        return same.find(key, posting)

    def _refresh_before(self, place: int) -> None:
        refreshed = self._refreshed
        while self._next < len(refreshed) and refreshed[self._next][0] < place:
            at, job_id = refreshed[self._next]
            self._next += 1
            posting = self._postings[at]
            old = self._keys.get(job_id)
            if old is not None:
                self._moved_in.get(old, {}).pop(job_id, None)
            self._keys[job_id] = posting.same_key
            if posting.same_key is not None:
                day, source = posted_on(posting.job), posting.job.source
                self._moved_in.setdefault(posting.same_key, {})[job_id] = (day, source)


class _IndexDeferral:
    """A SQLite load's choice between keeping the list indexes of ``jobs`` and
    ``job_technologies`` up to date row by row, and building them once at its end.

    Each of those indexes costs a b-tree insert per job (per technology row for the
    technology index), more than half of SQLite's work on an import; ``CREATE INDEX``
    over the finished table sorts its entries and writes the b-tree in order, at about
    half the cost per entry. So once a load has written at least ``DEFER_INDEXES_FROM``
    jobs and at least as many as the table held when it began, the indexes are
    dropped, in the transaction, and built again when the load ends. Building over the
    whole table then costs at most what the rows of the load would have cost.

    Nobody else sees the indexes missing: other connections read the last committed
    state (WAL) and no other writer runs while this one holds the write lock. A
    rollback, or a crash, puts the dropped indexes back with everything else. The
    unique key (``source``, ``source_id``) and the primary keys stay, so the load
    still finds its known jobs by key. PostgreSQL keeps its indexes: dropping one
    there locks out its readers.
    """

    def __init__(self) -> None:
        self.stored: int | None = None  # highest job id when the load began
        self.written = 0  # jobs written by the load
        self.rebuild: list[str] = []  # CREATE INDEX statements of the dropped indexes

    def due(self, incoming: int) -> bool:
        """Whether, with ``incoming`` more jobs, the indexes should be built at the end."""
        assert self.stored is not None
        self.written += incoming
        return not self.rebuild and self.written >= max(DEFER_INDEXES_FROM, self.stored)


class SqlJobBulkLoad(JobBulkLoad):
    """One bulk load on a unit of work's connection (see the module's docstring)."""

    def __init__(self, connection: AsyncConnection, batch_size: int) -> None:
        self._conn = connection
        self._batch_size = max(1, batch_size)
        self._sqlite = connection.dialect.name == "sqlite"
        self._bind = bulk.binder(connection.dialect, jobs, _JOB_UPSERT_COLUMNS)
        self._pending: list[Posting | PreparedJob] = []  # as given: both have job, same_key
        self._writing: asyncio.Future[UpsertReport] | None = None
        self._reports: list[UpsertReport] = []
        self._deferral = _IndexDeferral()
        self._same_ids: SameKeyIds | None = None  # every stored key, once the index is gone
        self._links_stored = False  # whether job_sources has held a row during this load
        self._revision: int | None = None  # the mark of this load's job writes
        self._jit: str | None = None  # PostgreSQL's jit setting, off during the load

    @property
    def report(self) -> UpsertReport:
        return combined(self._reports)

    async def add(self, jobs_in: Sequence[PreparedJob]) -> None:
        self._pending.extend(jobs_in)
        await self._send(full_only=True)

    async def add_postings(self, postings: Iterable[Posting]) -> None:
        """Store postings that were not prepared here (``upsert_many``: stored as given)."""
        self._pending.extend(postings)
        await self._send(full_only=True)

    async def __aenter__(self) -> SqlJobBulkLoad:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if error is None:
            await self._send(full_only=False)
            await self._finish()
            await self._build_indexes()
            await self._gather_statistics()
            await self._restore_jit()
            return
        await self._abandon()
        if isinstance(error, Exception):
            # the unit of work may go on and commit: it must find its indexes there
            await self._build_indexes()

    async def _send(self, *, full_only: bool) -> None:
        """Write the pending postings, a batch at a time: each batch is bound while the
        one before it is written."""
        size = self._batch_size
        while len(self._pending) >= size or (self._pending and not full_only):
            chunk, self._pending = self._pending[:size], self._pending[size:]
            batch = self._prepare(chunk)  # the write before runs meanwhile
            await self._finish()
            self._writing = asyncio.ensure_future(self._write(batch))
            await asyncio.sleep(0)  # the statements are on their way to the database

    async def _finish(self) -> None:
        writing, self._writing = self._writing, None
        if writing is not None:
            self._reports.append(await writing)

    async def _abandon(self) -> None:
        """Never leave a statement running: wait for the write under way, whatever it did."""
        writing, self._writing = self._writing, None
        self._pending = []
        if writing is not None:
            await asyncio.wait([writing])
            if not writing.cancelled():
                writing.exception()  # retrieved: the error that ends the load is raised

    def _prepare(self, chunk: list[Posting | PreparedJob]) -> _Batch:
        latest: dict[Key, Posting | PreparedJob] = {}
        order = []
        for posting in chunk:
            job = posting.job
            key = (job.source, job.source_id)
            latest[key] = posting
            order.append(key)
        postings = list(latest.values())
        bind = self._bind
        rows: list[tuple[Any, ...]] = []
        technologies: list[tuple[int, str, str]] = []
        for index, posting in enumerate(postings):
            job = posting.job
            rows.append(tuple(bind(mapping.job_row(job, posting.same_key))))
            technologies.extend(
                (index, slug, name) for slug, name in mapping.job_technologies(job).items()
            )
        return _Batch(postings, list(latest), rows, technologies, order)

    # ----------------------------------------------------------------------- one write

    async def _write(self, batch: _Batch) -> UpsertReport:
        if self._revision is None:
            self._revision = await self._revision_of_load()
        if self._sqlite:
            await self._defer_indexes_if_due(len(batch.keys))
        plan = await self._plan(batch)
        if self._sqlite:
            ids = await self._write_sqlite(batch, plan)
        else:
            ids = await self._write_postgres(batch, plan)
        if self._same_ids is not None:
            self._remember_keys(batch, plan, ids)
        await self._link(batch, plan, ids)
        by_key = dict(zip(batch.keys, ids, strict=True))
        new = len(plan.written) - len(plan.known)
        return UpsertReport(
            ids=tuple(map(by_key.__getitem__, batch.order)),
            new=new,
            updated=plan.updated,
            merged=plan.merged,
        )

    async def _plan(self, batch: _Batch) -> _Plan:
        keys, postings = batch.keys, batch.postings
        known = await self._stored_ids(jobs, keys)
        rest = [key for key in keys if key not in known]
        aliases = {}
        if rest and await self._any_links():
            aliases = await self._stored_ids(job_sources, rest, column="job_id")
        fresh = [i for i, key in enumerate(keys) if key not in known and key not in aliases]
        same_keys = [postings[i].same_key for i in fresh]
        stored = await self._stored_same({key for key in same_keys if key is not None})
        refreshed = [(i, known[key]) for i, key in enumerate(keys) if key in known]
        repeated = {key for key, count in Counter(same_keys).items() if count > 1}
        links: list[tuple[int, int | None, int | None]] = [
            (i, aliases[key], None) for i, key in enumerate(keys) if key in aliases
        ]
        updated = len(known) + len(aliases)
        # the keys a new posting may merge under: stored ones, and keys two share
        open_keys = repeated.union(k for k in set(same_keys) if k is not None and k in stored)
        if not open_keys and not refreshed:
            # nothing stored or refreshed for a new posting to be the same as, and no
            # two sharing a key: every new posting is written
            return _Plan(fresh, known, links, updated, 0)
        refreshing = _Refreshing(stored, postings, refreshed) if refreshed else None
        in_batch = SameJobs()  # new jobs of this batch sharing a key, by index
        written = [i for i, key in enumerate(keys) if key in known]
        merged = 0
        for index, same_key in zip(fresh, same_keys, strict=True):
            if same_key is not None and (refreshing is not None or same_key in open_keys):
                job = postings[index].job
                if refreshing is not None:
                    target = refreshing.find(index, same_key, job)
                else:
                    target = stored.find(same_key, job)
                lead = None
                if same_key in repeated:
                    lead = None if target is not None else in_batch.find(same_key, job)
                    if target is None and lead is None:
                        in_batch.add(same_key, index, posted_on(job), job.source)
                if target is not None or lead is not None:
                    links.append((index, target, lead))
                    merged += 1
                    continue
            written.append(index)
        written.sort()  # in the batch's order, as the ids new jobs get
        links.sort()
        return _Plan(written, known, links, updated, merged)

    async def _any_links(self) -> bool:
        """Whether ``job_sources`` holds a row: until it does (a store that never merged
        a posting), a batch's new keys need not be looked up there, a query of a thousand
        values saved per batch (about a tenth of an import's time)."""
        if not self._links_stored:
            self._links_stored = bool((await self._conn.execute(_ANY_SOURCE_LINK)).scalar())
        return self._links_stored

    async def _stored_same(self, wanted: set[str]) -> SameJobs:
        """The stored jobs (this load's earlier writes among them) whose sameness key is
        one of ``wanted``, the oldest first: found through the index on ``same_key``,
        or, once a SQLite load has dropped it, read back by the ids ``_same_ids`` gives
        for the keys' hashes."""
        same = SameJobs()
        if not wanted:
            return same
        if not self._sqlite:
            found = await self._conn.execute(_PG_SAME_BY_KEY, {"keys": sorted(wanted)})
        elif self._same_ids is None:
            found = await self._conn.execute(_SAME_BY_KEY, {"keys": sorted(wanted)})
        else:
            ids = self._same_ids.candidates_of(wanted)
            if not ids:
                return same
            found = await self._conn.execute(_SAME_BY_ID, {"ids": sorted(ids)})
        for job_id, same_key, posted, discovered, source in found:
            if same_key in wanted:  # not one of the other keys sharing a hash
                day = posted or (discovered and discovered.date())
                same.add(same_key, job_id, day, source)
        return same

    def _remember_keys(self, batch: _Batch, plan: _Plan, ids: list[int]) -> None:
        """Add the keys of the jobs this write stored to ``_same_ids`` (a refreshed job
        may have a new key; its old one stays, and reads back as another key's)."""
        assert self._same_ids is not None
        postings = batch.postings
        written = [(postings[index].same_key, ids[index]) for index in plan.written]
        self._same_ids.add_all([(key, job_id) for key, job_id in written if key is not None])

    async def _stored_ids(
        self, table: sa.Table, keys: list[Key], column: str = "id"
    ) -> dict[Key, int]:
        """The job ids ``table`` holds for ``keys`` (``column`` names the job)."""
        by_source: dict[str, list[int]] = {}
        for source, source_id in keys:
            by_source.setdefault(source, []).append(source_id)
        found: dict[Key, int] = {}
        for source, source_ids in by_source.items():
            if not self._sqlite:
                sql = _PG_STORED_IDS.format(column=column, table=table.name)
                result = await self._conn.exec_driver_sql(sql, (source, source_ids))
                pairs = cast("Iterable[tuple[int, int | None]]", result)
                found.update(((source, sid), job_id) for sid, job_id in pairs if job_id)
                continue
            # straight to the driver: building this statement through SQLAlchemy (a
            # thousand bound values) costs ten times what SQLite takes to answer it
            first, *marks = bulk.markers(self._conn.dialect, 1 + len(source_ids)).split(", ")
            result = await self._conn.exec_driver_sql(
                f"SELECT source_id, {column} FROM {table.name} WHERE source = {first}"
                f" AND source_id IN ({', '.join(marks)})",
                (source, *source_ids),
            )
            pairs = cast("Iterable[tuple[int, int]]", result)  # rows of (source_id, id)
            found.update(((source, source_id), job_id) for source_id, job_id in pairs)
        return found

    async def _write_sqlite(self, batch: _Batch, plan: _Plan) -> list[int]:
        """New jobs get the ids AUTOINCREMENT would give them, in order, so that they go
        in by one prepared ``INSERT`` (``executemany``) instead of an upsert that
        returns rows; known ones are updated by id. The ids are read and used inside the
        unit of work's transaction, which holds SQLite's write lock (``BEGIN
        IMMEDIATE``), or fails to take it if another writer got in since."""
        known = plan.known
        revision = self._revision
        new_count = len(plan.written) - len(known)
        next_id = await self._next_id() if new_count else 0
        ids = [0] * len(batch.keys)
        inserted: list[tuple[Any, ...]] = []
        refreshed: list[tuple[Any, ...]] = []
        for index in plan.written:
            row = batch.rows[index]
            job_id = known.get(batch.keys[index])
            if job_id is None:
                job_id, next_id = next_id, next_id + 1
                inserted.append((job_id, *row, revision))
            else:
                refreshed.append((*(row[p] for p in _REFRESHED_POSITIONS), revision, job_id))
            ids[index] = job_id
        if inserted:
            await bulk.insert_rows(self._conn, jobs, _JOB_INSERT_COLUMNS, inserted)
        if refreshed:
            await bulk.update_rows(self._conn, jobs, _JOB_REFRESHED_REVISED, refreshed)
        await self._replace_technologies(batch, plan, ids, list(plan.known.values()))
        return ids

    async def _revision_of_load(self) -> int:
        """What every job this load writes holds in ``jobs.revision``: on PostgreSQL the
        id of the writing transaction, on SQLite (writers one at a time) one more than
        any job holds. Read once, before the load may set the indexes aside.

        On PostgreSQL the load also turns JIT compilation off until it ends: without
        statistics on the rows it writes (see ``_PG_STORED_IDS``) the planner guesses
        its key lookups costly enough to compile, which took 200 ms a write against
        under 5 ms to run them."""
        if self._sqlite:
            return int((await self._conn.exec_driver_sql(_SQLITE_REVISION)).scalar_one())
        found = (await self._conn.exec_driver_sql(_PG_REVISION)).one()
        revision, self._jit = cast("tuple[int, str]", found)
        await self._conn.exec_driver_sql(_PG_JIT, ("off",))
        return int(revision)

    async def _restore_jit(self) -> None:
        jit, self._jit = self._jit, None
        if jit is not None and jit != "off":
            await self._conn.exec_driver_sql(_PG_JIT, (jit,))

    async def _next_id(self) -> int:
        """The id SQLite's AUTOINCREMENT would give the next job: past every id ever used."""
        result = await self._conn.exec_driver_sql(_NEXT_SQLITE_JOB_ID)
        return int(result.scalar_one())

    async def _write_postgres(self, batch: _Batch, plan: _Plan) -> list[int]:
        """``INSERT .. ON CONFLICT (source, source_id) DO UPDATE .. RETURNING`` the ids,
        and whether each row was there (one the statement inserted has no ``xmax``)."""
        ids = [0] * len(batch.keys)
        if not plan.written:
            return ids
        revision = self._revision
        returned = await bulk.insert_rows(
            self._conn,
            jobs,
            [*_JOB_UPSERT_COLUMNS, "revision"],
            [(*batch.rows[index], revision) for index in plan.written],
            conflict=("source", "source_id"),
            update=_JOB_REFRESHED_REVISED,
            returning=("id", "source", "source_id", "xmax <> 0"),
        )
        found = {}
        refreshed = set(plan.known.values())
        # rows of (id, source, source_id, updated)
        for job_id, source, source_id, updated in cast(
            "Iterable[tuple[int, str, int, bool]]", returned
        ):
            found[(source, source_id)] = job_id
            if updated:
                # known before the load, or stored by another transaction since the
                # lookup: the upsert, having waited for it, refreshed that job in place
                refreshed.add(job_id)
        for index in plan.written:
            ids[index] = found[batch.keys[index]]
        await self._replace_technologies(batch, plan, ids, sorted(refreshed))
        return ids

    async def _replace_technologies(
        self, batch: _Batch, plan: _Plan, ids: list[int], refreshed: list[int]
    ) -> None:
        """Write the technology rows of the batch's written jobs, after deleting those of
        ``refreshed`` (jobs that may have some already)."""
        if refreshed:
            await self._conn.execute(
                sa.delete(job_technologies).where(job_technologies.c.job_id.in_(refreshed))
            )
        # a technology row repeats its job's (already bound) filter columns
        copies = {index: _copied(batch.rows[index]) for index in plan.written}
        rows = [
            (ids[index], slug, name, *copies[index])
            for index, slug, name in batch.technologies
            if index in copies
        ]
        if rows and self._sqlite:
            await bulk.insert_rows(self._conn, job_technologies, _TECHNOLOGY_COLUMNS, rows)
        elif rows:
            await bulk.copy_rows(self._conn, job_technologies, _TECHNOLOGY_COLUMNS, rows)

    async def _link(self, batch: _Batch, plan: _Plan, ids: list[int]) -> None:
        """List the merged postings among their jobs' sources."""
        if not plan.links:
            return
        by_job: dict[int, list[Job]] = {}
        sources = []
        for index, target, lead in plan.links:
            job_id = target if target is not None else ids[cast("int", lead)]
            ids[index] = job_id
            posting = batch.postings[index].job
            by_job.setdefault(job_id, []).append(posting)
            sources.append(
                {
                    "source": posting.source,
                    "source_id": posting.source_id,
                    "job_id": job_id,
                    "url": posting.apply_url,
                    "date_posted": posted_on(posting),
                    "discovered_at": posting.discovered_at,
                }
            )
        insert = _dialect_insert(self._conn, job_sources)
        upsert = insert.on_conflict_do_update(
            index_elements=["source", "source_id"],
            set_={
                "url": insert.excluded.url,
                "date_posted": insert.excluded.date_posted,
                "discovered_at": insert.excluded.discovered_at,
            },
        )
        await self._conn.execute(upsert, sources)
        current = await self._conn.execute(
            sa.select(jobs.c.id, jobs.c.also_posted).where(jobs.c.id.in_(sorted(by_job)))
        )
        changes = []
        for job_id, value in current:
            links = mapping.links_of(value)
            for posting in by_job[job_id]:
                links = merge_link(links, posting)
            changes.append({"job_id": job_id, "links": mapping.links_value(links)})
        await self._conn.execute(
            sa.update(jobs)
            .where(jobs.c.id == sa.bindparam("job_id"))
            .values(also_posted=sa.bindparam("links")),
            changes,
        )

    # ----------------------------------------------------------------------- indexes

    async def _defer_indexes_if_due(self, incoming: int) -> None:
        deferral = self._deferral
        if deferral.stored is None:
            deferral.stored = int((await self._conn.execute(_LATEST_ID)).scalar_one())
        if not deferral.due(incoming):
            return
        found = await self._conn.exec_driver_sql(_SECONDARY_INDEXES)
        indexes = list(cast("Iterable[tuple[str, str]]", found))  # rows of (name, sql)
        await self._know_every_key()
        for name, _ in indexes:
            await self._conn.exec_driver_sql(f'DROP INDEX "{name}"')
        deferral.rebuild = [sql for _, sql in indexes]

    async def _know_every_key(self) -> None:
        """Read the sameness key of every stored job (this load's earlier writes among
        them) into ``_same_ids``: without its index, ``same_key`` cannot be looked up."""
        same_ids = SameKeyIds()
        found = await self._conn.stream(sa.text(_EVERY_KEY))
        async for rows in found.partitions(self._batch_size):
            same_ids.add_all((same_key, job_id) for job_id, same_key in rows)
        self._same_ids = same_ids

    async def _build_indexes(self) -> None:
        """Build the indexes this load dropped (see :class:`_IndexDeferral`)."""
        rebuild, self._deferral.rebuild = self._deferral.rebuild, []
        for sql in rebuild:
            await self._conn.exec_driver_sql(sql)

    async def _gather_statistics(self) -> None:
        """ANALYZE what a large PostgreSQL load filled, before the statements after it are
        planned.

        PostgreSQL plans from the statistics ANALYZE gathers, which autovacuum gathers
        only where it runs, and a minute or more after a load. A table never analyzed
        plans ``revision >= $1`` (the ranking index's catch-up on every request) as a
        read of most of the table with parallel workers: about 10 ms a request at
        100,000 jobs for a statement that finds no row, against 0.2 ms once analyzed.
        Done in the load's transaction: the statistics count its rows, and a rollback
        takes them back with everything else. It samples 3,000 rows (a statistics
        target of 10): enough for these plans, and about a twentieth of the 2-5 s the
        default target's 30,000 rows took at 100,000 jobs; where autovacuum runs, it
        gathers them at the server's target later.

        ANALYZE holds a lock on the table that a second ANALYZE waits for until the first
        transaction ends; of loads ending together only the one that takes an advisory
        lock first gathers them, and the others go on without waiting.
        """
        if self._sqlite:
            return
        report = self.report
        written = report.new + report.updated + report.merged
        if written < ANALYZE_FROM:
            return
        rows = float((await self._conn.exec_driver_sql(_PG_ROWS_AT_ANALYZE)).scalar_one())
        if written < ANALYZE_FROM + 0.1 * max(rows, 0.0):
            return
        if (await self._conn.exec_driver_sql(_PG_ANALYZE_LOCK)).scalar_one():
            for statement in _PG_ANALYZE:
                await self._conn.exec_driver_sql(statement)


def _dialect_insert(connection: AsyncConnection, table: sa.Table) -> Any:
    if connection.dialect.name == "sqlite":
        return sqlite.insert(table)
    return postgresql.insert(table)
