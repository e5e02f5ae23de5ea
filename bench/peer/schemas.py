"""Pydantic v2 response and request models (``from_attributes`` reads the ORM objects)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict


class CompanyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int | None = None
    company_name: str | None = None
    company_domain: str | None = None
    industry: str | None = None
    country: str | None = None
    country_code: str | None = None
    url: str | None = None
    linkedin_url: str | None = None
    logo: str | None = None
    long_description: str | None = None


class TechnologyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    technology_name: str
    technology_slug: str


class HiringMemberOut(BaseModel):
    name: str | None = None
    title: str | None = None
    linkedin_profile_url: str | None = None


class JobListing(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    job_title: str
    url: str | None = None
    final_url: str | None = None
    source_url: str | None = None
    date_posted: date | None = None
    discovered_at: datetime | None = None
    company: str | None = None
    company_domain: str | None = None
    company_obj: CompanyOut | None = None
    location: str | None = None
    remote: bool | None = None
    hybrid: bool | None = None
    salary_string: str | None = None
    min_salary: float | None = None
    max_salary: float | None = None
    currency: str | None = None
    country: str | None = None
    country_code: str | None = None
    seniority: str | None = None
    employment_status: list[str] = []
    description: str | None = None
    reposted: bool | None = None
    date_reposted: date | None = None
    job_expired: bool | None = None
    industry_id: int | None = None
    matching_phrase: list[str] = []
    matching_words: list[str] = []
    experience: int | None = None
    key_info: list[str] = []
    technologies: list[TechnologyOut] = []
    hiring_team: list[HiringMemberOut] = []


class JobListingResponse(JobListing):
    messages: str = "success"


class RankedJobListing(JobListing):
    match_score: int
    match_explanation: str


class JobsOut(BaseModel):
    messages: str = "success"
    jobs: list[JobListing]
    total: int


class RankedJobsOut(BaseModel):
    messages: str = "success"
    jobs: list[RankedJobListing]


class JobFilterRequest(BaseModel):
    user_id: int
    job_title: str | None = None
    technology: str | None = None
    location: str | None = None
    experience: int | None = None
    remote: bool | None = None
    country_code: str | None = None
    min_salary: float | None = None
    skip: int = 0
    limit: int = 20
