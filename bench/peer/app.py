"""The peer API: FastAPI routes over sync SQLAlchemy sessions, Pydantic response models.

Built the way the original backend was: ``def`` endpoints (FastAPI runs them in its
thread pool), a session per request from ``Depends(get_db)``, ORM objects returned and
turned into JSON through ``response_model`` (relations load lazily, the ORM default),
and relevant jobs found with SQL ``LIKE '%skill%'`` over titles and descriptions for
each of the user's skills, newest first, every job with the same constant score.
No authentication (the original routes took ``user_id`` from the request).

    PEER_DATABASE_URL=sqlite:///peer.db uvicorn --app-dir bench peer.app:app
"""

from __future__ import annotations

from fastapi import Depends, FastAPI, HTTPException
from sqlalchemy import or_
from sqlalchemy.orm import Session

from . import models, schemas
from .database import get_db

CONSTANT_SCORE = 50

app = FastAPI(title="Peer job backend")


@app.get("/health")
def health(db: Session = Depends(get_db)) -> dict[str, str]:
    db.query(models.User).first()
    return {"messages": "success", "status": "ok"}


@app.get("/jobs/list_jobs/", response_model=schemas.JobsOut)
def list_jobs(skip: int = 0, limit: int = 20, db: Session = Depends(get_db)):  # type: ignore[no-untyped-def]
    total = db.query(models.Job).count()
    jobs = (
        db.query(models.Job)
        .order_by(models.Job.date_posted.desc(), models.Job.id.desc())
        .offset(skip)
        .limit(limit)
        .all()
    )
    return {"messages": "success", "jobs": jobs, "total": total}


@app.post("/jobs/relevant_jobs", response_model=schemas.RankedJobsOut)
def relevant_jobs(request: schemas.JobFilterRequest, db: Session = Depends(get_db)):  # type: ignore[no-untyped-def]
    user = db.query(models.User).filter(models.User.id == request.user_id).first()
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    query = db.query(models.Job)
    conditions = []
    for skill in user.skills or []:
        conditions.append(models.Job.description.like(f"%{skill}%"))
        conditions.append(models.Job.job_title.like(f"%{skill}%"))
    if conditions:
        query = query.filter(or_(*conditions))
    if request.job_title:
        query = query.filter(models.Job.job_title.like(f"%{request.job_title}%"))
    if request.technology:
        query = query.filter(
            models.Job.technologies.any(models.Technology.technology_slug == request.technology)
        )
    if request.location:
        query = query.filter(models.Job.location.like(f"%{request.location}%"))
    if request.remote is not None:
        query = query.filter(models.Job.remote == request.remote)
    if request.country_code:
        query = query.filter(models.Job.country_code == request.country_code.upper())
    if request.min_salary is not None:
        query = query.filter(models.Job.max_salary >= request.min_salary)
    jobs = (
        query.order_by(models.Job.date_posted.desc(), models.Job.id.desc())
        .offset(request.skip)
        .limit(request.limit)
        .all()
    )
    ranked = []
    for job in jobs:
        item = schemas.JobListing.model_validate(job).model_dump()
        item["match_score"] = CONSTANT_SCORE
        item["match_explanation"] = "Matches your skills"
        ranked.append(item)
    return {"messages": "success", "jobs": ranked}


@app.get("/jobs/{job_id}", response_model=schemas.JobListingResponse)
def get_job(job_id: int, db: Session = Depends(get_db)):  # type: ignore[no-untyped-def]
    job = db.query(models.Job).filter(models.Job.id == job_id).first()
    if job is None:
        raise HTTPException(status_code=404, detail="Job not found")
    return job
