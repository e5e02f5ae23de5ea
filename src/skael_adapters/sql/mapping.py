"""Rows to domain Structs and back, one explicit pair of functions per aggregate.

``*_to_row`` gives the column values for an insert or update (no ``id`` unless the
object is stored); ``*_to_domain`` builds the frozen Struct from a result row. Nested
parts travel as JSON documents, encoded and decoded (with their types) by msgspec.
Datetimes come back timezone-aware in UTC (see :class:`.tables.UtcDateTime`); values
inside ``Activity.metadata`` come back as JSON gives them (lists, not tuples).
"""

from __future__ import annotations

import itertools
import operator
import string
from collections.abc import Callable
from datetime import UTC
from typing import Any, Generic, TypeVar

import msgspec
from sqlalchemy.engine import Row

from skael_core.model import (
    Activity,
    Analysis,
    Application,
    ApplicationStatus,
    Document,
    DocumentKind,
    Job,
    JobFeatures,
    JobSourceLink,
    Profile,
    SavedJob,
    ScorePart,
    StatusChange,
    User,
)

S = TypeVar("S")

_encode = msgspec.json.Encoder().encode


def _json(value: Any) -> str:
    return _encode(value).decode()


# --------------------------------------------------------------------------- users


def user_to_row(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "password_hash": user.password_hash,
        "token_version": user.token_version,
        "has_agreed_terms": user.has_agreed_terms,
        "joined_at": user.joined_at,
        "profile": _json(user.profile),
    }


def user_to_domain(row: Row[Any]) -> User:
    return User(
        id=row.id,
        email=row.email,
        password_hash=row.password_hash,
        token_version=row.token_version,
        has_agreed_terms=bool(row.has_agreed_terms),
        joined_at=row.joined_at,
        profile=msgspec.json.decode(row.profile, type=Profile),
    )


# --------------------------------------------------------------------------- jobs

JOB_COLUMNS = (
    "source",
    "source_id",
    "job_title",
    "date_posted",
    "discovered_at",
    "company",
    "location",
    "country",
    "country_code",
    "remote",
    "seniority",
    "min_salary",
    "max_salary",
    "description",
)
"""Job fields kept in columns of their own; ``features`` is read from ``rank_data``, and
every other field (but ``id``) is in ``data``."""

# Built from the Job Struct itself, so a field added to Job is stored, never dropped.
# Rows written before ``features`` left ``data`` still hold it there: decoding skips it.
JobData: type[msgspec.Struct] = msgspec.defstruct(
    "JobData",
    [
        (f.name, f.type, f.default)
        for f in msgspec.structs.fields(Job)
        if f.name not in ("id", "features", "also_posted") and f.name not in JOB_COLUMNS
    ],
    omit_defaults=True,
)
_JOB_DATA_FIELDS = JobData.__struct_fields__
_job_data_values = operator.attrgetter(*_JOB_DATA_FIELDS)
_decode_job_data = msgspec.json.Decoder(JobData).decode

RANK_FIELDS = (
    "source",
    "source_id",
    "job_title",
    "date_posted",
    "discovered_at",
    "company",
    "location",
    "country",
    "country_code",
    "remote",
    "hybrid",
    "seniority",
    "min_salary",
    "max_salary",
    "currency",
    "date_reposted",
    "job_expired",
    "features",
)
"""Job fields a slim job carries (see :func:`job_to_slim`): every one the scorer reads."""

# The slim job as one JSON object, written beside the columns and ``data`` by every
# upsert, so that ranking reads one short text per job and msgspec decodes it at once.
JobRankData: type[msgspec.Struct] = msgspec.defstruct(
    "JobRankData",
    [(f.name, f.type, f.default) for f in msgspec.structs.fields(Job) if f.name in RANK_FIELDS],
    omit_defaults=True,
)
_RANK_DATA_FIELDS = JobRankData.__struct_fields__
_rank_data_values = operator.attrgetter(*_RANK_DATA_FIELDS)
_DISCOVERED_AT = _RANK_DATA_FIELDS.index("discovered_at")
_decode_slim_job = msgspec.json.Decoder(Job).decode
_RankFeatures = msgspec.defstruct("RankFeatures", [("features", JobFeatures, JobFeatures())])
_decode_features = msgspec.json.Decoder(_RankFeatures).decode


def _lower(value: str | None) -> str | None:
    return None if value is None else value.lower()


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def search_copy(text: str | None) -> str | None:
    """The lower-case copy of a long text kept for substring search, or None when SQL's
    ``lower()`` gives the same (SQLite's folds ASCII letters only): a text with no
    capital letter outside ASCII is not stored twice."""
    if text is None or text.isascii():
        return None
    lowered = text.lower()
    return None if lowered == text.translate(_ASCII_LOWER) else lowered


