"""Generated jobs and profiles for the ranking index's tests.

Jobs are the sample generator's postings, varied so that every kind of posting the
scorer meets is there: without technology tags (duties as evidence), expired, undated,
with no title words, without pay or paid in another currency without US figures, with
no place, remote with no country. Profiles are drawn from the generator's professions
and countries, some with no skills, no role, only words ("Sourcing"), or no preference.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import msgspec

from skael_adapters.sample.generate import ANCHOR, COUNTRIES, PROFESSIONS, generate_postings
from skael_adapters.theirstack.mapping import to_job
from skael_adapters.theirstack.wire import JobPosting
from skael_core.matching import prepared
from skael_core.model import (
    Job,
    PreparedJob,
    Profile,
    RemotePreference,
    SalaryPeriod,
    User,
)
from skael_core.ports import UnitOfWorkFactory

TODAY = ANCHOR + timedelta(days=3)
NOW = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC)
_WORDS = ("Sourcing", "Interviewing", "Budgeting", "Negotiation", "Scheduling", "Reporting")
_DUTIES = (
    "Run sourcing and interviewing for every opening",
    "Own budgeting and reporting for the team",
    "Lead negotiation with suppliers and partners",
    "Handle scheduling of shifts and rotas",
    "Write weekly reporting for the leadership",
    "Greet visitors and answer the phones",
)


def generated_jobs(count: int, seed: int = 11) -> list[PreparedJob]:
    """``count`` prepared jobs, varied (see the module docstring), the same for a seed."""
    rng = random.Random(seed)
    found: list[PreparedJob] = []
    for start in range(0, count, 5_000):
        postings = generate_postings(min(5_000, count - start), seed + start)
        for i, raw in enumerate(postings):
            raw["id"] = 900_000_000 + start + i
            job = to_job(msgspec.convert(raw, JobPosting))
            found.append(prepared(_varied(rng, job)))
    return found


def _varied(rng: random.Random, job: Job) -> Job:
    change: dict[str, object] = {}
    roll = rng.random
    if roll() < 0.04:  # duties only: no tags, no skill the vocabulary knows
        words = rng.sample(_DUTIES, 3)
        change.update(technologies=(), description="\n".join(f"- {w}" for w in words))
    elif roll() < 0.12:
        change["technologies"] = ()
    if roll() < 0.05:
        change["job_expired"] = True
    if roll() < 0.04:
        change["date_posted"] = None
    elif roll() < 0.05:
        change["date_posted"] = TODAY - timedelta(days=rng.randint(40, 500))
    if roll() < 0.03:
        change["job_title"] = "—"
    if roll() < 0.08:
        change.update(min_salary=None, max_salary=None, min_salary_usd=None, max_salary_usd=None)
    elif roll() < 0.1:
        low = rng.randint(20, 200) * 1000
        change.update(
            min_salary=low,
            max_salary=rng.choice((None, low, low + rng.randint(1, 60) * 1000)),
            min_salary_usd=None,
            max_salary_usd=None,
            currency=rng.choice(("EUR", "GBP", "INR", "JPY", "XXX")),
        )
    if roll() < 0.04:
        change.update(location=None, country=None, country_code=None, remote=None, hybrid=None)
    elif roll() < 0.05:
        change.update(remote=True, hybrid=None, country_code=None)
    if roll() < 0.03:
        change["seniority"] = None
    return msgspec.structs.replace(job, **change) if change else job


def generated_profiles(count: int, seed: int = 5) -> list[Profile]:
    """``count`` profiles across the generator's professions and countries."""
    rng = random.Random(seed)
    found = []
    for n in range(count):
        profession = PROFESSIONS[n % len(PROFESSIONS)]
        role = rng.choice(profession.roles)
        country = rng.choice(COUNTRIES)
        skills = list(rng.sample(role.tools, k=min(len(role.tools), rng.randint(1, 5))))
        kind = n % 10
        if kind == 7:
            skills = []
        elif kind == 8:
            skills = [*rng.sample(_WORDS, 2), *skills[:1]]
        salary = rng.choice((None, rng.randint(20, 250) * 1000))
        found.append(
            Profile(
                user_name=f"person{n}",
                desired_job_role=None if kind == 9 else rng.choice((role.title, profession.key)),
                skills=tuple(skills),
                experience=rng.choice((None, *range(0, 16))),
                countries=() if kind in (3, 6) else (country.code,),
                preferred_locations=((country.cities[0][0],) if kind in (2, 5) else ()),
                remote_preference=rng.choice((None, *RemotePreference)),
                expected_salary=salary,
                salary_currency=rng.choice((None, "USD", country.currency, "XXX"))
                if salary
                else None,
                salary_period=SalaryPeriod.ANNUAL,
            )
        )
    return found


async def store_jobs(uow: UnitOfWorkFactory, jobs: Sequence[PreparedJob]) -> None:
    async with uow() as unit:
        async with unit.jobs.bulk_load() as load:
            for start in range(0, len(jobs), 1000):
                await load.add(jobs[start : start + 1000])
        await unit.commit()


async def store_users(uow: UnitOfWorkFactory, profiles: Sequence[Profile]) -> list[int]:
    ids = []
    async with uow() as unit:
        for n, profile in enumerate(profiles):
            user = User(
                email=f"person{n}@example.com",
                password_hash="x",
                joined_at=NOW,
                profile=profile,
            )
            ids.append((await unit.users.add(user)).id)
        await unit.commit()
    return ids


def today() -> date:
    return TODAY
