"""In-memory adapters: every repository and a real unit of work, in one process.

A :class:`MemoryDatabase` holds committed tables. A :class:`MemoryUnitOfWork` takes the
database's lock for its whole life (writing units of work run one at a time), copies a
table the first time it writes to it, and swaps the copies in on ``commit()``; leaving
without commit drops them, so a failed use case leaves no trace. A read-only unit of
work takes no lock and reads the committed tables (a commit swaps them in without
yielding to the event loop, so a reader never sees half of one). Stored objects are
frozen Structs, so a shallow copy of a table is a full snapshot.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import secrets
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from datetime import date, datetime
from types import TracebackType
from typing import Any, Self, TypeVar

import msgspec

from skael_core.agenda import Interview, Reminder
from skael_core.errors import Conflict
from skael_core.model import (
    Activity,
    Analysis,
    Application,
    ApplicationStatus,
    CatalogEntry,
    Document,
    DocumentKind,
    IdentityLink,
    Job,
    JobFilter,
    KnownPostings,
    Page,
    PreparedJob,
    SavedJob,
    UpsertReport,
    User,
    combined,
    company_key,
)
from skael_core.ports import (
    LIST_COUNT_LIMIT,
    ActivityRepository,
    AnalysisRepository,
    ApplicationRepository,
    BlockedCompanyRepository,
    CalendarTokenRepository,
    CreditLedger,
    DismissedJobRepository,
    DocumentRepository,
    IdentityLinkRepository,
    InterviewRepository,
    JobBulkLoad,
    JobRepository,
    NotificationRepository,
    ReminderRepository,
    RevokedTokenRepository,
    SavedJobRepository,
    SavedSearchRepository,
    UnitOfWork,
    UserRepository,
    WebhookOutbox,
    page_reaches_end,
)
from skael_core.sameness import SameJobs, merge_link, posted_on, sameness_key

from .memory_discovery import (
    DISCOVERY_TABLES,
    MemoryBlockedCompanyRepository,
    MemoryCreditLedger,
    MemoryDismissedJobRepository,
    MemoryNotificationRepository,
    MemorySavedSearchRepository,
    MemoryWebhookOutbox,
)
from .memory_discovery import USER_OWNED as DISCOVERY_OWNED

T = TypeVar("T")

TABLES = (
    "users",
    "emails",
    "jobs",
    "job_keys",
    "job_sameness",
    "job_revisions",
    "merged_discovered",
    "saved_jobs",
    "analyses",
    "documents",
    "applications",
    "activities",
    "identity_links",
    "revoked_tokens",
    "interviews",
    "reminders",
    "calendar_tokens",
    "sequences",
    *DISCOVERY_TABLES,
)


class MemoryDatabase:
    """Committed state shared by every unit of work made from it."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[Any, Any]] = {name: {} for name in TABLES}
        self.lock = asyncio.Lock()
        self.commits = 0
        """Commits that changed something: the store's version (``UnitOfWork.version``)."""

    def unit_of_work(self, *, read_only: bool = False) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self, read_only=read_only)

    async def ping(self) -> bool:
        return True

    async def dispose(self) -> None:
        """Nothing to release: the tables live as long as this object."""


