"""Load Theirstack-shaped postings (JSON Lines) into the peer's SQLite file, ORM style.

    python -m peer.load --database sqlite:///peer.db jobs.jsonl [--skills python,sql]

(run with ``bench`` on ``sys.path``). Jobs get ids 1..N in file order, as Skael's import
does for a fresh database; companies and technologies are stored once each. One user
(id 1) is created with the given skills, the profile ``/jobs/relevant_jobs`` reads.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from datetime import date, datetime
from pathlib import Path

YEARS = re.compile(r"(\d+)\+? years")


def technology_name(slug: str) -> str:
    try:  # the display names Skael shows, so both servers send the same text
        from skael_adapters.theirstack.mapping import technology_name as name

        return name(slug)
    except ImportError:  # pragma: no cover
        return slug.replace("-", " ").title()


def key_info(description: str | None) -> list[str]:
    """The bullet lines under "## Requirements"."""
    lines, inside = [], False
    for line in (description or "").splitlines():
        if line.startswith("## "):
            inside = line.strip().lower() == "## requirements"
        elif inside and line.startswith("- "):
            lines.append(line[2:].strip())
    return lines


def experience(description: str | None) -> int | None:
    match = YEARS.search(description or "")
    return int(match.group(1)) if match else None


def _datetime(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--database", required=True)
    parser.add_argument("--skills", default="python,sql,docker,aws,react")
    parser.add_argument("--role", default="Backend Engineer")
    parser.add_argument("--experience", type=int, default=5)
    args = parser.parse_args(argv)
    os.environ["PEER_DATABASE_URL"] = args.database

    from . import models
    from .database import Base, SessionLocal, engine

    Base.metadata.create_all(bind=engine)
    db = SessionLocal()
    companies: dict[str, models.Company] = {}
    technologies: dict[str, models.Technology] = {}
    count = 0
    with args.path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            p = json.loads(line)
            c = p.get("company_object") or {}
            company = companies.get(c.get("id"))
            if company is None and c:
                company = companies[c["id"]] = models.Company(
                    company_id=c["id"],
                    company_name=c.get("name"),
                    company_domain=c.get("domain"),
                    industry=c.get("industry"),
                    country=c.get("country"),
                    country_code=c.get("country_code"),
                    url=c.get("url"),
                    linkedin_url=c.get("linkedin_url"),
                    logo=c.get("logo"),
                    long_description=c.get("long_description"),
                )
            techs = []
            for slug in p.get("technology_slugs") or []:
                if slug not in technologies:
                    technologies[slug] = models.Technology(
                        technology_slug=slug, technology_name=technology_name(slug)
                    )
                techs.append(technologies[slug])
            db.add(
                models.Job(
                    theirstack_id=p["id"],
                    job_title=p["job_title"],
                    url=p.get("url"),
                    final_url=p.get("final_url"),
                    source_url=p.get("source_url"),
                    date_posted=_date(p.get("date_posted")),
                    discovered_at=_datetime(p.get("discovered_at")),
                    company=p.get("company"),
                    company_domain=p.get("company_domain"),
                    company_obj=company,
                    location=p.get("location"),
                    remote=p.get("remote"),
                    hybrid=p.get("hybrid"),
                    salary_string=p.get("salary_string"),
                    min_salary=p.get("min_annual_salary"),
                    max_salary=p.get("max_annual_salary"),
                    currency=p.get("salary_currency"),
                    country=p.get("country"),
                    country_code=p.get("country_code"),
                    seniority=p.get("seniority"),
                    employment_status=p.get("employment_statuses") or [],
                    description=p.get("description"),
                    reposted=p.get("reposted"),
                    date_reposted=_date(p.get("date_reposted")),
                    job_expired=None,
                    industry_id=c.get("industry_id"),
                    matching_phrase=p.get("matching_phrases") or [],
                    matching_words=p.get("matching_words") or [],
                    experience=experience(p.get("description")),
                    key_info=key_info(p.get("description")),
                    hiring_team=[
                        {
                            "name": m.get("full_name"),
                            "title": m.get("role"),
                            "linkedin_profile_url": m.get("linkedin_url"),
                        }
                        for m in p.get("hiring_team") or []
                    ],
                    technologies=techs,
                )
            )
            count += 1
            if count % 1000 == 0:
                db.flush()
    skills = [s.strip() for s in args.skills.split(",") if s.strip()]
    db.add(
        models.User(
            user_name="bench",
            email_id="bench@example.com",
            skills=skills,
            desired_job_role=args.role,
            experience=args.experience,
        )
    )
    db.commit()
    db.close()
    print(
        f"peer: loaded {count} jobs, {len(companies)} companies, {len(technologies)} technologies"
    )


if __name__ == "__main__":
    main()
