"""Domain objects: frozen, keyword-only msgspec Structs.

Identity is an integer ``id`` given by the repository when an object is first stored;
an object not yet stored carries ``id=0``. Change objects with ``msgspec.structs.replace``.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Generic, TypeVar

import msgspec

T = TypeVar("T")


class Domain(msgspec.Struct, frozen=True, kw_only=True):
    """Base of every domain Struct."""


# --------------------------------------------------------------------------- users


class RemotePreference(enum.StrEnum):
    REMOTE = "Remote"
    HYBRID = "Hybrid"
    ONSITE = "Onsite"


class SalaryPeriod(enum.StrEnum):
    """What an expected salary is stated for."""

    ANNUAL = "annual"
    MONTHLY = "monthly"
    HOURLY = "hourly"


class WorkExperience(Domain, frozen=True, kw_only=True):
    company_name: str
    job_title: str
    start_date: str | None = None
    end_date: str | None = None
    description: str | None = None


class Education(Domain, frozen=True, kw_only=True):
    institution: str
    degree: str | None = None
    start_year: int | None = None
    end_year: int | None = None


class Certification(Domain, frozen=True, kw_only=True):
    title: str
    issued_by: str | None = None
    issue_date: str | None = None
    credential_url: str | None = None


class Profile(Domain, frozen=True, kw_only=True):
    """What a person tells Skael about themselves; every field already normalised."""

    user_name: str
    phone_number: str | None = None
    desired_job_role: str | None = None
    skills: tuple[str, ...] = ()
    experience: int | None = None
    preferred_locations: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    remote_preference: RemotePreference | None = None
    professional_summary: str | None = None
    expected_salary: int | None = None
    salary_currency: str | None = None
    salary_period: SalaryPeriod = SalaryPeriod.ANNUAL
    resume: str | None = None
    work_experiences: tuple[WorkExperience, ...] = ()
    educations: tuple[Education, ...] = ()
    certifications: tuple[Certification, ...] = ()
    languages: tuple[str, ...] = ()
    """Languages the person speaks, as they write them ("German (B2)")."""

    def __post_init__(self) -> None:
        if self.experience is not None and self.experience < 0:
            raise ValueError("experience must not be negative")
        if self.expected_salary is not None and self.expected_salary < 0:
            raise ValueError("expected_salary must not be negative")
        if self.salary_currency is not None and not (
            len(self.salary_currency) == 3 and self.salary_currency.isupper()
        ):
            raise ValueError("salary_currency is an upper-case ISO 4217 code")
        for code in self.countries:
            if len(code) != 2 or not code.isupper():
                raise ValueError(f"country {code!r} is not an upper-case alpha-2 code")


class User(Domain, frozen=True, kw_only=True):
    """An account: a canonical (lower-case) email, a password hash and a profile."""

    id: int = 0
    email: str
    password_hash: str
    token_version: int = 0
    has_agreed_terms: bool = False
    joined_at: datetime
    profile: Profile

    def __post_init__(self) -> None:
        if self.email != self.email.strip().lower():
            raise ValueError("email must be stored canonical (trimmed, lower case)")


class IssuedToken(Domain, frozen=True, kw_only=True):
    """A freshly signed access token."""

    token: str
    token_id: str
    expires_in: int


class TokenClaims(Domain, frozen=True, kw_only=True):
    """What a verified token says: whose it is, its unique id, the user's token version."""

    user_id: int
    token_id: str
    version: int
    expires_at: datetime


class Identity(Domain, frozen=True, kw_only=True):
    """A person as an identity provider vouches for them: ``subject`` is their stable id
    at ``issuer``; the e-mail may change, and counts only when ``email_verified``."""

    issuer: str
    subject: str
    email: str | None = None
    email_verified: bool = False
    name: str | None = None


class IdentityClaims(Domain, frozen=True, kw_only=True):
    """What a verified identity-provider token says: who, an id for the token (for
    revocation) and when it expires."""

    identity: Identity
    token_id: str
    expires_at: datetime


class IdentityLink(Domain, frozen=True, kw_only=True):
    """A Skael account reached through a subject of an identity provider."""

    issuer: str
    subject: str
    user_id: int
    linked_at: datetime


