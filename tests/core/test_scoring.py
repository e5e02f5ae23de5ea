"""The match score: its rules on examples, and its properties on generated inputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skael_core.matching import prepare_job, profile_features, score_job
from skael_core.matching.scorer import WEIGHTS, score_cap, weighted_mean
from skael_core.model import Job, Match, Profile, RemotePreference, Technology

TODAY = date(2026, 11, 20)
PARTS = ("skills", "title", "seniority", "location", "salary", "freshness")


def make_job(**fields: object) -> Job:
    base: dict[str, object] = {
        "source": "t",
        "source_id": 1,
        "job_title": "Backend Engineer",
        "company": "Acme",
        "location": "Berlin",
        "country": "Germany",
        "country_code": "DE",
        "remote": False,
        "hybrid": False,
        "seniority": "senior",
        "date_posted": "2026-11-18",
        "technologies": [
            {"technology_slug": s, "technology_name": s}
            for s in ("python", "django", "postgresql", "docker", "kafka")
        ],
    }
    base.update(fields)
    return prepare_job(msgspec.convert(base, Job))


def make_profile(**fields: object) -> Profile:
    base: dict[str, object] = {
        "user_name": "Ana",
        "desired_job_role": "Backend Engineer",
        "skills": ["Python", "Django", "Postgres", "Docker"],
        "experience": 7,
        "countries": ["DE"],
    }
    base.update(fields)
    return msgspec.convert(base, Profile)


def score(profile: Profile, job: Job, today: date = TODAY) -> Match:
    return score_job(profile_features(profile), job, today)


# --------------------------------------------------------------------------- rules


def test_a_good_fit_explains_itself() -> None:
    match = score(make_profile(remote_preference="Remote"), make_job(remote=True))
    assert match.score >= 85
    assert match.explanation == (
        "4 of 5 required skills: python, django, postgresql, docker; missing kafka. "
        "Title matches your desired role (Backend Engineer). "
        "Senior role (5-10 years) fits your 7 years. Remote, as preferred. Posted 2 days ago."
    )
    assert set(match.breakdown) == set(PARTS)


def test_unknown_parts_are_shown_neutral_and_weigh_nothing() -> None:
    match = score(make_profile(expected_salary=None), make_job(min_salary=None, max_salary=None))
    salary = match.breakdown["salary"]
    assert (salary.score, salary.weight) == (50, 0.0)
    assert "salary" not in match.explanation.lower()
    known = [p for p in match.breakdown.values() if p.weight]
    assert {p.weight for p in known} <= set(WEIGHTS.values())


def test_onsite_outside_the_persons_countries_is_capped_at_40() -> None:
    job = make_job(location="Pune", country="India", country_code="IN")
    match = score(make_profile(), job)
    assert match.score <= 40
    assert "outside your countries" in match.explanation
    assert "Capped at 40" in match.explanation


def test_remote_jobs_abroad_are_not_capped() -> None:
    job = make_job(location="Pune", country="India", country_code="IN", remote=True)
    assert score(make_profile(), job).score > 40


def test_a_remote_job_abroad_ranks_below_the_same_job_at_home_unless_remote_is_wanted() -> None:
    at_home = make_job()  # onsite in Berlin; the profile names Germany
    abroad = make_job(location="Austin", country="United States", country_code="US", remote=True)
    no_preference = make_profile()
    assert score(no_preference, abroad).score < score(no_preference, at_home).score
    assert score(no_preference, abroad).breakdown["location"].score == 30
    wants_remote = make_profile(remote_preference=RemotePreference.REMOTE)
    assert score(wants_remote, abroad).score > score(wants_remote, at_home).score
    assert score(wants_remote, abroad).breakdown["location"].score == 60


def test_a_named_city_overrides_the_country_list() -> None:
    job = make_job(location="London", country="United Kingdom", country_code="GB")
    match = score(make_profile(preferred_locations=["London"]), job)
    assert match.breakdown["location"].score == 100


def test_wanting_remote_lowers_onsite_jobs_and_caps_them_at_60() -> None:
    remote = score(make_profile(remote_preference="Remote"), make_job(remote=True))
    hybrid = score(make_profile(remote_preference="Remote"), make_job(hybrid=True))
    onsite = score(make_profile(remote_preference="Remote"), make_job())
    assert remote.score > hybrid.score > onsite.score
    assert onsite.score <= 60
    assert "you prefer remote work" in onsite.explanation


def test_salary_is_compared_in_one_currency_and_explained_in_the_persons() -> None:
    person = make_profile(expected_salary=1_800_000, countries=["IN"])  # INR, by country
    pune = {"location": "Pune", "country": "India", "country_code": "IN", "currency": "INR"}
    fair = make_job(**pune, min_salary=1_600_000, max_salary=2_200_000)
    poor = make_job(**pune, min_salary=600_000, max_salary=800_000)
    assert score(person, fair).breakdown["salary"].score >= 85
    assert score(person, poor).breakdown["salary"].score < 10
    assert score(person, poor).breakdown["salary"].detail == (
        "Pays up to 800,000 INR, 56% below your expected 1,800,000 INR."
    )


def test_a_large_number_in_a_weaker_currency_is_not_a_high_salary() -> None:
    berlin = make_profile(expected_salary=90_000)  # Germany: euros
    euros = make_job(min_salary=90_000, max_salary=100_000, currency="EUR")
    rupees = make_job(min_salary=1_640_000, max_salary=2_000_000, currency="INR")
    assert score(berlin, euros).score > score(berlin, rupees).score
    detail = score(berlin, rupees).breakdown["salary"].detail
    assert detail.startswith("Pays up to 18,")
    assert "EUR (1,640,000-2,000,000 INR)" in detail
    assert detail.endswith("below your expected 90,000 EUR.")


def test_the_providers_usd_figures_are_used_where_sent() -> None:
    job = make_job(min_salary=1, max_salary=2, currency="EUR", min_salary_usd=110_000.0)
    assert (job.features.min_pay_usd, job.features.max_pay_usd) == (110_000.0, None)
    person = make_profile(expected_salary=100_000, salary_currency="USD")
    assert score(person, job).breakdown["salary"].score == 100


def test_monthly_and_hourly_salaries_are_converted_to_a_year() -> None:
    job = make_job(min_salary=60_000, max_salary=60_000, currency="EUR")
    yearly = score(make_profile(expected_salary=60_000), job).breakdown["salary"]
    monthly = make_profile(expected_salary=5_000, salary_period="monthly")
    hourly = make_profile(expected_salary=30, salary_period="hourly")  # 62,400 a year
    assert score(monthly, job).breakdown["salary"] == yearly
    assert score(hourly, job).breakdown["salary"].detail == (
        "Pays up to 60,000 EUR, 4% below your expected 62,400 EUR."
    )


def test_a_salary_without_a_known_currency_is_unknown() -> None:
    nowhere = make_profile(expected_salary=60_000, countries=[])
    match = score(nowhere, make_job(min_salary=50_000, max_salary=70_000, currency="EUR"))
    assert match.breakdown["salary"].weight == 0.0


def test_seniority_compares_rank_and_years() -> None:
    junior = make_profile(experience=1)
    assert score(junior, make_job(seniority="junior")).breakdown["seniority"].score == 100
    head = make_job(seniority="c_level", description="## Requirements\n- 10+ years leading teams")
    part = score(junior, head).breakdown["seniority"]
    assert part.score <= 10
    assert part.detail == "Executive role asks 10+ years; you have 1."


def test_a_role_asking_more_years_than_you_have_ranks_below_one_you_meet() -> None:
    three = make_profile(experience=3)
    asks_eight = make_job(description="## Requirements\n- 8+ years of backend development")
    asks_three = make_job(description="## Requirements\n- 3+ years of backend development")
    far, fit = score(three, asks_eight), score(three, asks_three)
    assert fit.score > far.score
    assert far.breakdown["seniority"].detail == "Senior role asks 8+ years; you have 3."
    assert "asks 8+ years; you have 3" in far.explanation


def test_years_ranges_and_entry_level_phrases_bound_the_job_from_both_sides() -> None:
    six = make_profile(experience=6)
    ranged = make_job(seniority=None, description="We ask 5-7 years of experience.")
    assert (ranged.features.min_years, ranged.features.max_years) == (5, 7)
    assert score(six, ranged).breakdown["seniority"].score == 100
    fresh = make_job(seniority=None, description="Fresh graduates welcome.")
    assert (fresh.features.min_years, fresh.features.max_years) == (0, 1)
    part = score(six, fresh).breakdown["seniority"]
    assert part.score < 100 and part.detail == "Asks 0-1 years; you have 6, more than it needs."


def test_two_years_fit_a_junior_role_and_six_years_fit_a_senior_one_better() -> None:
    two = score(make_profile(experience=2), make_job(seniority="junior"))
    assert two.breakdown["seniority"].score == 100
    assert two.breakdown["seniority"].detail == "Junior role (0-2 years) fits your 2 years."
    six = make_profile(experience=6)
    junior = make_job(seniority="junior", description="## Requirements\n- 2+ years of Python")
    senior = make_job(seniority="senior", description="## Requirements\n- 5+ years of Python")
    assert score(six, senior).score > score(six, junior).score
    assert score(six, junior).breakdown["seniority"].score < 100


def test_under_qualification_costs_more_than_over_qualification() -> None:
    job = make_job(seniority=None, description="## Requirements\n- 5+ years of Python")
    for margin in range(1, 6):
        over = score(make_profile(experience=9 + margin), job).breakdown["seniority"]
        under = score(make_profile(experience=5 - margin), job).breakdown["seniority"]
        assert over.score > under.score
    assert score(make_profile(experience=15), job).breakdown["seniority"].score < 100


def test_freshness_and_expiry() -> None:
    old = score(make_profile(), make_job(date_posted="2026-06-01"))
    new = score(make_profile(), make_job())
    expired = score(make_profile(), make_job(job_expired=True))
    assert new.score > old.score > expired.score
    assert expired.score <= 30
    assert "expired" in expired.explanation


def test_another_profession_is_capped_at_30() -> None:
    nurse = make_profile(desired_job_role="ICU Nurse", skills=["RN", "BLS", "ICU"])
    match = score(nurse, make_job())
    assert match.score <= 30
    assert "neither your skills nor your desired role" in match.explanation


def test_a_profile_without_skills_has_no_skills_part_and_the_rest_renormalised() -> None:
    job = make_job()
    match = score(make_profile(skills=[]), job)
    skills = match.breakdown["skills"]
    assert (skills.score, skills.weight) == (50, 0.0)
    assert "no skills" in skills.detail
    known = [p for p in match.breakdown.values() if p.weight]
    mean = sum(p.score * p.weight for p in known) / sum(p.weight for p in known)
    assert match.score == int(mean + 0.5)
    assert "required skills" not in match.explanation


def test_a_profile_with_nothing_scores_neutral_on_a_bare_job() -> None:
    bare = Job(source="t", source_id=1, job_title="Something", date_posted=None)
    match = score(Profile(user_name="X"), prepare_job(bare))
    assert match.score == 50
    assert all(part.weight == 0.0 for part in match.breakdown.values())


def test_explanations_do_not_depend_on_hash_seeds() -> None:
    """Sets iterate differently per process; the explanation must not."""
    script = (
        "import json, msgspec, sys\n"
        "from datetime import date\n"
        "from skael_core.matching import prepare_job, profile_features, score_job\n"
        "from skael_core.model import Job, Profile\n"
        "data = json.load(open(sys.argv[1]))\n"
        "today = date.fromisoformat(data['today'])\n"
        "out = []\n"
        "for pair in data['pairs']:\n"
        "    person = profile_features(msgspec.convert(pair['profile'], Profile))\n"
        "    for key in ('job_a', 'job_b'):\n"
        "        job = prepare_job(msgspec.convert(pair[key], Job))\n"
        "        m = score_job(person, job, today)\n"
        "        out.append([m.score, m.explanation, msgspec.to_builtins(m.breakdown)])\n"
        "print(json.dumps(out))\n"
    )
    pairs = Path(__file__).parent.parent / "data" / "match_pairs.json"
    runs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script, str(pairs)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(done.stdout))
    assert runs[0] == runs[1]


# --------------------------------------------------------------------------- properties

SKILL_NAMES = [
    "Python", "py", "Django", "Postgres", "PostgreSQL", "Docker", "k8s", "Kubernetes", "JS",
    "TypeScript", "React", "AWS", "Excel", "SAP", "IFRS", "RN", "BLS", "ICU", "Salesforce",
    "CRM", "Figma", "Forklift", "Lesson planning", "Tally", "Go", "Kafka", "Rust",
]  # fmt: skip
SLUGS = [
    "python", "django", "postgresql", "docker", "kubernetes", "react", "typescript", "aws",
    "excel", "sap", "salesforce", "figma", "go", "kafka", "snowflake", "terraform",
]  # fmt: skip
TITLES = [
    "Backend Engineer", "Senior Python Developer", "Staff Nurse", "Head of ICU Nurse",
    "Junior Accountant", "Account Executive", "Primary School Teacher", "Product Designer",
    "Warehouse Operative", "Lead Data Engineer", "Financial Controller",
]  # fmt: skip
LINES = [
    "3+ years of professional experience",
    "At least 5 years with Python and Django",
    "Active RN license and BLS certification",
    "Advanced Excel and SAP; IFRS reporting",
    "Salesforce and HubSpot CRM",
    "Fluent German and English",
    "A degree in a related field",
    "Forklift licence and stock control",
]
PLACES = [
    ("Berlin", "Germany", "DE"),
    ("London", "United Kingdom", "GB"),
    ("Pune", "India", "IN"),
    ("São Paulo", "Brazil", "BR"),
    ("Tokyo", "Japan", "JP"),
    ("Austin", "United States", "US"),
    (None, None, None),
]
SENIORITIES = [None, "junior", "mid_level", "senior", "staff", "c_level"]

profiles = st.builds(
    Profile,
    user_name=st.just("P"),
    desired_job_role=st.none() | st.sampled_from(TITLES),
    skills=st.lists(st.sampled_from(SKILL_NAMES), max_size=8).map(tuple),
    experience=st.none() | st.integers(0, 45),
    preferred_locations=st.lists(
        st.sampled_from(["Berlin", "London", "Pune", "Tokyo"]), max_size=2
    ).map(tuple),
    countries=st.lists(st.sampled_from(["DE", "GB", "IN", "BR", "JP", "US"]), max_size=3).map(
        tuple
    ),
    remote_preference=st.none() | st.sampled_from(list(RemotePreference)),
    expected_salary=st.none() | st.integers(0, 3_000_000),
)


@st.composite
def jobs(draw: st.DrawFn) -> Job:
    city, country, code = draw(st.sampled_from(PLACES))
    low = draw(st.none() | st.integers(1_000, 2_000_000))
    high = None if low is None else low + draw(st.integers(0, 500_000))
    slugs = draw(st.lists(st.sampled_from(SLUGS), max_size=6, unique=True))
    lines = draw(st.lists(st.sampled_from(LINES), max_size=4))
    return prepare_job(
        Job(
            source="t",
            source_id=draw(st.integers(1, 10**9)),
            job_title=draw(st.sampled_from(TITLES)),
            location=city,
            country=country,
            country_code=code,
            remote=draw(st.none() | st.booleans()),
            hybrid=draw(st.none() | st.booleans()),
            seniority=draw(st.sampled_from(SENIORITIES)),
            min_salary=low,
            max_salary=high,
            date_posted=draw(st.none() | st.integers(0, 400).map(lambda d: TODAY - timedelta(d))),
            job_expired=draw(st.none() | st.booleans()),
            description="## Requirements\n" + "".join(f"- {line}\n" for line in lines),
            technologies=tuple(Technology(technology_slug=s, technology_name=s) for s in slugs),
        )
    )


fast = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@fast
@given(profiles, jobs())
def test_score_and_parts_stay_within_0_and_100(profile: Profile, job: Job) -> None:
    match = score(profile, job)
    assert 0 <= match.score <= 100
    assert tuple(match.breakdown) == PARTS
    assert all(0 <= part.score <= 100 for part in match.breakdown.values())


@fast
@given(profiles, jobs(), st.data())
def test_adding_a_skill_the_job_asks_for_never_lowers_the_score(
    profile: Profile, job: Job, data: st.DataObject
) -> None:
    if not job.features.skills or not profile_features(profile).skills:
        return  # without a skill listed there is no skills part to raise
    skill = data.draw(st.sampled_from(sorted(job.features.skills)))
    more = msgspec.structs.replace(profile, skills=(*profile.skills, skill))
    assert score(more, job).score >= score(profile, job).score


@fast
@given(profiles, jobs(), st.data())
def test_removing_a_skill_never_raises_the_score(
    profile: Profile, job: Job, data: st.DataObject
) -> None:
    if not profile.skills:
        return
    index = data.draw(st.integers(0, len(profile.skills) - 1))
    fewer = msgspec.structs.replace(
        profile, skills=profile.skills[:index] + profile.skills[index + 1 :]
    )
    if not profile_features(fewer).skills:
        return  # the last skill gone, the skills part weighs nothing
    assert score(fewer, job).score <= score(profile, job).score


@fast
@given(
    st.none() | st.sampled_from(SENIORITIES[1:]),
    st.integers(0, 20),
    st.none() | st.integers(0, 6),
    st.integers(1, 20),
)
def test_more_years_than_asked_never_scores_below_fewer_by_the_same_margin(
    seniority: str | None, floor: int, spread: int | None, margin: int
) -> None:
    if margin > floor:
        return
    asked = f"{floor}+ years" if spread is None else f"{floor}-{floor + spread} years"
    job = make_job(seniority=seniority, description=f"## Requirements\n- {asked} of Python")
    over = score(make_profile(experience=floor + margin), job)
    under = score(make_profile(experience=floor - margin), job)
    assert over.breakdown["seniority"].score >= under.breakdown["seniority"].score
    assert over.score >= under.score


@fast
@given(profiles, jobs())
def test_the_same_input_gives_the_same_match(profile: Profile, job: Job) -> None:
    first = score(profile, job)
    again = score_job(
        profile_features(msgspec.convert(msgspec.to_builtins(profile), Profile)),
        prepare_job(msgspec.convert(msgspec.to_builtins(job), Job)),
        TODAY,
    )
    assert first == again
    assert first.explanation == again.explanation


@fast
@given(profiles, jobs())
def test_the_weighted_parts_add_up_to_the_uncapped_score(profile: Profile, job: Job) -> None:
    person = profile_features(profile)
    match = score_job(person, job, TODAY)
    known = [p for p in match.breakdown.values() if p.weight]
    weight = sum(p.weight for p in known)
    mean = sum(p.score * p.weight for p in known) / weight if weight else 50.0
    assert abs(weighted_mean(match.breakdown) - mean) < 1e-9
    uncapped = int(mean + 0.5)
    assert match.score == min(uncapped, score_cap(person, job))
    for name, part in match.breakdown.items():
        assert part.weight in (0.0, WEIGHTS[name])
