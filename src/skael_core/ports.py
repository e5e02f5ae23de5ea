"""Ports: what the core needs from the outside world, as Protocols.

Adapters subclass these explicitly (``class SqlJobRepository(JobRepository)``) so a
missing method fails when the adapter is constructed. Repositories never commit: the
:class:`UnitOfWork` that hands them out does, and leaving it without ``commit()`` rolls
every change back.
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime
from types import TracebackType
from typing import Protocol, Self

from .agenda import Interview, Reminder
from .files import ExportFormat, FileKind
from .matching.features import ProfileFeatures
from .model import (
    Activity,
    Analysis,
    Application,
    ApplicationStatus,
    BlockedCompany,
    CatalogEntry,
    DismissedJob,
    Document,
    DocumentKind,
    Failures,
    FeedRecord,
    FetchQuery,
    FetchResult,
    Hidden,
    IdentityClaims,
    IdentityLink,
    IssuedToken,
    Job,
    JobFilter,
    KnownPostings,
    Notification,
    Page,
    PreparedJob,
    RankedJob,
    SavedJob,
    SavedSearch,
    TokenClaims,
    UpsertReport,
    User,
    WebhookDelivery,
)

# --------------------------------------------------------------------------- storage


class UserRepository(Protocol):
    async def add(self, user: User) -> User:
        """Store a new user and return it with its id; ``Conflict`` if the email is taken."""
        ...

    async def get(self, user_id: int) -> User | None: ...

    async def lock(self, user_id: int) -> User | None:
        """``get``, holding the user until the unit of work ends: another unit of work
        locking the same user waits for it, so a count of what the user owns stays
        true until this one commits (where writing units of work already run one at a
        time, this is ``get``)."""
        ...

    async def get_by_email(self, email: str) -> User | None:
        """Look up by canonical (lower-case) email."""
        ...

    async def update(self, user: User) -> None:
        """Replace the stored user with the same id; ``Conflict`` if the email is taken."""
        ...

    async def delete(self, user_id: int) -> bool:
        """Remove the user and everything they own; False if there was no such user."""
        ...


class JobBulkLoad(Protocol):
    """One bulk load of prepared postings into the job repository, inside the unit of
    work that opened it (see :meth:`JobRepository.bulk_load`).

    It owns how postings are grouped into writes and any work storage puts off to
    the end (building indexes once over the loaded table); ``add`` may keep postings
    back until a write is full, and leaving the block without an exception writes the
    rest and finishes. Leaving on an exception writes nothing more: the unit of work's
    rollback undoes what was written.
    """

    async def add(self, jobs: Sequence[PreparedJob]) -> None:
        """Store ``jobs`` (now or with a later write of this load), in order."""
        ...

    @property
    def report(self) -> UpsertReport:
        """What the load stored, ``ids`` in the order the postings were added; complete
        once the block is left."""
        ...


class JobRepository(Protocol):
    async def upsert_many(self, jobs: Sequence[Job]) -> UpsertReport:
        """Insert new postings and refresh known ones, keyed on ``(source, source_id)``.

        A known posting keeps its id; its other fields take the newer values. A new
        posting that is the same job as a stored one (:mod:`skael_core.sameness`) is
        listed among that job's sources (``also_posted``) and answers with its id; the
        key of a merged posting keeps naming that job. The jobs are stored as given;
        :meth:`bulk_load` is the way for many prepared postings.
        """
        ...

    def bulk_load(self) -> AbstractAsyncContextManager[JobBulkLoad]:
        """A bulk load of prepared postings: what :meth:`upsert_many` does, for a stream
        of any length (see :class:`JobBulkLoad`)."""
        ...

    async def get(self, job_id: int) -> Job | None: ...

    async def get_many(self, job_ids: Sequence[int]) -> builtins.list[Job]:
        """The stored jobs among ``job_ids``, in the order asked; unknown ids are skipped."""
        ...

    async def list(self, filters: JobFilter, skip: int, limit: int) -> Page[Job]:
        """Jobs matching every filter, newest first (date posted, then id), with a total."""
        ...

    async def candidates(
        self, filters: JobFilter, skills: Sequence[str], limit: int
    ) -> builtins.list[Job]:
        """Up to ``limit`` jobs matching ``filters``, for ranking.

        Jobs sharing more technologies with ``skills`` (canonical slugs) come first;
        ties newest first (date posted, then id). Deterministic for the same data.
        The jobs may be slim: every field the scorer reads is present (``features``,
        place, ``remote``/``hybrid``, salary and currency, dates, ``seniority``,
        ``job_expired``), while the description, key requirements, company object and
        hiring team may be left out; callers load whole jobs with ``get_many``.
        """
        ...

    async def slim_many(self, job_ids: Sequence[int]) -> builtins.list[Job]:
        """The stored jobs among ``job_ids`` for scoring, in the order asked (unknown ids
        skipped); slim as :meth:`candidates`' are."""
        ...

    async def change_mark(self) -> int:
        """A mark of the jobs' writes: every job written by a write this unit of work
        may not see (or by one that begins later) is among ``changed_since(mark)``."""
        ...

    async def changed_since(self, mark: int, after_id: int, limit: int) -> builtins.list[Job]:
        """Up to ``limit`` jobs with ids above ``after_id``, ascending, written at or
        after ``mark`` (0: every job; more may come than were written since). Slim, with
        their ``technologies`` (slug and name) present."""
        ...

    async def changes(self, mark: int, limit: int) -> tuple[int, builtins.list[Job]]:
        """``change_mark()`` and ``changed_since(mark, 0, limit)`` together, in one
        statement where the store can: a mark for the next call, and the first page of
        the jobs written at or after ``mark`` (later pages: ``changed_since``)."""
        ...

    async def known_source_ids(self, source: str, limit: int) -> builtins.list[int]:
        """The most recently discovered provider ids stored for ``source``."""
        ...

    async def known_postings(
        self, source: str, since: datetime | None, limit: int, filters: JobFilter | None = None
    ) -> KnownPostings:
        """The provider ids stored for ``source`` (merged ones included, at their job's
        discovery time) discovered at or after ``since``, newest first; of the jobs
        matching ``filters`` only, when given (those a query asking the same could
        return: others need not be named).

        When more than ``limit`` are stored, ``since`` moves up to the discovery time
        of the ``limit``-th newest and the ids are every one discovered at or after it
        (ties included, so a few more than ``limit`` may come back): asking from the
        answer's ``since`` while excluding its ids never returns a stored posting.
        Postings with no discovery time are left out once ``since`` is set.
        """
        ...

    async def stored_between(
        self, filters: JobFilter, after_id: int, upto_id: int, limit: int
    ) -> builtins.list[Job]:
        """Up to ``limit`` jobs matching ``filters`` whose id lies in ``after_id <
        id <= upto_id``, highest id (most recently stored) first."""
        ...

    async def count(self) -> int: ...

    async def latest_id(self) -> int:
        """The highest id of a stored job, 0 when there is none.

        Ids are never reused, so every new posting changes it.
        """
        ...

    async def technologies(self, skip: int, limit: int) -> Page[CatalogEntry]:
        """Technologies the stored jobs hold, most common first."""
        ...

    async def companies(self, skip: int, limit: int) -> Page[CatalogEntry]: ...

    async def locations(self, skip: int, limit: int) -> Page[CatalogEntry]: ...