JOB_ROW_NAMES = (
    *JOB_COLUMNS,
    "title_lc",
    "company_lc",
    "location_lc",
    "country_lc",
    "seniority_lc",
    "description_lc",
    "is_remote",
    "offered_salary",
    "rank_data",
    "data",
    "same_key",
)
"""The columns :func:`job_row` gives, in its order: every column of ``jobs`` but ``id``
and ``also_posted``, which only merges write (:func:`links_value`)."""

_job_column_values = operator.attrgetter(*JOB_COLUMNS)


def job_row(job: Job, same_key: str | None) -> list[Any]:
    """The values of :data:`JOB_ROW_NAMES` for ``job`` and its sameness key, with the
    derived columns the filters use. Imports call this for every posting: fields are
    read in bulk (``attrgetter``) and the two documents are built positionally."""
    row = list(_job_column_values(job))
    max_salary = job.max_salary
    row += (
        job.job_title.lower(),
        _lower(job.company),
        _lower(job.location),
        _lower(job.country),
        _lower(job.seniority),
        search_copy(job.description),
        bool(job.remote),
        max_salary if max_salary is not None else job.min_salary,
        _rank_data(job),
        _json(JobData(*_job_data_values(job))),
        same_key,
    )
    return row


_decode_links = msgspec.json.Decoder(tuple[JobSourceLink, ...]).decode


def links_value(links: tuple[JobSourceLink, ...]) -> str | None:
    """The ``also_posted`` column of a job listing ``links``."""
    return _json(links) if links else None


def links_of(value: str | None) -> tuple[JobSourceLink, ...]:
    """The links an ``also_posted`` column holds."""
    return _decode_links(value) if value else ()


def _rank_data(job: Job) -> str:
    fields = _rank_data_values(job)
    # as the discovered_at column gives it back: timezone-aware UTC (naive means UTC)
    moment = job.discovered_at
    if moment is not None and moment.tzinfo is not UTC:
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
        fields = (*fields[:_DISCOVERED_AT], moment, *fields[_DISCOVERED_AT + 1 :])
    return _json(JobRankData(*fields))


TECHNOLOGY_COPIES = ("date_posted", "country_code", "is_remote", "seniority_lc", "offered_salary")
"""Columns of a job row that its technology rows repeat (see ``tables.job_technologies``)."""


def job_technologies(job: Job) -> dict[str, str]:
    """Slug -> name, one entry per distinct slug (a slug listed twice keeps its last name).

    Each becomes a ``job_technologies`` row that also repeats ``TECHNOLOGY_COPIES`` of
    the job's row.
    """
    return {t.technology_slug: t.technology_name for t in job.technologies}


JOB_READ_NAMES = ("id", "data", "rank_data", "also_posted", *JOB_COLUMNS)
"""The columns, in order, of a row :func:`job_to_domain` maps."""


def _job_from_values(values: tuple[Any, ...]) -> Job:
    named = dict(zip(JOB_READ_NAMES, values, strict=True))
    data = _decode_job_data(named.pop("data"))
    features = _decode_features(named.pop("rank_data")).features  # type: ignore[attr-defined]
    links = links_of(named.pop("also_posted"))
    fields = dict(zip(_JOB_DATA_FIELDS, _job_data_values(data), strict=True))
    remote = named["remote"]
    named["remote"] = None if remote is None else bool(remote)
    return Job(**named, **fields, features=features, also_posted=links)


def job_to_slim(job_id: int, rank_data: str) -> Job:
    """A job for ranking from its ``id`` and ``rank_data``: the :data:`RANK_FIELDS` only.

    The description, technologies, key information, company object, hiring team and
    the other fields of ``data`` are left at their defaults.
    """
    # The id is not known when the document is written: it goes in front of its fields
    # (never empty: source, source_id and job_title have no default).
    return _decode_slim_job(f'{{"id":{job_id:d},{rank_data[1:]}')