class Failures(Domain, frozen=True, kw_only=True):
    """Failed attempts counted under one throttling key: how many, and the last one's time."""

    count: int
    last_at: datetime


# --------------------------------------------------------------------------- jobs


# The Structs of a job (gc=False) are left out of garbage collection: frozen and made
# of immutable values only, they can take part in no reference cycle, and a server
# keeps tens of thousands of decoded jobs, which every full collection would walk.


class Technology(Domain, frozen=True, kw_only=True, gc=False):
    technology_slug: str
    technology_name: str

    @property
    def id(self) -> int:
        """A stable integer id: the same slug has the same id in every job, store and run
        (the first 6 bytes of the slug's SHA-256, so it stays exact in JavaScript)."""
        return int.from_bytes(hashlib.sha256(self.technology_slug.encode()).digest()[:6], "big")


class Company(Domain, frozen=True, kw_only=True, gc=False):
    id: str | None = None
    company_name: str | None = None
    company_domain: str | None = None
    industry: str | None = None
    industry_id: int | None = None
    country: str | None = None
    country_code: str | None = None
    url: str | None = None
    linkedin_url: str | None = None
    logo: str | None = None
    long_description: str | None = None
    employee_count: int | None = None


class HiringMember(Domain, frozen=True, kw_only=True, gc=False):
    name: str | None = None
    title: str | None = None
    linkedin_profile_url: str | None = None


class JobFeatures(Domain, frozen=True, kw_only=True, gc=False):
    """What the scorer needs from a job, computed once when the job is stored.

    ``skills`` are canonical skill keys; ``title_tokens`` normalised title words;
    ``seniority_rank`` 0 (junior) .. 4 (c-level) or None; ``min_years`` the years of
    experience the description asks for and ``max_years`` the top of the range when it
    gives one ("5-7 years"; "no experience needed" is 0-1); ``min_pay_usd`` and
    ``max_pay_usd`` the yearly pay range in US dollars and ``pay_text`` the posting's
    own figures ("1,640,000-2,000,000 INR"); ``occupations`` the ESCO
    occupations the title names, ``occupation_groups`` their ISCO-08 unit groups and
    ``occupation_heads`` the head nouns of their titles;
    ``duty_words`` the stemmed words of the description of a posting without
    technology tags; ``location_keys`` lower-case place words;
    ``skill_order`` the same skills as ``skills`` in the order the posting asks for them
    (technologies first, then title and description), for explanations and documents.
    """

    skills: frozenset[str] = frozenset()
    title_tokens: frozenset[str] = frozenset()
    seniority_rank: int | None = None
    min_years: int | None = None
    location_keys: frozenset[str] = frozenset()
    skill_order: tuple[str, ...] = ()
    max_years: int | None = None
    min_pay_usd: float | None = None
    max_pay_usd: float | None = None
    pay_text: str = ""
    occupations: frozenset[int] = frozenset()
    occupation_groups: frozenset[int] = frozenset()
    occupation_heads: frozenset[str] = frozenset()
    duty_words: frozenset[str] = frozenset()


class JobSourceLink(Domain, frozen=True, kw_only=True, gc=False):
    """Another place a stored job was posted: a second source, or a repost."""

    source: str
    source_id: int
    url: str | None = None
    date_posted: date | None = None


