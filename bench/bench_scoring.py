"""How many (profile, job) pairs ``score_job`` scores per second on one core.

Builds N realistic postings across professions and countries and a few profiles,
prepares them once (as storing a job does), then scores every pair, best of several
rounds. The process pins itself to one CPU where the platform allows it.

    python bench/bench_scoring.py [--jobs 20000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import date, timedelta

from skael_core.matching import prepare_job, profile_features, score_job
from skael_core.model import Job, Profile, RemotePreference, Technology

TODAY = date(2026, 11, 20)

# (title, technologies, description requirement lines, currency, pay range)
ROLES = [
    (
        "Senior Backend Engineer",
        ["python", "django", "postgresql", "docker", "kafka"],
        [
            "5+ years building web services in Python",
            "Solid PostgreSQL and Docker",
            "Experience with Kafka or another message broker",
        ],
        (70_000, 95_000),
    ),
    (
        "Frontend Developer",
        ["typescript", "react", "graphql", "nextjs"],
        ["3+ years with React and TypeScript", "A feel for accessible UI"],
        (50_000, 70_000),
    ),
    (
        "Site Reliability Engineer",
        ["kubernetes", "terraform", "aws", "prometheus", "linux"],
        ["Run Kubernetes in production", "At least 4 years of on-call experience"],
        (80_000, 110_000),
    ),
    (
        "Registered Nurse - ICU",
        [],
        ["Active RN license", "BLS and ACLS certification", "2+ years of ICU experience"],
        (60_000, 85_000),
    ),
    (
        "Staff Accountant",
        ["excel", "sap", "quickbooks"],
        [
            "Bachelor's degree in Accounting",
            "Knowledge of GAAP and IFRS",
            "Month-end close and reconciliations",
        ],
        (45_000, 60_000),
    ),
    (
        "Account Executive",
        ["salesforce", "hubspot"],
        [
            "3+ years of B2B SaaS sales",
            "CRM discipline in Salesforce",
            "Fluent English, German a plus",
        ],
        (55_000, 90_000),
    ),
    (
        "Primary School Teacher",
        [],
        [
            "Qualified Teacher Status (QTS)",
            "Lesson planning and classroom management",
            "Safeguarding training",
        ],
        (30_000, 42_000),
    ),
    (
        "Warehouse Operative",
        [],
        ["Forklift licence", "Experience with a WMS", "Inventory management"],
        (24_000, 29_000),
    ),
    (
        "Product Designer",
        ["figma", "sketch"],
        ["Portfolio of shipped product work", "User research and prototyping in Figma"],
        (60_000, 85_000),
    ),
    (
        "Data Engineer",
        ["python", "apache-airflow", "snowflake", "dbt", "sql"],
        ["4+ years of data engineering", "Airflow, dbt and Snowflake"],
        (75_000, 100_000),
    ),
]
PLACES = [
    ("Berlin", "Germany", "DE", "EUR"),
    ("Munich", "Germany", "DE", "EUR"),
    ("London", "United Kingdom", "GB", "GBP"),
    ("Bengaluru", "India", "IN", "INR"),
    ("New York", "United States", "US", "USD"),
    ("São Paulo", "Brazil", "BR", "BRL"),
    ("Tokyo", "Japan", "JP", "JPY"),
    ("Toronto", "Canada", "CA", "CAD"),
]
SENIORITY = ["junior", "mid_level", "senior", "staff", "c_level", None]


def build_jobs(n: int, rng: random.Random) -> list[Job]:
    jobs = []
    for i in range(n):
        title, techs, lines, (low, high) = rng.choice(ROLES)
        city, country, code, currency = rng.choice(PLACES)
        remote = rng.random() < 0.3
        description = (
            f"## About the role\nWe are hiring a {title} in {city}.\n\n"
            "## Requirements\n" + "".join(f"- {line}\n" for line in lines)
        )
        pay = rng.random() < 0.6
        jobs.append(
            Job(
                source="bench",
                source_id=i,
                job_title=title,
                company=f"Company {i % 97}",
                location=city,
                country=country,
                country_code=code,
                remote=remote,
                hybrid=not remote and rng.random() < 0.4,
                seniority=rng.choice(SENIORITY),
                min_salary=low if pay else None,
                max_salary=high if pay else None,
                currency=currency if pay else None,
                date_posted=TODAY - timedelta(days=rng.randrange(90)),
                description=description,
                technologies=tuple(Technology(technology_slug=t, technology_name=t) for t in techs),
            )
        )
    return [prepare_job(job) for job in jobs]


PROFILES = [
    Profile(
        user_name="Ana",
        desired_job_role="Backend Engineer",
        experience=7,
        skills=("Python", "Django", "Postgres", "Docker", "AWS"),
        countries=("DE", "GB"),
        remote_preference=RemotePreference.REMOTE,
        expected_salary=80_000,
    ),
    Profile(
        user_name="Ravi",
        desired_job_role="Staff Nurse",
        experience=4,
        skills=("RN", "BLS", "ICU", "Patient care"),
        countries=("IN",),
        preferred_locations=("Bengaluru",),
        expected_salary=700_000,
    ),
    Profile(
        user_name="Jo",
        desired_job_role="Accountant",
        experience=2,
        skills=("Excel", "SAP", "IFRS", "Reconciliations"),
        countries=("GB",),
        remote_preference=RemotePreference.HYBRID,
        expected_salary=48_000,
    ),
    Profile(
        user_name="Yuki",
        desired_job_role="UX Designer",
        experience=10,
        skills=("Figma", "Sketch", "User research"),
        countries=("JP",),
        remote_preference=RemotePreference.ONSITE,
    ),
]


def measure(jobs: list[Job], rounds: int) -> float:
    people = [profile_features(p) for p in PROFILES]
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for person in people:
            for job in jobs:
                score_job(person, job, TODAY)
        best = min(best, time.perf_counter() - start)
    return len(people) * len(jobs) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    start = time.perf_counter()
    jobs = build_jobs(args.jobs, random.Random(7))
    prepared = time.perf_counter() - start
    print(f"prepared {len(jobs)} jobs in {prepared:.2f}s ({len(jobs) / prepared:,.0f} jobs/s)")
    rate = measure(jobs, args.rounds)
    print(f"score_job: {rate:,.0f} pairs/s on one core (best of {args.rounds} rounds)")


if __name__ == "__main__":
    main()