class SavedJobRepository(Protocol):
    async def get(self, user_id: int, job_id: int) -> SavedJob | None: ...

    async def add(self, saved: SavedJob) -> bool:
        """Save a job for a user; False (and no change) if it was already saved, also by
        a unit of work running at the same time (this call then waits for it to end)."""
        ...

    async def remove(self, user_id: int, job_id: int) -> bool: ...

    async def list(self, user_id: int, skip: int, limit: int) -> Page[SavedJob]:
        """The user's saved jobs, most recently saved first."""
        ...


class AnalysisRepository(Protocol):
    async def add(self, analysis: Analysis) -> Analysis: ...

    async def latest(self, user_id: int, job_id: int) -> Analysis | None: ...

    async def latest_given(self, user_id: int, job_id: int) -> Analysis | None:
        """The latest analysis a client gave (one stored without a breakdown)."""
        ...


class DocumentRepository(Protocol):
    async def add(self, document: Document) -> Document: ...

    async def get(self, document_id: int) -> Document | None: ...

    async def list(
        self, user_id: int, kind: DocumentKind | None, skip: int, limit: int
    ) -> Page[Document]:
        """The user's documents, newest first."""
        ...


class ApplicationRepository(Protocol):
    async def get(self, user_id: int, job_id: int) -> Application | None: ...

    async def lock(self, user_id: int, job_id: int) -> Application | None:
        """The application of ``(user_id, job_id)``, held until this unit of work ends:
        another unit of work that locks the same pair, stored yet or not, waits until
        then, so a change read here and saved in this unit of work is never lost."""
        ...

    async def save(self, application: Application) -> Application:
        """Insert (id 0) or replace the one application of ``(user_id, job_id)``.

        Its history only grows: the stored history gains the entries of
        ``application.history`` past the ones it holds, appended in this unit of work.
        """
        ...

    async def list(
        self, user_id: int, status: ApplicationStatus | None, skip: int, limit: int
    ) -> Page[Application]:
        """The user's applications, most recently updated first."""
        ...


