"""The strong peer's API: async FastAPI routes, eager loading, Pydantic v2 models.

The same routes and answer shapes as the seed-like peer (``bench/peer``), written well:

- ``async def`` endpoints over an ``AsyncSession`` (aiosqlite), one per request;
- every relation a response needs is loaded up front with ``selectinload`` (one extra
  ``IN`` query per relation for a whole page, never one query per job);
- the total of a list is a plain ``SELECT count(*)`` over the table, not a count of a
  subquery of ORM rows;
- answers are typed Pydantic v2 models (``from_attributes``); FastAPI validates and
  serialises them through pydantic-core;
- ``/health`` asks the database ``SELECT 1``.

    PEER_DATABASE_URL=sqlite:///peer.db uvicorn --app-dir bench strong_peer.app:app \\
        --loop uvloop --http httptools --workers 1
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Query
from peer import models, schemas
from sqlalchemy import func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from .database import engine, get_session

CONSTANT_SCORE = 50
EAGER = (selectinload(models.Job.company_obj), selectinload(models.Job.technologies))
NEWEST_FIRST = (models.Job.date_posted.desc(), models.Job.id.desc())

Session = Annotated[AsyncSession, Depends(get_session)]



@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    yield
    await engine.dispose()


app = FastAPI(title="Strong peer job backend", lifespan=lifespan)


@app.get("/health")
async def health(session: Session) -> dict[str, str]:
    await session.execute(text("SELECT 1"))
    return {"messages": "success", "status": "ok"}


@app.get("/jobs/list_jobs/", response_model=schemas.JobsOut)
async def list_jobs(
    session: Session,
    skip: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> schemas.JobsOut:
    total = await session.scalar(select(func.count()).select_from(models.Job))
    jobs = await session.scalars(
        select(models.Job).options(*EAGER).order_by(*NEWEST_FIRST).offset(skip).limit(limit)
    )
    return schemas.JobsOut(
        jobs=[schemas.JobListing.model_validate(j) for j in jobs], total=total or 0
    )


@app.post("/jobs/relevant_jobs", response_model=schemas.RankedJobsOut)
async def relevant_jobs(
    request: schemas.JobFilterRequest, session: Session
) -> schemas.RankedJobsOut:
    user = await session.get(models.User, request.user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    query = select(models.Job).options(*EAGER)
    conditions = []
    for skill in user.skills or []:
        conditions.append(models.Job.description.like(f"%{skill}%"))
        conditions.append(models.Job.job_title.like(f"%{skill}%"))
    if conditions:
        query = query.where(or_(*conditions))
    if request.job_title:
        query = query.where(models.Job.job_title.like(f"%{request.job_title}%"))
    if request.technology:
        query = query.where(
            models.Job.technologies.any(models.Technology.technology_slug == request.technology)
        )
    if request.location:
        query = query.where(models.Job.location.like(f"%{request.location}%"))
    if request.remote is not None:
        query = query.where(models.Job.remote == request.remote)
    if request.country_code:
        query = query.where(models.Job.country_code == request.country_code.upper())
    if request.min_salary is not None:
        query = query.where(models.Job.max_salary >= request.min_salary)
    jobs = await session.scalars(
        query.order_by(*NEWEST_FIRST).offset(request.skip).limit(request.limit)
    )
    ranked = [
        schemas.RankedJobListing.model_validate(
            {
                **schemas.JobListing.model_validate(job).model_dump(),
                "match_score": CONSTANT_SCORE,
                "match_explanation": "Matches your skills",
            }
        )
        for job in jobs
    ]
    return schemas.RankedJobsOut(jobs=ranked)


@app.get("/jobs/{job_id}", response_model=schemas.JobListingResponse)
async def get_job(job_id: int, session: Session) -> schemas.JobListingResponse:
    job = await session.get(models.Job, job_id, options=EAGER)
    if job is None:
        raise HTTPException(status_code=404, detail="Job not found")
    return schemas.JobListingResponse.model_validate(job)