class MemoryUnitOfWork(UnitOfWork):
    def __init__(self, db: MemoryDatabase, *, read_only: bool = False) -> None:
        self._db = db
        self._read_only = read_only
        self._working: dict[str, dict[Any, Any]] = {}
        self.users = MemoryUserRepository(self)
        self.jobs = MemoryJobRepository(self)
        self.saved_jobs = MemorySavedJobRepository(self)
        self.analyses = MemoryAnalysisRepository(self)
        self.documents = MemoryDocumentRepository(self)
        self.applications = MemoryApplicationRepository(self)
        self.activities = MemoryActivityRepository(self)
        self.identity_links = MemoryIdentityLinkRepository(self)
        self.revoked_tokens = MemoryRevokedTokenRepository(self)
        self.saved_searches: SavedSearchRepository = MemorySavedSearchRepository(self)
        self.notifications: NotificationRepository = MemoryNotificationRepository(self)
        self.dismissed_jobs: DismissedJobRepository = MemoryDismissedJobRepository(self)
        self.blocked_companies: BlockedCompanyRepository = MemoryBlockedCompanyRepository(self)
        self.credits: CreditLedger = MemoryCreditLedger(self)
        self.webhook_outbox: WebhookOutbox = MemoryWebhookOutbox(self)
        self.interviews = MemoryInterviewRepository(self)
        self.reminders = MemoryReminderRepository(self)
        self.calendar_tokens = MemoryCalendarTokenRepository(self)

    async def __aenter__(self) -> Self:
        if not self._read_only:
            await self._db.lock.acquire()
        self._working = {}
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self.rollback()
        finally:
            if not self._read_only:
                self._db.lock.release()

    async def commit(self) -> None:
        if self._working:
            self._db.commits += 1
        self._db.tables.update(self._working)
        self._working = {}

    async def rollback(self) -> None:
        self._working = {}

    async def version(self) -> str | None:
        """The count of the database's commits (the tables are this process's alone)."""
        return None if not self._read_only else str(self._db.commits)

    def read(self, name: str) -> dict[Any, Any]:
        return self._working.get(name, self._db.tables[name])

    def write(self, name: str) -> dict[Any, Any]:
        if self._read_only:
            raise RuntimeError("a read-only unit of work cannot write")
        if name not in self._working:
            self._working[name] = dict(self._db.tables[name])
        return self._working[name]

    def next_id(self, name: str) -> int:
        sequences = self.write("sequences")
        sequences[name] = sequences.get(name, 0) + 1
        value: int = sequences[name]
        return value


class _Repository:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow


def _page(items: Sequence[T], skip: int, limit: int) -> Page[T]:
    """As SQL pages are: a page that reaches the end knows the total; otherwise it is
    given up to ``LIST_COUNT_LIMIT``."""
    page = list(items[skip : skip + limit])
    known = page_reaches_end(skip, limit, len(page)) or len(items) <= LIST_COUNT_LIMIT
    total = len(items) if known else None
    return Page(items=page, total=total)


def _newest(items: Iterable[T], key: Callable[[T], Any]) -> list[T]:
    return sorted(items, key=key, reverse=True)


class MemoryUserRepository(_Repository, UserRepository):
    async def add(self, user: User) -> User:
        emails = self._uow.write("emails")
        if user.email in emails:
            raise Conflict(f"email {user.email} is already registered")
        stored = msgspec.structs.replace(user, id=self._uow.next_id("users"))
        self._uow.write("users")[stored.id] = stored
        emails[stored.email] = stored.id
        return stored

    async def get(self, user_id: int) -> User | None:
        found: User | None = self._uow.read("users").get(user_id)
        return found

    async def lock(self, user_id: int) -> User | None:
        return await self.get(user_id)  # writing units of work run one at a time

    async def get_by_email(self, email: str) -> User | None:
        user_id = self._uow.read("emails").get(email)
        return None if user_id is None else await self.get(user_id)

    async def update(self, user: User) -> None:
        users = self._uow.write("users")
        old: User = users[user.id]
        if user.email != old.email:
            emails = self._uow.write("emails")
            if user.email in emails:
                raise Conflict(f"email {user.email} is already registered")
            del emails[old.email]
            emails[user.email] = user.id
        users[user.id] = user

    async def delete(self, user_id: int) -> bool:
        users = self._uow.write("users")
        user: User | None = users.pop(user_id, None)
        if user is None:
            return False
        del self._uow.write("emails")[user.email]
        owned = ("saved_jobs", "analyses", "documents", "applications", "activities")
        for name in (*owned, "identity_links", *DISCOVERY_OWNED, "interviews", "reminders"):
            table = self._uow.write(name)
            for key in [k for k, v in table.items() if v.user_id == user_id]:
                del table[key]
        notified = self._uow.write("notified")
        for key in [k for k in notified if k[0] == user_id]:
            del notified[key]
        self._uow.write("calendar_tokens").pop(user_id, None)
        return True