class ActivityRepository(Protocol):
    async def add(self, activity: Activity) -> Activity: ...

    async def list(
        self, user_id: int, action_type: str | None, skip: int, limit: int
    ) -> Page[Activity]:
        """The user's activity, newest first."""
        ...


class IdentityLinkRepository(Protocol):
    """Which Skael account each subject of an identity provider reaches."""

    async def add(self, link: IdentityLink) -> None:
        """Store a link; ``Conflict`` if the subject is linked already, or the user already
        has a link to another subject of the same issuer."""
        ...

    async def user_for(self, issuer: str, subject: str) -> int | None:
        """The id of the user linked to ``subject`` at ``issuer``, None if none is."""
        ...


class RevokedTokenRepository(Protocol):
    """Tokens logged out before they expire: the store of record, so a logout holds
    across restarts and for every process on the database."""

    async def add(self, token_id: str, expires_at: datetime) -> None:
        """Record a logged-out token until ``expires_at``; adding it again changes nothing."""
        ...

    async def contains(self, token_id: str) -> bool: ...

    async def purge(self, now: datetime) -> int:
        """Forget the tokens that expired by ``now`` (they are refused anyway); how many."""
        ...


class SavedSearchRepository(Protocol):
    """The searches people keep, and the claim on those that are due."""

    async def add(self, search: SavedSearch) -> SavedSearch:
        """Store a new search and return it with its id."""
        ...

    async def get(self, search_id: int) -> SavedSearch | None: ...

    async def update(self, search: SavedSearch) -> bool:
        """Replace the stored search with the same id; False if there is none."""
        ...

    async def remove(self, search_id: int) -> bool: ...

    async def list(self, user_id: int, skip: int, limit: int) -> Page[SavedSearch]:
        """The user's searches, most recently created first."""
        ...

    async def claim_due(
        self, now: datetime, until: datetime, limit: int
    ) -> builtins.list[SavedSearch]:
        """Up to ``limit`` searches due by ``now`` (``next_run_at <= now``), earliest due
        first (then id), each moved to ``next_run_at = until`` in this unit of work, so
        that no other claim takes it before then. A search another unit of work has
        claimed and not yet ended is skipped, not waited for."""
        ...

    async def count_due(self, now: datetime) -> int: ...


class WebhookOutbox(Protocol):
    """Webhook requests waiting to be delivered, kept across runs and restarts."""

    async def add(self, delivery: WebhookDelivery) -> WebhookDelivery:
        """Store a new delivery and return it with its id."""
        ...

    async def get(self, delivery_id: int) -> WebhookDelivery | None: ...

    async def update(self, delivery: WebhookDelivery) -> bool:
        """Replace the stored delivery with the same id; False if there is none."""
        ...

    async def claim_due(
        self, now: datetime, until: datetime, limit: int
    ) -> builtins.list[WebhookDelivery]:
        """Up to ``limit`` pending deliveries due by ``now``, earliest due first (then
        id), each moved to ``next_attempt_at = until`` in this unit of work; one another
        unit of work has claimed and not yet ended is skipped, not waited for."""
        ...

    async def list(
        self, user_id: int, pending_only: bool, skip: int, limit: int
    ) -> Page[WebhookDelivery]:
        """The user's deliveries, newest first (pending ones only when asked)."""
        ...


class NotificationRepository(Protocol):
    """New matches told to people: at most one per (user, job), ever."""

    async def add_many(self, notifications: Sequence[Notification]) -> builtins.list[Notification]:
        """Store those whose (user, job) has none yet, also against a unit of work
        running at the same time (which this call then waits for); the ones stored,
        with their ids, in the order given."""
        ...

    async def get(self, notification_id: int) -> Notification | None: ...

    async def mark_read(self, notification_id: int, at: datetime) -> datetime | None:
        """Record it read at ``at``, unless it was read before (the first time stays);
        the time it stands read at, as stored (``at`` or that first time, also when
        another unit of work marked it meanwhile); None if there is no such one."""
        ...

    async def list(
        self, user_id: int, filters: JobFilter, unread_only: bool, skip: int, limit: int
    ) -> Page[Notification]:
        """The user's notifications, newest first, leaving out those of the jobs and
        companies ``filters`` excludes (its other fields are not read)."""
        ...