class Job(Domain, frozen=True, kw_only=True, gc=False):
    """One stored posting; ``(source, source_id)`` is unique across the store."""

    id: int = 0
    source: str
    source_id: int
    job_title: str
    normalized_title: str | None = None
    url: str | None = None
    final_url: str | None = None
    source_url: str | None = None
    date_posted: date | None = None
    discovered_at: datetime | None = None
    company: str | None = None
    company_domain: str | None = None
    company_obj: Company | None = None
    location: str | None = None
    remote: bool | None = None
    hybrid: bool | None = None
    salary_string: str | None = None
    min_salary: float | None = None
    max_salary: float | None = None
    min_salary_usd: float | None = None
    max_salary_usd: float | None = None
    currency: str | None = None
    country: str | None = None
    country_code: str | None = None
    seniority: str | None = None
    employment_status: tuple[str, ...] = ()
    description: str | None = None
    reposted: bool | None = None
    date_reposted: date | None = None
    job_expired: bool | None = None
    industry_id: int | None = None
    matching_phrase: tuple[str, ...] = ()
    matching_words: tuple[str, ...] = ()
    experience: int | None = None
    key_info: tuple[str, ...] = ()
    technologies: tuple[Technology, ...] = ()
    hiring_team: tuple[HiringMember, ...] = ()
    features: JobFeatures = JobFeatures()
    also_posted: tuple[JobSourceLink, ...] = ()
    """The other sources and reposts that were found to be this same job (see
    :mod:`skael_core.sameness`); ``source``/``source_id`` name the first one stored."""

    def __post_init__(self) -> None:
        if not self.job_title.strip():
            raise ValueError("job_title must not be empty")
        if self.country_code is not None and (
            len(self.country_code) != 2 or not self.country_code.isupper()
        ):
            raise ValueError(f"country_code {self.country_code!r} is not alpha-2")

    @property
    def apply_url(self) -> str | None:
        """The link to apply: the final URL, else the posting, else the source."""
        return self.final_url or self.url or self.source_url

    @property
    def technology_slugs(self) -> tuple[str, ...]:
        return tuple(t.technology_slug for t in self.technologies)


class JobFilter(Domain, frozen=True, kw_only=True):
    """Filters of the job list; ``None`` (or empty) means "any".

    ``technology`` and ``location`` take one value or several: a job matches when it
    holds any of them. ``experience`` is the years a person has: a job matches unless it
    asks for more (``features.min_years``). ``exclude_ids`` and ``exclude_companies``
    leave out the jobs a person dismissed and those of the companies they blocked
    (companies as :func:`company_key` gives them).
    """

    q: str | None = None
    remote: bool | None = None
    country_code: str | None = None
    seniority: str | None = None
    technology: str | tuple[str, ...] | None = None
    company: str | None = None
    min_salary: float | None = None
    posted_since: date | None = None
    location: str | tuple[str, ...] | None = None
    job_title: str | None = None
    experience: int | None = None
    exclude_ids: tuple[int, ...] = ()
    exclude_companies: tuple[str, ...] = ()

    @property
    def technologies(self) -> tuple[str, ...]:
        """The technology slugs asked for, any of which will do."""
        return _values(self.technology)

    @property
    def locations(self) -> tuple[str, ...]:
        """The place words asked for, any of which will do."""
        return _values(self.location)


def _values(value: str | tuple[str, ...] | None) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,) if value else ()
    return tuple(v for v in value or () if v)


class FetchQuery(Domain, frozen=True, kw_only=True):
    """What to ask a job source for."""

    job_titles: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    experience: int | None = None
    locations: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    remote: bool | None = None
    limit: int = 25
    posted_at_max_age_days: int = 30
    discovered_at_gte: datetime | None = None
    """Only postings the provider discovered at or after this moment (paging forward)."""

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= 500:
            raise ValueError("limit must be within 1..500")
        if self.posted_at_max_age_days < 1:
            raise ValueError("posted_at_max_age_days must be at least 1")


class KnownPostings(Domain, frozen=True, kw_only=True):
    """The provider ids of one source a fetch must not pay for again: every stored
    posting discovered at or after ``since`` (all of them when ``since`` is None).

    Asking the source for postings discovered at or after ``since`` while excluding
    ``ids`` never returns a stored posting, however large the store.
    """

    ids: tuple[int, ...] = ()
    since: datetime | None = None


class FetchResult(Domain, frozen=True, kw_only=True):
    """A source's answer: the postings, and what it withheld or charged."""

    jobs: tuple[Job, ...]
    truncated: int = 0
    credits_used: int | None = None


class UpsertReport(Domain, frozen=True, kw_only=True):
    """What storing a batch of postings did; ``ids`` follow the input order.

    ``new`` postings made a job of their own, ``updated`` ones refreshed the job they
    had made before, ``merged`` ones were the same job as one already stored (another
    source, or a repost: see :mod:`skael_core.sameness`) and were listed among its
    sources instead; their id is the canonical job's.
    """

    ids: tuple[int, ...]
    new: int
    updated: int
    merged: int = 0