def _matches(job: Job, f: JobFilter) -> bool:
    if f.exclude_ids and job.id in f.exclude_ids:
        return False
    if f.exclude_companies and company_key(job.company) in f.exclude_companies:
        return False
    if f.remote is not None and bool(job.remote) != f.remote:
        return False
    if f.country_code and job.country_code != f.country_code:
        return False
    if f.seniority and (job.seniority or "").lower() != f.seniority.lower():
        return False
    wanted = f.technologies
    if wanted and not any(slug in job.technology_slugs for slug in wanted):
        return False
    if f.company and f.company.lower() not in (job.company or "").lower():
        return False
    if f.min_salary is not None:
        offered = job.max_salary if job.max_salary is not None else job.min_salary
        if offered is None or offered < f.min_salary:
            return False
    if f.posted_since and (job.date_posted is None or job.date_posted < f.posted_since):
        return False
    if f.job_title and f.job_title.lower() not in job.job_title.lower():
        return False
    if f.locations and not _in_place(job, f.locations):
        return False
    if f.experience is not None and (job.features.min_years or 0) > f.experience:
        return False
    if f.q:
        needle = f.q.lower()
        haystacks = (job.job_title, job.company or "", job.description or "")
        if not any(needle in h.lower() for h in haystacks):
            return False
    return True


def _in_place(job: Job, needles: Sequence[str]) -> bool:
    """One of ``needles`` is in the job's location or country (any letter case)."""
    place = ((job.location or "").lower(), (job.country or "").lower())
    return any(n.lower() in p for n in needles for p in place)


def _recency(job: Job) -> tuple[bool, Any, int]:
    return (job.date_posted is not None, job.date_posted, job.id)