class DismissedJobRepository(Protocol):
    async def add(self, dismissed: DismissedJob) -> bool:
        """False (and no change) if the user had dismissed the job already."""
        ...

    async def remove(self, user_id: int, job_id: int) -> bool: ...

    async def job_ids(self, user_id: int) -> builtins.list[int]:
        """Every job the user dismissed, most recently dismissed first."""
        ...

    async def hidden(self, user_id: int) -> Hidden:
        """The jobs the user dismissed and the keys of the companies they blocked, read
        together (one statement where the store can), each sorted ascending."""
        ...


class BlockedCompanyRepository(Protocol):
    async def add(self, blocked: BlockedCompany) -> bool:
        """False (and no change) if the user blocked that key already, in any letter case."""
        ...

    async def remove(self, user_id: int, key: str) -> bool:
        """Unblock the key, in any letter case."""
        ...

    async def list(self, user_id: int, skip: int, limit: int) -> Page[BlockedCompany]:
        """The user's blocked companies, most recently blocked first."""
        ...


class CreditLedger(Protocol):
    """Provider credits spent per day and scope ("all", "user:<id>"), so that budgets hold
    across processes: a reservation and its check are one atomic step."""

    async def reserve(self, day: date, scope: str, amount: int, cap: int) -> bool:
        """Count ``amount`` more credits spent in ``scope`` on ``day`` if that keeps the
        total at most ``cap``; False (and no change) if it would not."""
        ...

    async def release(self, day: date, scope: str, amount: int) -> None:
        """Take back ``amount`` reserved credits that were not spent."""
        ...

    async def spent(self, day: date, scope: str) -> int: ...


class InterviewRepository(Protocol):
    """Interviews of applications; each belongs to one user."""

    async def add(self, interview: Interview) -> Interview:
        """Store a new interview and return it with its id."""
        ...

    async def get(self, interview_id: int) -> Interview | None: ...

    async def lock(self, interview_id: int) -> Interview | None:
        """``get``, holding the interview until the unit of work ends: a change or removal
        of it by another unit of work waits, then reads what this one left (where
        writing units of work run one at a time, this is ``get``)."""
        ...

    async def update(self, interview: Interview) -> bool:
        """Replace the stored interview with the same id; False if there is none."""
        ...

    async def delete(self, interview_id: int) -> bool: ...

    async def list(
        self, user_id: int, job_id: int | None, skip: int, limit: int
    ) -> Page[Interview]:
        """The user's interviews (of one application when ``job_id`` is given), soonest
        start first (compared in UTC), ties by id."""
        ...


class ReminderRepository(Protocol):
    """Follow-up reminders of applications; each belongs to one user."""

    async def add(self, reminder: Reminder) -> Reminder: ...

    async def get(self, reminder_id: int) -> Reminder | None: ...

    async def lock(self, reminder_id: int) -> Reminder | None:
        """``get``, holding the reminder until the unit of work ends: a change or removal
        of it by another unit of work waits, then reads what this one left (where
        writing units of work run one at a time, this is ``get``)."""
        ...

    async def update(self, reminder: Reminder) -> bool:
        """Replace the stored reminder with the same id; False if there is none."""
        ...

    async def delete(self, reminder_id: int) -> bool: ...

    async def list(
        self,
        user_id: int,
        job_id: int | None,
        due_before: date | None,
        done: bool | None,
        skip: int,
        limit: int,
    ) -> Page[Reminder]:
        """The user's reminders (of one application when ``job_id`` is given; due strictly
        before ``due_before``; done or not as ``done`` says; None means any), earliest due
        date first, ties by id."""
        ...


class CalendarTokenRepository(Protocol):
    """The secret token of each person's calendar feed: one per user at most."""

    async def get(self, user_id: int) -> str | None: ...

    async def add_if_absent(self, user_id: int, token: str, at: datetime) -> bool:
        """Give ``user_id`` the token ``token`` unless they have one (also one given by a
        unit of work running alongside: this call then waits for it); True if given."""
        ...

    async def replace(self, user_id: int, token: str, at: datetime) -> None:
        """Give ``user_id`` the token ``token`` in place of any they had."""
        ...

    async def user_for(self, token: str) -> int | None:
        """The user whose current token is ``token``, None if nobody's is."""
        ...