def combined(reports: Iterable[UpsertReport]) -> UpsertReport:
    """One report of several stores made one after the other."""
    ids: list[int] = []
    new = updated = merged = 0
    for report in reports:
        ids.extend(report.ids)
        new += report.new
        updated += report.updated
        merged += report.merged
    return UpsertReport(ids=tuple(ids), new=new, updated=updated, merged=merged)


class PreparedJob(msgspec.Struct, frozen=True, gc=False, array_like=True):
    """A job made ready for storage and matching by ``skael_core.matching.prepared``:
    its matching features, key requirements and canonical technologies filled in.

    A bulk load (``JobRepository.bulk_load``) takes only these, so no ingestion path
    stores a job unprepared; where the work was done (this process, a worker process)
    does not matter. ``same_key`` is the
    job's :func:`skael_core.sameness.sameness_key`, computed with the rest.
    """

    job: Job
    same_key: str | None


class FeedRecord(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One record of a :class:`~skael_core.ports.PostingFeed`: a posting (prepared or
    not yet), or the reason it could not be read.

    ``where`` names the record for people ("jobs.jsonl:line 12"); ``position`` is its
    place in the feed (the line number, or the index in a list).
    """

    position: int
    where: str
    job: Job | PreparedJob | None = None
    error: str | None = None


class BadRecordPolicy(enum.StrEnum):
    """What an ingestion does with a record it cannot read: skip it and count it, or
    stop and store nothing."""

    SKIP = "skip"
    STRICT = "strict"


class BadRecord(Domain, frozen=True, kw_only=True):
    """A record an ingestion skipped, with its place and the reason."""

    position: int
    where: str
    error: str


class IngestReport(Domain, frozen=True, kw_only=True):
    """What an ingestion stored: ``read`` postings (``stored.ids`` in feed order) and
    the ``bad`` records it skipped (the first ``MAX_BAD_KEPT`` with their place in
    ``skipped``)."""

    stored: UpsertReport
    read: int
    bad: int = 0
    skipped: tuple[BadRecord, ...] = ()

    @property
    def ids(self) -> tuple[int, ...]:
        return self.stored.ids

    @property
    def new(self) -> int:
        return self.stored.new

    @property
    def updated(self) -> int:
        return self.stored.updated

    @property
    def merged(self) -> int:
        return self.stored.merged


class Page(msgspec.Struct, Generic[T], frozen=True, kw_only=True):
    """One page of a list; ``total`` is the count of all matches when cheap to know."""

    items: list[T]
    total: int | None = None


class CatalogEntry(Domain, frozen=True, kw_only=True):
    """One value of a catalog (technology, company, location) and how many jobs hold it."""

    key: str
    name: str
    count: int


# --------------------------------------------------------------------------- tracking


class ActionType(enum.StrEnum):
    """Activities the use cases log by themselves; callers may log others."""

    JOB_SAVED = "JOB_SAVED"
    JOB_UNSAVED = "JOB_UNSAVED"
    AI_JOB_ANALYZED = "AI_JOB_ANALYZED"
    RESUME_GENERATED_FOR_JOB = "RESUME_GENERATED_FOR_JOB"
    COVER_LETTER_GENERATED_FOR_JOB = "COVER_LETTER_GENERATED_FOR_JOB"
    GENERAL_RESUME_GENERATED = "GENERAL_RESUME_GENERATED"
    GENERAL_COVER_LETTER_GENERATED = "GENERAL_COVER_LETTER_GENERATED"
    JOB_APPLIED = "JOB_APPLIED"
    APPLICATION_STATUS_UPDATED = "APPLICATION_STATUS_UPDATED"
    FEEDBACK = "FEEDBACK"
    JOBS_FETCHED = "JOBS_FETCHED"
    SEARCH_SAVED = "SEARCH_SAVED"
    SEARCH_UPDATED = "SEARCH_UPDATED"
    SEARCH_DELETED = "SEARCH_DELETED"
    SEARCH_RAN = "SEARCH_RAN"
    SEARCH_FAILED = "SEARCH_FAILED"
    WEBHOOK_ABANDONED = "WEBHOOK_ABANDONED"
    JOB_DISMISSED = "JOB_DISMISSED"
    JOB_RESTORED = "JOB_RESTORED"
    COMPANY_BLOCKED = "COMPANY_BLOCKED"
    COMPANY_UNBLOCKED = "COMPANY_UNBLOCKED"
    RESUME_UPLOADED = "RESUME_UPLOADED"
    DOCUMENT_EXPORTED = "DOCUMENT_EXPORTED"
    INTERVIEW_SCHEDULED = "INTERVIEW_SCHEDULED"
    INTERVIEW_UPDATED = "INTERVIEW_UPDATED"
    INTERVIEW_CANCELLED = "INTERVIEW_CANCELLED"
    REMINDER_ADDED = "REMINDER_ADDED"
    REMINDER_UPDATED = "REMINDER_UPDATED"
    REMINDER_DELETED = "REMINDER_DELETED"
    CALENDAR_URL_ROTATED = "CALENDAR_URL_ROTATED"


class Activity(Domain, frozen=True, kw_only=True):
    id: int = 0
    user_id: int
    job_id: int | None = None
    action_type: str
    metadata: dict[str, Any] = {}
    created_at: datetime


class SavedJob(Domain, frozen=True, kw_only=True):
    """A job a user saved, with the activity that recorded the save (None only for a
    save stored before activities were linked, whose activity is not known)."""

    id: int = 0
    user_id: int
    job_id: int
    saved_at: datetime
    activity_id: int | None = None


class ScorePart(Domain, frozen=True, kw_only=True):
    """One named part of a match score: its own 0-100 value and its weight."""

    score: int
    weight: float
    detail: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.score <= 100:
            raise ValueError("a score part lies within 0..100")


class Match(Domain, frozen=True, kw_only=True):
    """An explainable match: the 0-100 score, its parts and a plain explanation."""

    score: int
    explanation: str
    breakdown: dict[str, ScorePart]

    def __post_init__(self) -> None:
        if not 0 <= self.score <= 100:
            raise ValueError("a score lies within 0..100")


class RankedJob(msgspec.Struct, frozen=True, kw_only=True):
    """A job and its match for one person."""

    job: Job
    match: Match


class Analysis(Domain, frozen=True, kw_only=True):
    id: int = 0
    user_id: int
    job_id: int
    score: int
    explanation: str
    breakdown: dict[str, ScorePart] = {}
    created_at: datetime

    def __post_init__(self) -> None:
        if not 0 <= self.score <= 100:
            raise ValueError("a score lies within 0..100")


class DocumentKind(enum.StrEnum):
    RESUME = "resume"
    COVER_LETTER = "cover_letter"


class Document(Domain, frozen=True, kw_only=True):
    """A resume or cover letter, uploaded (``source`` as given) or written by Skael."""

    id: int = 0
    user_id: int
    job_id: int | None = None
    kind: DocumentKind
    source: str
    content: str
    created_at: datetime


class ApplicationStatus(enum.StrEnum):
    INTERESTED = "Interested"
    SAVED = "Saved"
    APPLIED = "Applied"
    INTERVIEWING = "Interviewing"
    OFFER = "Offer"
    REJECTED = "Rejected"


class StatusChange(Domain, frozen=True, kw_only=True):
    status: ApplicationStatus
    at: datetime


class Application(Domain, frozen=True, kw_only=True):
    """One user's application to one job, with the history of its status (oldest first,
    one entry per change) and the activity that recorded applying, once applied."""

    id: int = 0
    user_id: int
    job_id: int
    status: ApplicationStatus
    notes: str | None = None
    resume_id: int | None = None
    applied_date: datetime | None = None
    last_updated: datetime
    history: tuple[StatusChange, ...] = ()
    applied_activity_id: int | None = None


# --------------------------------------------------------------------------- discovery


class Frequency(enum.StrEnum):
    """How often a saved search runs."""

    DAILY = "daily"
    WEEKLY = "weekly"

    @property
    def days(self) -> int:
        return 1 if self is Frequency.DAILY else 7


class SearchFilters(Domain, frozen=True, kw_only=True):
    """The filters of a saved search: those of relevant_jobs, already normalised.

    ``technology`` are canonical skill slugs and ``location`` place words, any of which
    will do; ``job_title`` and ``experience`` stand in for the profile's desired role
    and years when given, as in relevant_jobs.
    """

    job_title: str | None = None
    technology: tuple[str, ...] = ()
    location: tuple[str, ...] = ()
    experience: int | None = None
    remote: bool | None = None
    country_code: str | None = None
    min_salary: float | None = None

    def job_filter(self) -> JobFilter:
        """The storage filter these stand for (title and years rank, they do not filter)."""
        return JobFilter(
            technology=self.technology,
            location=self.location,
            remote=self.remote,
            country_code=self.country_code,
            min_salary=self.min_salary,
        )


class SavedSearch(Domain, frozen=True, kw_only=True):
    """A search a person keeps: run on a schedule, telling them of new matches scoring at
    least ``min_score`` in the app (notifications) and, when ``webhook_url`` is set, by a
    request to it signed with ``webhook_secret``.

    ``next_run_at`` is when it is due next; ``failures`` counts the runs that failed in a
    row (reset by a run that succeeds), ``last_error`` says what the last one met.

    Watermarks: ``discovered_until`` is the newest provider discovery time its fetches
    have seen (the next fetch asks from there); ``stored_after`` and ``stored_seen`` are
    job ids: a run looks at the stored jobs above ``stored_after`` (the highest id seen
    by the run before the last, or at creation), then moves ``stored_after`` to
    ``stored_seen`` and ``stored_seen`` to the highest id it saw.
    """

    id: int = 0
    user_id: int
    name: str | None = None
    filters: SearchFilters = SearchFilters()
    min_score: int = 0
    frequency: Frequency = Frequency.DAILY
    webhook_url: str | None = None
    webhook_secret: str | None = None
    created_at: datetime
    next_run_at: datetime
    last_run_at: datetime | None = None
    last_error: str | None = None
    failures: int = 0
    discovered_until: datetime | None = None
    stored_after: int = 0
    stored_seen: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.min_score <= 100:
            raise ValueError("min_score lies within 0..100")
        if self.failures < 0:
            raise ValueError("failures must not be negative")


class Notification(Domain, frozen=True, kw_only=True):
    """A new match told to a person: the job, its score when found, the search that
    found it (None once that search is deleted), and when it was read (None: unread).

    ``company`` is the job's company when found, so blocks apply without the job."""

    id: int = 0
    user_id: int
    job_id: int
    search_id: int | None = None
    score: int
    company: str | None = None
    created_at: datetime
    read_at: datetime | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.score <= 100:
            raise ValueError("a score lies within 0..100")

    @property
    def read(self) -> bool:
        return self.read_at is not None