class MemoryJobRepository(_Repository, JobRepository):
    async def upsert_many(self, jobs: Sequence[Job]) -> UpsertReport:
        table = self._uow.write("jobs")
        keys = self._uow.write("job_keys")  # (source, source_id) -> job id, merged ones too
        same = _Sameness(self._uow.write("job_sameness"))
        revisions = self._uow.write("job_revisions")  # job id -> the write that last changed it
        revision = self._uow.next_id("job_revision")
        merged_at = self._uow.write("merged_discovered")  # a merged posting's own time
        # A posting given twice is stored once, with its last values, at its first place
        # (as the SQL stores batch it).
        latest = {(job.source, job.source_id): job for job in jobs}
        stored_as: dict[tuple[str, int], int] = {}
        new = updated = merged = 0
        for key, job in latest.items():
            known = keys.get(key)
            if known is None:
                target = same.find(job)
                if target is None:
                    known = self._uow.next_id("jobs")
                    table[known] = msgspec.structs.replace(job, id=known)
                    same.add(job, known)
                    new += 1
                else:
                    known = target
                    table[known] = _with_link(table[known], job)
                    merged_at[key] = job.discovered_at
                    merged += 1
                keys[key] = known
            else:
                stored = table[known]
                if (stored.source, stored.source_id) == key:
                    same.move(stored, job, known)
                    job = msgspec.structs.replace(job, id=known, also_posted=stored.also_posted)
                    table[known] = job
                else:  # a posting merged into another job: its link is refreshed
                    table[known] = _with_link(stored, job)
                    merged_at[key] = job.discovered_at
                updated += 1
            stored_as[key] = known
            revisions[known] = revision
        ids = tuple(stored_as[(job.source, job.source_id)] for job in jobs)
        return UpsertReport(ids=ids, new=new, updated=updated, merged=merged)

    @contextlib.asynccontextmanager
    async def bulk_load(self) -> AsyncIterator[JobBulkLoad]:
        load = _MemoryBulkLoad(self)
        yield load

    async def get(self, job_id: int) -> Job | None:
        found: Job | None = self._uow.read("jobs").get(job_id)
        return found

    async def get_many(self, job_ids: Sequence[int]) -> list[Job]:
        table = self._uow.read("jobs")
        return [table[i] for i in job_ids if i in table]

    async def slim_many(self, job_ids: Sequence[int]) -> builtins.list[Job]:
        return await self.get_many(job_ids)

    async def change_mark(self) -> int:
        return int(self._uow.read("sequences").get("job_revision", 0)) + 1

    async def changed_since(self, mark: int, after_id: int, limit: int) -> builtins.list[Job]:
        if mark > int(self._uow.read("sequences").get("job_revision", 0)):
            return []  # nothing written since
        table = self._uow.read("jobs")
        revisions = self._uow.read("job_revisions")
        found = sorted(i for i, revision in revisions.items() if i > after_id and revision >= mark)
        return [table[i] for i in found[:limit]]

    async def changes(self, mark: int, limit: int) -> tuple[int, builtins.list[Job]]:
        return await self.change_mark(), await self.changed_since(mark, 0, limit)

    async def list(self, filters: JobFilter, skip: int, limit: int) -> Page[Job]:
        found = [j for j in self._uow.read("jobs").values() if _matches(j, filters)]
        return _page(_newest(found, _recency), skip, limit)

    async def candidates(
        self, filters: JobFilter, skills: Sequence[str], limit: int
    ) -> builtins.list[Job]:
        wanted = set(skills)
        found = [j for j in self._uow.read("jobs").values() if _matches(j, filters)]
        found.sort(
            key=lambda j: (len(wanted.intersection(j.technology_slugs)), *_recency(j)),
            reverse=True,
        )
        return found[:limit]

    async def known_source_ids(self, source: str, limit: int) -> builtins.list[int]:
        table = self._uow.read("jobs")
        keys = self._uow.read("job_keys")
        found = [(table[i], source_id) for (s, source_id), i in keys.items() if s == source]
        found.sort(
            key=lambda f: (f[0].discovered_at is not None, f[0].discovered_at, f[0].id, f[1]),
            reverse=True,
        )
        return [source_id for _, source_id in found[:limit]]

    async def known_postings(
        self, source: str, since: datetime | None, limit: int, filters: JobFilter | None = None
    ) -> KnownPostings:
        table = self._uow.read("jobs")
        keys = self._uow.read("job_keys")
        merged_at = self._uow.read("merged_discovered")
        found = [
            (merged_at.get((s, sid)) or table[i].discovered_at, sid)
            for (s, sid), i in keys.items()
            if s == source and (filters is None or _matches(table[i], filters))
        ]
        if since is not None:
            found = [(m, sid) for m, sid in found if m is not None and m >= since]
        found.sort(key=lambda f: (f[0] is not None, f[0], f[1]), reverse=True)
        if len(found) > limit > 0:
            edge = found[limit - 1][0]
            if edge is None:
                found = found[:limit]
            else:
                since = edge
                found = [(m, sid) for m, sid in found if m is not None and m >= edge]
        return KnownPostings(ids=tuple(sid for _, sid in found), since=since)

    async def stored_between(
        self, filters: JobFilter, after_id: int, upto_id: int, limit: int
    ) -> builtins.list[Job]:
        table = self._uow.read("jobs")
        ids = sorted((i for i in table if after_id < i <= upto_id), reverse=True)
        found: builtins.list[Job] = []
        for job_id in ids:
            if len(found) >= limit:
                break
            if _matches(table[job_id], filters):
                found.append(table[job_id])
        return found

    async def count(self) -> int:
        return len(self._uow.read("jobs"))

    async def latest_id(self) -> int:
        return max(self._uow.read("jobs"), default=0)

    def _catalog(
        self, pairs: Iterable[tuple[str, str]], skip: int, limit: int
    ) -> Page[CatalogEntry]:
        names: dict[str, str] = {}
        counts: Counter[str] = Counter()
        for key, name in pairs:
            counts[key] += 1
            names.setdefault(key, name)
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        entries = [CatalogEntry(key=k, name=names[k], count=c) for k, c in ordered]
        return _page(entries, skip, limit)

    async def technologies(self, skip: int, limit: int) -> Page[CatalogEntry]:
        jobs = self._uow.read("jobs").values()
        pairs = (
            (t.technology_slug, t.technology_name)
            for j in jobs
            for t in {t.technology_slug: t for t in j.technologies}.values()
        )
        return self._catalog(pairs, skip, limit)

    async def companies(self, skip: int, limit: int) -> Page[CatalogEntry]:
        jobs = self._uow.read("jobs").values()
        return self._catalog(((j.company, j.company) for j in jobs if j.company), skip, limit)

    async def locations(self, skip: int, limit: int) -> Page[CatalogEntry]:
        jobs = self._uow.read("jobs").values()
        return self._catalog(((j.location, j.location) for j in jobs if j.location), skip, limit)


