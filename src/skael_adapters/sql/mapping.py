"""Rows to domain Structs and back, one explicit pair of functions per aggregate.

``*_to_row`` gives the column values for an insert or update (no ``id`` unless the
object is stored); ``*_to_domain`` builds the frozen Struct from a result row. Nested
parts travel as JSON documents, encoded and decoded (with their types) by msgspec.
Datetimes come back timezone-aware in UTC (see :class:`.tables.UtcDateTime`); values
inside ``Activity.metadata`` come back as JSON gives them (lists, not tuples).
"""

from __future__ import annotations

from typing import Any

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
    Profile,
    SavedJob,
    ScorePart,
    StatusChange,
    User,
)

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
"""Job fields kept in columns of their own; every other field (but ``id``) is in ``data``."""

# Built from the Job Struct itself, so a field added to Job is stored, never dropped.
JobData: type[msgspec.Struct] = msgspec.defstruct(
    "JobData",
    [
        (f.name, f.type, f.default)
        for f in msgspec.structs.fields(Job)
        if f.name != "id" and f.name not in JOB_COLUMNS
    ],
    kw_only=True,
    omit_defaults=True,
)
_JOB_DATA_FIELDS = JobData.__struct_fields__
_decode_job_data = msgspec.json.Decoder(JobData).decode


def _lower(value: str | None) -> str | None:
    return None if value is None else value.lower()


def job_to_row(job: Job) -> dict[str, Any]:
    """Columns of ``job``, with the derived ones the filters use."""
    row: dict[str, Any] = {name: getattr(job, name) for name in JOB_COLUMNS}
    data = JobData(**{name: getattr(job, name) for name in _JOB_DATA_FIELDS})
    row.update(
        title_lc=job.job_title.lower(),
        company_lc=_lower(job.company),
        location_lc=_lower(job.location),
        country_lc=_lower(job.country),
        seniority_lc=_lower(job.seniority),
        description_lc=_lower(job.description),
        is_remote=bool(job.remote),
        offered_salary=job.max_salary if job.max_salary is not None else job.min_salary,
        data=_json(data),
    )
    return row


TECHNOLOGY_COPIES = ("date_posted", "country_code", "is_remote", "seniority_lc", "offered_salary")
"""Columns of a job row that its technology rows repeat (see ``tables.job_technologies``)."""


def job_technologies(job: Job) -> dict[str, str]:
    """Slug -> name, one entry per distinct slug (a slug listed twice keeps its last name).

    Each becomes a ``job_technologies`` row that also repeats ``TECHNOLOGY_COPIES`` of
    the job's row.
    """
    return {t.technology_slug: t.technology_name for t in job.technologies}


def job_to_domain(row: Row[Any]) -> Job:
    data = _decode_job_data(row.data)
    fields = {name: getattr(data, name) for name in _JOB_DATA_FIELDS}
    columns = {name: getattr(row, name) for name in JOB_COLUMNS}
    columns["remote"] = None if row.remote is None else bool(row.remote)
    return Job(id=row.id, **columns, **fields)


# --------------------------------------------------------------------------- tracking


def saved_job_to_row(saved: SavedJob) -> dict[str, Any]:
    return {"user_id": saved.user_id, "job_id": saved.job_id, "saved_at": saved.saved_at}


def saved_job_to_domain(row: Row[Any]) -> SavedJob:
    return SavedJob(id=row.id, user_id=row.user_id, job_id=row.job_id, saved_at=row.saved_at)


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
        "history": _json(application.history),
    }


def application_to_domain(row: Row[Any]) -> Application:
    return Application(
        id=row.id,
        user_id=row.user_id,
        job_id=row.job_id,
        status=ApplicationStatus(row.status),
        notes=row.notes,
        resume_id=row.resume_id,
        applied_date=row.applied_date,
        last_updated=row.last_updated,
        history=msgspec.json.decode(row.history, type=tuple[StatusChange, ...]),
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
