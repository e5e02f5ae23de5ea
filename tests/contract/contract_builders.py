"""Domain objects for the contract tests: valid by default, changed by keyword."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from skael_core.model import (
    Activity,
    Analysis,
    Application,
    ApplicationStatus,
    Certification,
    Company,
    Document,
    DocumentKind,
    Education,
    HiringMember,
    Job,
    JobFeatures,
    Profile,
    RemotePreference,
    SavedJob,
    ScorePart,
    StatusChange,
    Technology,
    User,
    WorkExperience,
)
from skael_core.ports import UnitOfWorkFactory

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
D0 = date(2025, 3, 1)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def day(days_ago: int) -> date:
    return D0 - timedelta(days=days_ago)


def user(n: int = 1, **changes: Any) -> User:
    profile = Profile(
        user_name=f"Person {n}",
        phone_number="+33 1 23 45 67 89",
        desired_job_role="Backend Engineer",
        skills=("python", "postgresql"),
        experience=5,
        preferred_locations=("Paris", "Lyon"),
        countries=("FR", "DE"),
        remote_preference=RemotePreference.HYBRID,
        professional_summary="Builds services.",
        expected_salary=70000,
        work_experiences=(
            WorkExperience(company_name="Acme", job_title="Dev", start_date="2020-01"),
        ),
        educations=(Education(institution="INSA", degree="MSc", start_year=2012, end_year=2017),),
        certifications=(Certification(title="CKA", issued_by="CNCF"),),
    )
    fields: dict[str, Any] = {
        "email": f"person{n}@example.com",
        "password_hash": f"argon2-hash-{n}",
        "joined_at": T0,
        "profile": profile,
    }
    return User(**(fields | changes))


def tech(slug: str, name: str | None = None) -> Technology:
    return Technology(technology_slug=slug, technology_name=name or slug.title())


def job(n: int, **changes: Any) -> Job:
    """A posting whose key is ``("sample", n)``."""
    fields: dict[str, Any] = {
        "source": "sample",
        "source_id": n,
        "job_title": f"Software Engineer {n}",
        "normalized_title": "software engineer",
        "url": f"https://jobs.example.com/{n}",
        "date_posted": day(n % 7),
        "discovered_at": at(n),
        "company": "Acme",
        "company_domain": "acme.example.com",
        "company_obj": Company(company_name="Acme", country_code="FR", employee_count=120),
        "location": "Paris",
        "remote": False,
        "min_salary": 50000.0,
        "max_salary": 65000.0,
        "currency": "EUR",
        "country": "France",
        "country_code": "FR",
        "seniority": "mid_level",
        "employment_status": ("full_time",),
        "description": "We build things with Python.",
        "key_info": ("Python", "Teamwork"),
        "technologies": (tech("python"),),
        "hiring_team": (HiringMember(name="Ana", title="CTO"),),
        "features": JobFeatures(skills=frozenset({"python"}), seniority_rank=1, min_years=3),
    }
    return Job(**(fields | changes))


def saved(user_id: int, job_id: int, minutes: int = 0) -> SavedJob:
    return SavedJob(user_id=user_id, job_id=job_id, saved_at=at(minutes))


def analysis(user_id: int, job_id: int, minutes: int = 0, score: int = 70) -> Analysis:
    part = ScorePart(score=score, weight=0.5, detail="skills")
    return Analysis(
        user_id=user_id,
        job_id=job_id,
        score=score,
        explanation="Good fit.",
        breakdown={"skills": part},
        created_at=at(minutes),
    )


def document(
    user_id: int,
    minutes: int = 0,
    kind: DocumentKind = DocumentKind.RESUME,
    job_id: int | None = None,
) -> Document:
    return Document(
        user_id=user_id,
        job_id=job_id,
        kind=kind,
        source="skael",
        content=f"# Document at {minutes}",
        created_at=at(minutes),
    )


def application(
    user_id: int,
    job_id: int,
    minutes: int = 0,
    status: ApplicationStatus = ApplicationStatus.APPLIED,
    **changes: Any,
) -> Application:
    fields: dict[str, Any] = {
        "user_id": user_id,
        "job_id": job_id,
        "status": status,
        "notes": "Sent on the website.",
        "applied_date": at(minutes),
        "last_updated": at(minutes),
        "history": (StatusChange(status=status, at=at(minutes)),),
    }
    return Application(**(fields | changes))


def activity(
    user_id: int, minutes: int = 0, action_type: str = "JOB_SAVED", **changes: Any
) -> Activity:
    fields: dict[str, Any] = {
        "user_id": user_id,
        "action_type": action_type,
        "metadata": {"note": "n", "count": minutes, "tags": ["a", "b"], "nested": {"ok": True}},
        "created_at": at(minutes),
    }
    return Activity(**(fields | changes))


async def stored_user(uow_factory: UnitOfWorkFactory, n: int = 1) -> User:
    async with uow_factory() as uow:
        found = await uow.users.add(user(n))
        await uow.commit()
    return found


async def stored_jobs(uow_factory: UnitOfWorkFactory, *jobs: Job) -> list[int]:
    async with uow_factory() as uow:
        report = await uow.jobs.upsert_many(jobs)
        await uow.commit()
    return list(report.ids)


RANKING_FIELDS = (
    "id",
    "date_posted",
    "discovered_at",
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
"""What a candidate carries for sure, slim or not (``JobRepository.candidates``)."""