def _first(entry: tuple[int, date | None, str]) -> int:
    return entry[0]


class _Sameness:
    """The memory adapter's index of :func:`~skael_core.sameness.sameness_key`: key ->
    [(job id, day, source)], the oldest-stored job (the lowest id) first, as SQL reads
    them."""

    def __init__(self, index: dict[str, list[tuple[int, date | None, str]]]) -> None:
        self._index = index

    def find(self, job: Job) -> int | None:
        same = SameJobs()
        key = sameness_key(job)
        for entry in self._index.get(key, ()) if key is not None else ():
            same.add(key, *entry)
        return same.find(key, job)

    def add(self, job: Job, job_id: int) -> None:
        key = sameness_key(job)
        if key is not None:
            entry = (job_id, posted_on(job), job.source)
            self._index[key] = sorted([*self._index.get(key, ()), entry], key=_first)

    def move(self, old: Job, new: Job, job_id: int) -> None:
        """``job_id`` now holds ``new`` instead of ``old``."""
        key = sameness_key(old)
        if key is not None and key in self._index:
            kept = [entry for entry in self._index[key] if entry[0] != job_id]
            if kept:
                self._index[key] = kept
            else:
                del self._index[key]
        self.add(new, job_id)


def _with_link(job: Job, posting: Job) -> Job:
    """``job`` listing ``posting`` among its other sources (replacing an older link of
    the same posting)."""
    return msgspec.structs.replace(job, also_posted=merge_link(job.also_posted, posting))


class _MemoryBulkLoad(JobBulkLoad):
    def __init__(self, jobs: MemoryJobRepository) -> None:
        self._jobs = jobs
        self._reports: list[UpsertReport] = []

    async def add(self, jobs: Sequence[PreparedJob]) -> None:
        self._reports.append(await self._jobs.upsert_many([p.job for p in jobs]))

    @property
    def report(self) -> UpsertReport:
        return combined(self._reports)


class MemorySavedJobRepository(_Repository, SavedJobRepository):
    async def get(self, user_id: int, job_id: int) -> SavedJob | None:
        found: SavedJob | None = self._uow.read("saved_jobs").get((user_id, job_id))
        return found

    async def add(self, saved: SavedJob) -> bool:
        table = self._uow.write("saved_jobs")
        key = (saved.user_id, saved.job_id)
        if key in table:
            return False
        table[key] = msgspec.structs.replace(saved, id=self._uow.next_id("saved_jobs"))
        return True

    async def remove(self, user_id: int, job_id: int) -> bool:
        return self._uow.write("saved_jobs").pop((user_id, job_id), None) is not None

    async def list(self, user_id: int, skip: int, limit: int) -> Page[SavedJob]:
        mine = [s for s in self._uow.read("saved_jobs").values() if s.user_id == user_id]
        return _page(_newest(mine, lambda s: (s.saved_at, s.id)), skip, limit)