class WebhookDelivery(Domain, frozen=True, kw_only=True):
    """A webhook request waiting in the outbox: the JSON ``body`` of one run's new
    matches for the search ``search_id`` of ``user_id``, sent to that search's current
    URL and signed with its secret.

    ``attempts`` counts the tries so far; ``next_attempt_at`` is when it is tried next.
    It ends ``delivered_at`` a 2xx answer, or ``gave_up_at`` after the last attempt
    allowed (``last_error`` says what the last try met)."""

    id: int = 0
    user_id: int
    search_id: int | None
    body: str
    created_at: datetime
    next_attempt_at: datetime
    attempts: int = 0
    last_error: str | None = None
    delivered_at: datetime | None = None
    gave_up_at: datetime | None = None

    @property
    def pending(self) -> bool:
        return self.delivered_at is None and self.gave_up_at is None


class DismissedJob(Domain, frozen=True, kw_only=True):
    """A job a person never wants shown again."""

    user_id: int
    job_id: int
    dismissed_at: datetime


class BlockedCompany(Domain, frozen=True, kw_only=True):
    """A company none of whose jobs a person wants shown: ``key`` as the catalog gives it
    (``GET /companies``), matched against a job's company in any letter case."""

    user_id: int
    key: str
    blocked_at: datetime

    def __post_init__(self) -> None:
        if not self.key.strip():
            raise ValueError("a company key must not be blank")


class Hidden(Domain, frozen=True, kw_only=True):
    """What a person's lists leave out: the jobs they dismissed and the companies they
    blocked (as :func:`company_key` folds them)."""

    job_ids: tuple[int, ...] = ()
    company_keys: tuple[str, ...] = ()


def company_key(company: str | None) -> str:
    """How blocks compare companies: lower-cased by Python's ``lower``, the same folding
    the SQL store keeps in its lower-cased copy of a job's company."""
    return (company or "").lower()