class DecodedJobs(Generic[S]):
    """Jobs decoded from their stored form, remembering the last ``size`` it made.

    Lists and ranking read the same recent jobs over and over, and decoding them is
    most of a read's time. A job is reused only for the very same ``(id, stored)``
    (compared whole): a job changed since, or another database's job with that id, is
    decoded anew, so nothing is ever stale. Jobs are frozen: one object serves every
    request. When full, the older half is forgotten.
    """

    def __init__(self, size: int, decode: Callable[[int, S], Job]) -> None:
        self._size = max(2, size)
        self._decode = decode
        self._known: dict[int, tuple[S, Job]] = {}

    def __call__(self, job_id: int, stored: S) -> Job:
        known = self._known.get(job_id)
        if known is not None and known[0] == stored:
            return known[1]
        job = self._decode(job_id, stored)
        if len(self._known) >= self._size:
            for old in list(itertools.islice(self._known, self._size // 2)):
                del self._known[old]
        self._known[job_id] = (stored, job)
        return job


class JobDecoders:
    """A database's memory of decoded jobs, one per :class:`SqlDatabase` (the
    container sizes it): whole jobs by their row's values (about 5 kB each, some 40 MB
    for 8,192) and slim ranking candidates by ``(id, rank_data)`` (about 2 kB each)."""

    def __init__(self, full_size: int = 8_192, slim_size: int = 20_000) -> None:
        self._full = DecodedJobs[tuple[Any, ...]](full_size, _whole_job)
        self.slim = DecodedJobs[str](slim_size, job_to_slim)

    def full(self, row: Row[Any]) -> Job:
        """The job of a row of :data:`JOB_READ_NAMES`, decoded once."""
        return self._full(row[0], tuple(row))


def _whole_job(_job_id: int, row: tuple[Any, ...]) -> Job:
    return _job_from_values(row)


def job_to_domain(row: Row[Any]) -> Job:
    """The job of a row of :data:`JOB_READ_NAMES`, decoded now (remembered nowhere)."""
    return _job_from_values(tuple(row))


# --------------------------------------------------------------------------- tracking


def saved_job_to_row(saved: SavedJob) -> dict[str, Any]:
    return {
        "user_id": saved.user_id,
        "job_id": saved.job_id,
        "saved_at": saved.saved_at,
        "activity_id": saved.activity_id,
    }


def saved_job_to_domain(row: Row[Any]) -> SavedJob:
    return SavedJob(
        id=row.id,
        user_id=row.user_id,
        job_id=row.job_id,
        saved_at=row.saved_at,
        activity_id=row.activity_id,
    )


NO_BREAKDOWN = _json({})
"""The stored breakdown of a client's analysis: none (a computed one has six parts)."""


def analysis_to_row(analysis: Analysis) -> dict[str, Any]:
    return {
        "user_id": analysis.user_id,
        "job_id": analysis.job_id,
        "score": analysis.score,
        "explanation": analysis.explanation,
        "breakdown": _json(analysis.breakdown),
        "created_at": analysis.created_at,
    }


def analysis_to_domain(row: Row[Any]) -> Analysis:
    return Analysis(
        id=row.id,
        user_id=row.user_id,
        job_id=row.job_id,
        score=row.score,
        explanation=row.explanation,
        breakdown=msgspec.json.decode(row.breakdown, type=dict[str, ScorePart]),
        created_at=row.created_at,
    )


def document_to_row(document: Document) -> dict[str, Any]:
    return {
        "user_id": document.user_id,
        "job_id": document.job_id,
        "kind": document.kind.value,
        "source": document.source,
        "content": document.content,
        "created_at": document.created_at,
    }


def document_to_domain(row: Row[Any]) -> Document:
    return Document(
        id=row.id,
        user_id=row.user_id,
        job_id=row.job_id,
        kind=DocumentKind(row.kind),
        source=row.source,
        content=row.content,
        created_at=row.created_at,
    )


def application_to_row(application: Application) -> dict[str, Any]:
    return {
        "user_id": application.user_id,
        "job_id": application.job_id,
        "status": application.status.value,
        "notes": application.notes,
        "resume_id": application.resume_id,
        "applied_date": application.applied_date,
        "last_updated": application.last_updated,
        "applied_activity_id": application.applied_activity_id,
    }


def status_change_to_row(application_id: int, change: StatusChange) -> dict[str, Any]:
    return {"application_id": application_id, "status": change.status.value, "at": change.at}


def status_change_to_domain(row: Row[Any]) -> StatusChange:
    return StatusChange(status=ApplicationStatus(row.status), at=row.at)


def application_to_domain(row: Row[Any], history: tuple[StatusChange, ...] = ()) -> Application:
    """The application of ``row``, with its ``history`` (read from its own rows)."""
    return Application(
        id=row.id,
        user_id=row.user_id,
        job_id=row.job_id,
        status=ApplicationStatus(row.status),
        notes=row.notes,
        resume_id=row.resume_id,
        applied_date=row.applied_date,
        last_updated=row.last_updated,
        history=history,
        applied_activity_id=row.applied_activity_id,
    )


def activity_to_row(activity: Activity) -> dict[str, Any]:
    return {
        "user_id": activity.user_id,
        "job_id": activity.job_id,
        "action_type": activity.action_type,
        "data": _json(activity.metadata),
        "created_at": activity.created_at,
    }


def activity_to_domain(row: Row[Any]) -> Activity:
    return Activity(
        id=row.id,
        user_id=row.user_id,
        job_id=row.job_id,
        action_type=row.action_type,
        metadata=msgspec.json.decode(row.data, type=dict[str, Any]),
        created_at=row.created_at,
    )