class MemoryAnalysisRepository(_Repository, AnalysisRepository):
    async def add(self, analysis: Analysis) -> Analysis:
        stored = msgspec.structs.replace(analysis, id=self._uow.next_id("analyses"))
        self._uow.write("analyses")[stored.id] = stored
        return stored

    async def latest(self, user_id: int, job_id: int) -> Analysis | None:
        mine = [
            a
            for a in self._uow.read("analyses").values()
            if a.user_id == user_id and a.job_id == job_id
        ]
        return max(mine, key=lambda a: (a.created_at, a.id), default=None)

    async def latest_given(self, user_id: int, job_id: int) -> Analysis | None:
        given = [
            a
            for a in self._uow.read("analyses").values()
            if a.user_id == user_id and a.job_id == job_id and not a.breakdown
        ]
        return max(given, key=lambda a: (a.created_at, a.id), default=None)


class MemoryDocumentRepository(_Repository, DocumentRepository):
    async def add(self, document: Document) -> Document:
        stored = msgspec.structs.replace(document, id=self._uow.next_id("documents"))
        self._uow.write("documents")[stored.id] = stored
        return stored

    async def get(self, document_id: int) -> Document | None:
        found: Document | None = self._uow.read("documents").get(document_id)
        return found

    async def list(
        self, user_id: int, kind: DocumentKind | None, skip: int, limit: int
    ) -> Page[Document]:
        mine = [
            d
            for d in self._uow.read("documents").values()
            if d.user_id == user_id and (kind is None or d.kind == kind)
        ]
        return _page(_newest(mine, lambda d: (d.created_at, d.id)), skip, limit)


class MemoryApplicationRepository(_Repository, ApplicationRepository):
    async def get(self, user_id: int, job_id: int) -> Application | None:
        found: Application | None = self._uow.read("applications").get((user_id, job_id))
        return found

    async def lock(self, user_id: int, job_id: int) -> Application | None:
        """A plain read: a writing unit of work holds the database's lock all its life."""
        return await self.get(user_id, job_id)

    async def save(self, application: Application) -> Application:
        table = self._uow.write("applications")
        key = (application.user_id, application.job_id)
        known: Application | None = table.get(key)
        if known is not None:
            application = msgspec.structs.replace(application, id=known.id)
        elif application.id == 0:
            application = msgspec.structs.replace(application, id=self._uow.next_id("applications"))
        table[key] = application
        return application

    async def list(
        self, user_id: int, status: ApplicationStatus | None, skip: int, limit: int
    ) -> Page[Application]:
        mine = [
            a
            for a in self._uow.read("applications").values()
            if a.user_id == user_id and (status is None or a.status == status)
        ]
        return _page(_newest(mine, lambda a: (a.last_updated, a.id)), skip, limit)


class MemoryActivityRepository(_Repository, ActivityRepository):
    async def add(self, activity: Activity) -> Activity:
        stored = msgspec.structs.replace(activity, id=self._uow.next_id("activities"))
        self._uow.write("activities")[stored.id] = stored
        return stored

    async def list(
        self, user_id: int, action_type: str | None, skip: int, limit: int
    ) -> Page[Activity]:
        mine = [
            a
            for a in self._uow.read("activities").values()
            if a.user_id == user_id and (action_type is None or a.action_type == action_type)
        ]
        return _page(_newest(mine, lambda a: (a.created_at, a.id)), skip, limit)


class MemoryIdentityLinkRepository(_Repository, IdentityLinkRepository):
    async def add(self, link: IdentityLink) -> None:
        links = self._uow.write("identity_links")
        if (link.issuer, link.subject) in links:
            raise Conflict(f"subject {link.subject} of {link.issuer} is already linked")
        if any(o.issuer == link.issuer and o.user_id == link.user_id for o in links.values()):
            raise Conflict(f"user {link.user_id} is already linked to {link.issuer}")
        links[(link.issuer, link.subject)] = link

    async def user_for(self, issuer: str, subject: str) -> int | None:
        link: IdentityLink | None = self._uow.read("identity_links").get((issuer, subject))
        return None if link is None else link.user_id


