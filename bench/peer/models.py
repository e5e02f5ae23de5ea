"""Declarative ORM models: jobs, companies, technologies (many-to-many), users."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .database import Base

job_technologies = Table(
    "job_technologies",
    Base.metadata,
    Column("job_id", ForeignKey("jobs.id"), primary_key=True),
    Column("technology_id", ForeignKey("technologies.id"), primary_key=True),
)


class Company(Base):
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)
    company_id: Mapped[str | None] = mapped_column(String, unique=True, index=True)
    company_name: Mapped[str | None] = mapped_column(String)
    company_domain: Mapped[str | None] = mapped_column(String)
    industry: Mapped[str | None] = mapped_column(String)
    country: Mapped[str | None] = mapped_column(String)
    country_code: Mapped[str | None] = mapped_column(String)
    url: Mapped[str | None] = mapped_column(String)
    linkedin_url: Mapped[str | None] = mapped_column(String)
    logo: Mapped[str | None] = mapped_column(String)
    long_description: Mapped[str | None] = mapped_column(Text)

    jobs: Mapped[list[Job]] = relationship(back_populates="company_obj")


class Technology(Base):
    __tablename__ = "technologies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)
    technology_name: Mapped[str] = mapped_column(String)
    technology_slug: Mapped[str] = mapped_column(String, unique=True, index=True)

    jobs: Mapped[list[Job]] = relationship(
        secondary=job_technologies, back_populates="technologies"
    )


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)
    theirstack_id: Mapped[int | None] = mapped_column(Integer, unique=True, index=True)
    job_title: Mapped[str] = mapped_column(String, index=True)
    url: Mapped[str | None] = mapped_column(String)
    final_url: Mapped[str | None] = mapped_column(String)
    source_url: Mapped[str | None] = mapped_column(String)
    date_posted: Mapped[date | None] = mapped_column(Date, index=True)
    discovered_at: Mapped[datetime | None] = mapped_column(DateTime)
    company: Mapped[str | None] = mapped_column(String)
    company_domain: Mapped[str | None] = mapped_column(String)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"))
    location: Mapped[str | None] = mapped_column(String)
    remote: Mapped[bool | None] = mapped_column(Boolean)
    hybrid: Mapped[bool | None] = mapped_column(Boolean)
    salary_string: Mapped[str | None] = mapped_column(String)
    min_salary: Mapped[float | None] = mapped_column(Float)
    max_salary: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str | None] = mapped_column(String)
    country: Mapped[str | None] = mapped_column(String)
    country_code: Mapped[str | None] = mapped_column(String)
    seniority: Mapped[str | None] = mapped_column(String)
    employment_status: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str | None] = mapped_column(Text)
    reposted: Mapped[bool | None] = mapped_column(Boolean)
    date_reposted: Mapped[date | None] = mapped_column(Date)
    job_expired: Mapped[bool | None] = mapped_column(Boolean)
    industry_id: Mapped[int | None] = mapped_column(Integer)
    matching_phrase: Mapped[list[str]] = mapped_column(JSON, default=list)
    matching_words: Mapped[list[str]] = mapped_column(JSON, default=list)
    experience: Mapped[int | None] = mapped_column(Integer)
    key_info: Mapped[list[str]] = mapped_column(JSON, default=list)
    hiring_team: Mapped[list[dict]] = mapped_column(JSON, default=list)  # type: ignore[type-arg]

    company_obj: Mapped[Company | None] = relationship(back_populates="jobs")
    technologies: Mapped[list[Technology]] = relationship(
        secondary=job_technologies, back_populates="jobs"
    )


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)
    user_name: Mapped[str] = mapped_column(String)
    email_id: Mapped[str] = mapped_column(String, unique=True, index=True)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    desired_job_role: Mapped[str | None] = mapped_column(String)
    experience: Mapped[int | None] = mapped_column(Integer)