class UnitOfWork(Protocol):
    """One atomic piece of work over every repository.

    Created per use-case call and never shared between tasks. ``async with`` opens it;
    leaving the block without ``commit()`` rolls everything back.
    """

    users: UserRepository
    jobs: JobRepository
    saved_jobs: SavedJobRepository
    analyses: AnalysisRepository
    documents: DocumentRepository
    applications: ApplicationRepository
    activities: ActivityRepository
    identity_links: IdentityLinkRepository
    revoked_tokens: RevokedTokenRepository
    saved_searches: SavedSearchRepository
    notifications: NotificationRepository
    dismissed_jobs: DismissedJobRepository
    blocked_companies: BlockedCompanyRepository
    credits: CreditLedger
    webhook_outbox: WebhookOutbox
    interviews: InterviewRepository
    reminders: ReminderRepository
    calendar_tokens: CalendarTokenRepository

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...

    async def version(self) -> str | None:
        """The committed state this read-only unit of work sees, as a value: two units
        of work that read the same version (not None) see the same committed state, so
        an answer read at one version still holds at the other. Read it first, before
        the reads it vouches for. None when the store cannot tell (then nothing may be
        reused)."""
        ...


class UnitOfWorkFactory(Protocol):
    """Makes a new unit of work per call.

    ``read_only=True`` promises the work will not write: stores may then run it beside
    writers (SQLite readers need not queue for the write lock).
    """

    def __call__(self, *, read_only: bool = False) -> UnitOfWork: ...


# --------------------------------------------------------------------------- outside world


class JobSource(Protocol):
    """Somewhere postings come from (the Theirstack API, the bundled sample set)."""

    name: str

    async def fetch(self, query: FetchQuery, exclude_source_ids: Sequence[int]) -> FetchResult:
        """Postings matching ``query``, skipping provider ids in ``exclude_source_ids``.

        Failures raise the core's ``ProviderError`` kinds, never a client library's.
        """
        ...

    def matcher(self, query: FetchQuery) -> Callable[[Job], bool]:
        """Whether a posting of this source answers ``query`` as a fetch would find it
        (to list the stored postings a fetch does not send again)."""
        ...


class WebhookSender(Protocol):
    """Delivers a signed JSON body to a URL a person gave (their saved search's webhook)."""

    async def send(self, url: str, secret: str, body: bytes) -> str | None:
        """None once delivered (a 2xx answer); otherwise what went wrong, after the
        retries the adapter makes. Never raises for a failed delivery."""
        ...


class PostingFeed(Protocol):
    """Where an ingestion's postings come from: an export file, worker processes that
    read and prepare one, a provider's answer, the bundled sample set.

    ``chunks`` gives the records in feed order, a chunk at a time (of whatever size
    suits the feed); a record's job may come prepared (:class:`PreparedJob`) when the
    feed did that work itself. A feed that cannot be read at all raises its own error,
    which ends the ingestion with nothing stored.
    """

    name: str
    """What the feed reads, for people ("jobs.jsonl", "sample")."""

    def chunks(self) -> AsyncIterator[Sequence[FeedRecord]]: ...


class PasswordHasher(Protocol):
    """A slow, salted password hash. Asynchronous: hashing takes a CPU-heavy while, which
    an adapter should spend off the event loop."""

    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str, password: str) -> bool:
        """True when ``password`` matches; False (never an exception) otherwise."""
        ...


class TokenService(Protocol):
    def issue(self, user_id: int, version: int) -> IssuedToken: ...

    def verify(self, token: str) -> TokenClaims:
        """The token's claims; ``Unauthenticated`` if malformed, forged or expired."""
        ...


class IdentityTokenVerifier(Protocol):
    """Checks ID tokens of one configured identity provider (an OpenID Connect issuer)."""

    def accepts(self, token: str) -> bool:
        """Whether ``token`` is of this verifier's kind, to be checked here rather than as
        a Skael token. Cheap (no signature, no I/O); says nothing about validity."""
        ...

    async def verify(self, token: str) -> IdentityClaims:
        """The token's claims once its signature, issuer, audience and times check out;
        ``Unauthenticated`` saying what is wrong otherwise, and
        ``IdentityProviderUnavailable`` when the provider's keys cannot be fetched."""
        ...