class MemoryRevokedTokenRepository(_Repository, RevokedTokenRepository):
    async def add(self, token_id: str, expires_at: datetime) -> None:
        self._uow.write("revoked_tokens").setdefault(token_id, expires_at)

    async def contains(self, token_id: str) -> bool:
        return token_id in self._uow.read("revoked_tokens")

    async def purge(self, now: datetime) -> int:
        stored = self._uow.read("revoked_tokens")
        expired = [token_id for token_id, until in stored.items() if until <= now]
        if expired:
            table = self._uow.write("revoked_tokens")
            for token_id in expired:
                del table[token_id]
        return len(expired)


class MemoryInterviewRepository(_Repository, InterviewRepository):
    async def add(self, interview: Interview) -> Interview:
        stored = msgspec.structs.replace(interview, id=self._uow.next_id("interviews"))
        self._uow.write("interviews")[stored.id] = stored
        return stored

    async def get(self, interview_id: int) -> Interview | None:
        found: Interview | None = self._uow.read("interviews").get(interview_id)
        return found

    async def lock(self, interview_id: int) -> Interview | None:
        return await self.get(interview_id)  # writing units of work run one at a time

    async def update(self, interview: Interview) -> bool:
        if interview.id not in self._uow.read("interviews"):
            return False
        self._uow.write("interviews")[interview.id] = interview
        return True

    async def delete(self, interview_id: int) -> bool:
        if interview_id not in self._uow.read("interviews"):
            return False
        del self._uow.write("interviews")[interview_id]
        return True

    async def list(
        self, user_id: int, job_id: int | None, skip: int, limit: int
    ) -> Page[Interview]:
        mine = [
            i
            for i in self._uow.read("interviews").values()
            if i.user_id == user_id and (job_id is None or i.job_id == job_id)
        ]
        return _page(sorted(mine, key=lambda i: (i.starts_at, i.id)), skip, limit)


class MemoryReminderRepository(_Repository, ReminderRepository):
    async def add(self, reminder: Reminder) -> Reminder:
        stored = msgspec.structs.replace(reminder, id=self._uow.next_id("reminders"))
        self._uow.write("reminders")[stored.id] = stored
        return stored

    async def get(self, reminder_id: int) -> Reminder | None:
        found: Reminder | None = self._uow.read("reminders").get(reminder_id)
        return found

    async def lock(self, reminder_id: int) -> Reminder | None:
        return await self.get(reminder_id)  # writing units of work run one at a time

    async def update(self, reminder: Reminder) -> bool:
        if reminder.id not in self._uow.read("reminders"):
            return False
        self._uow.write("reminders")[reminder.id] = reminder
        return True

    async def delete(self, reminder_id: int) -> bool:
        if reminder_id not in self._uow.read("reminders"):
            return False
        del self._uow.write("reminders")[reminder_id]
        return True

    async def list(
        self,
        user_id: int,
        job_id: int | None,
        due_before: date | None,
        done: bool | None,
        skip: int,
        limit: int,
    ) -> Page[Reminder]:
        mine = [
            r
            for r in self._uow.read("reminders").values()
            if r.user_id == user_id
            and (job_id is None or r.job_id == job_id)
            and (due_before is None or r.due_date < due_before)
            and (done is None or r.done == done)
        ]
        return _page(sorted(mine, key=lambda r: (r.due_date, r.id)), skip, limit)


class MemoryCalendarTokenRepository(_Repository, CalendarTokenRepository):
    """``calendar_tokens`` maps a user id to their token (and when it was given)."""

    async def get(self, user_id: int) -> str | None:
        found: tuple[str, datetime] | None = self._uow.read("calendar_tokens").get(user_id)
        return None if found is None else found[0]

    async def add_if_absent(self, user_id: int, token: str, at: datetime) -> bool:
        if user_id in self._uow.read("calendar_tokens"):
            return False
        await self.replace(user_id, token, at)
        return True

    async def replace(self, user_id: int, token: str, at: datetime) -> None:
        self._uow.write("calendar_tokens")[user_id] = (token, at)

    async def user_for(self, token: str) -> int | None:
        for user_id, (known, _) in self._uow.read("calendar_tokens").items():
            if secrets.compare_digest(known, token):
                return int(user_id)
        return None