class RevokedTokens(Protocol):
    """Tokens that stop working before they expire, shared by every worker: one token by
    its id, or every token of a user below a version."""

    async def revoke(self, token_id: str, until: datetime) -> None: ...

    async def is_revoked(self, token_id: str) -> bool: ...

    async def revoke_user(self, user_id: int, below_version: int) -> None:
        """Every token of ``user_id`` whose version is below ``below_version`` stops working
        (kept as long as a token issued now could live)."""
        ...

    async def user_floor(self, user_id: int) -> int:
        """The lowest token version of ``user_id`` still good as recorded here, 0 if none."""
        ...

    def is_shared(self) -> bool:
        """True while what is recorded here is every process's (a shared store that
        answers): a token id not found here was not logged out anywhere. False for a
        store of one process, whose answer the store of record must complete."""
        ...


LIST_COUNT_LIMIT = 10_000
"""The most matches a list page counts: a page of a longer list has ``total`` None,
unless the page reaches the end of the list (see :func:`page_reaches_end`)."""


def page_reaches_end(skip: int, limit: int, shown: int) -> bool:
    """Whether a page of ``shown`` items, asked for with ``skip`` and ``limit``, saw the
    end of its list: then the list's total is ``skip + shown``, with no count."""
    return limit > 0 and shown < limit and (shown > 0 or skip == 0)


class RankingCache(Protocol):
    """Recent rankings, each the ids of its jobs best first, by a key naming all they
    depend on. An entry may be dropped at any time (size, age); a miss only costs the
    work of ranking again."""

    async def get(self, key: bytes) -> Sequence[int] | None: ...

    async def put(self, key: bytes, job_ids: Sequence[int]) -> None: ...

    async def clear(self) -> None:
        """Forget every ranking (stored jobs have changed)."""
        ...


RankKey = tuple[int, int, int]
"""A job's place in a ranking: (score, day posted as an ordinal or 0, id); higher first."""


class RankingIndex(Protocol):
    """Every stored job's ranking features, to order jobs by an upper bound of their
    score without scoring each.

    :meth:`order` gives the ids of the jobs matching ``filters`` as ``(bound, posted,
    id)`` keys, highest first, in chunks, where ``bound`` is at least
    ``score_job(person, job, today).score`` for the job as stored when the index last
    caught up with the store (it does at the start of the call, through ``uow``).
    None when the index cannot say: not loaded yet, or a filter it cannot apply exactly.
    """

    async def order(
        self, uow: UnitOfWork, person: ProfileFeatures, filters: JobFilter, today: date
    ) -> Iterator[Sequence[RankKey]] | None: ...


class ScoredPageCache(Protocol):
    """Recent pages of a job list scored for their viewer, each with the store version
    (``UnitOfWork.version``) it was read at, by a key naming everything else the page
    depends on. An entry may be dropped at any time; a miss costs the work again."""

    def get(self, key: bytes) -> tuple[str, Page[RankedJob]] | None: ...

    def put(self, key: bytes, version: str, page: Page[RankedJob]) -> None: ...


class LoginThrottle(Protocol):
    """Failed attempts per key (an account and an address, an address, an account's
    password checks, an address's registrations), shared by every worker. The core
    decides what they cost (``usecases/throttling.py``); this only keeps them."""

    async def failures(self, key: str) -> Failures | None:
        """What is kept under ``key``, None if nothing (or it was forgotten)."""
        ...

    async def put(self, key: str, failures: Failures, keep_for: int) -> None:
        """Keep ``failures`` under ``key`` for ``keep_for`` seconds."""
        ...

    async def clear(self, key: str) -> None: ...


class DocumentWriter(Protocol):
    """Writes a resume or cover letter from a profile, tailored to a job when given."""

    async def write(self, kind: str, user: User, job: Job | None) -> str: ...


class DocumentReader(Protocol):
    """Reads the text of an uploaded PDF or DOCX file."""

    async def text(self, kind: FileKind, content: bytes) -> str:
        """The file's text, reading order kept, list items as ``- `` lines;
        ``InvalidInput`` (field ``file``) saying why a file cannot be read: encrypted,
        no text layer, not really of its kind, expanding past the reader's limit."""
        ...


class DocumentRenderer(Protocol):
    """Lays out a document's Markdown as a PDF or DOCX file."""

    async def render(self, markdown: str, title: str, format: ExportFormat) -> bytes:
        """The file's bytes: headings, lists and emphasis of the Markdown kept."""
        ...


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...

    def today(self) -> date: ...


class CountryCatalog(Protocol):
    def resolve(self, name_or_code: str) -> str | None:
        """The upper-case alpha-2 code for a code or a name, or None if unknown."""
        ...

    def all(self) -> builtins.list[tuple[str, str]]:
        """Every (code, name), sorted by name."""
        ...
