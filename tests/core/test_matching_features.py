"""The vocabulary, job features and key requirements, on realistic postings."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from skael_core.matching import (
    canonical_skill,
    extract_key_info,
    job_features,
    prepare_job,
    profile_features,
)
from skael_core.matching.vocab import skills_in_text, title_tokens
from skael_core.model import Job, Profile, RemotePreference, Technology

DATA = Path(__file__).parent.parent / "data"


def theirstack_jobs() -> list[Job]:
    """Postings from a Theirstack search answer, already in the domain's shape."""
    raw = json.loads((DATA / "matching_theirstack_jobs.json").read_text())
    return msgspec.convert(raw, list[Job])


def description(name: str) -> str:
    return (DATA / "job_descriptions" / f"{name}.md").read_text()


def posting(title: str, **fields: object) -> Job:
    return msgspec.convert({"source": "t", "source_id": 1, "job_title": title, **fields}, Job)


# --------------------------------------------------------------------------- canonical_skill


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("JS", "javascript"),
        ("JavaScript", "javascript"),
        ("ts", "typescript"),
        ("Postgres", "postgresql"),
        ("PostgreSQL", "postgresql"),
        ("k8s", "kubernetes"),
        ("React.js", "react"),
        ("ReactJS", "react"),
        ("Node", "nodejs"),
        ("Node.js", "nodejs"),
        ("golang", "go"),
        ("Go", "go"),
        ("py", "python"),
        ("ML", "machine-learning"),
        ("Machine Learning", "machine-learning"),
        ("GCP", "google-cloud"),
        ("Google Cloud Platform", "google-cloud"),
        ("AWS", "aws"),
        ("Amazon Web Services", "aws"),
        ("C++", "cpp"),
        ("C#", "csharp"),
        (".NET", "dotnet"),
        ("Vue.js", "vue-js"),
        ("Apache Airflow", "apache-airflow"),
        ("airflow", "apache-airflow"),
        ("CI/CD", "ci-cd"),
        ("scikit-learn", "scikit-learn"),
        ("RN", "registered-nurse"),
        ("Registered Nurse", "registered-nurse"),
        ("ICU", "icu"),
        ("Intensive Care", "icu"),
        ("Basic Life Support", "bls"),
        ("MS Excel", "excel"),
        ("SAP S/4HANA", "sap"),
        ("US GAAP", "gaap"),
        ("IFRS", "ifrs"),
        ("FP&A", "financial-planning-and-analysis"),
        ("CRM", "crm"),
        ("SFDC", "salesforce"),
        ("Qualified Teacher Status", "qts"),
        ("Stock control", "inventory-management"),
        ("HGV licence", "hgv-licence"),
        ("Adobe XD", "adobe-xd"),
        ("  Some New_Tool  ", "some-new-tool"),
        ("São Paulo Tool", "sao-paulo-tool"),
        ("", ""),
    ],
)
def test_canonical_skill_resolves_aliases_and_slugs(name: str, key: str) -> None:
    assert canonical_skill(name) == key


@given(st.text(max_size=40))
def test_canonical_skill_is_idempotent(name: str) -> None:
    key = canonical_skill(name)
    assert canonical_skill(key) == key
    assert key == key.strip("-")


def test_ambiguous_words_count_in_text_only_in_their_listed_spelling() -> None:
    assert "go" in skills_in_text("Backend services in Go and Rust")
    assert "go" not in skills_in_text("We go the extra mile and excel at service")
    assert "excel" not in skills_in_text("You will excel in a fast-paced team")
    assert "excel" in skills_in_text("Advanced Excel (pivot tables)")
    assert skills_in_text("React Native and React") == ("react-native", "react")


# --------------------------------------------------------------------------- titles


@pytest.mark.parametrize(
    ("title", "words", "rank"),
    [
        ("Senior Software Engineer (m/w/d)", {"software", "engineer"}, 2),
        ("Software Developer", {"software", "engineer"}, None),
        ("Programmer", {"software", "engineer"}, None),
        ("Backend Developer", {"backend", "software", "engineer"}, None),
        ("Software Engineer, Backend", {"backend", "software", "engineer"}, None),
        ("Staff Nurse", {"nurse"}, None),
        ("Registered Nurse", {"nurse"}, None),
        ("Head of ICU Nurse", {"icu", "nurse"}, 4),
        ("Junior Bookkeeper", {"accountant"}, 0),
        ("Staff Accountant", {"accountant"}, None),
        ("UI/UX Designer", {"product", "designer"}, None),
        ("Principal Engineer, Platform", {"platform", "engineer"}, 3),
    ],
)
def test_title_tokens_fold_synonyms_and_read_seniority(
    title: str, words: set[str], rank: int | None
) -> None:
    assert title_tokens(title) == (frozenset(words), rank)


# --------------------------------------------------------------------------- job features


def test_job_features_of_a_theirstack_posting() -> None:
    job = next(j for j in theirstack_jobs() if j.job_title == "Accountant")
    features = job_features(job)
    assert features.skill_order[:3] == ("sap", "excel", "oracle-netsuite")
    assert features.skills == frozenset(features.skill_order)
    assert features.title_tokens == {"accountant"}
    assert features.seniority_rank == 1  # mid_level
    assert features.min_years == 3  # "3+ years of professional experience"
    assert {"london", "united kingdom", "gb"} <= features.location_keys


def test_job_features_read_skills_title_and_years_from_the_description() -> None:
    job = posting(
        "Senior ICU Nurse",
        description=description("icu_nurse_us"),
        location="Columbus, OH",
        country="United States",
        country_code="US",
    )
    features = job_features(job)
    assert {"icu", "registered-nurse", "bls", "acls", "epic", "iv-therapy"} <= features.skills
    assert features.title_tokens == {"icu", "nurse"}
    assert features.seniority_rank == 2  # "Senior" in the title; no provider label
    assert features.min_years == 2
    assert {"columbus", "oh", "united states", "us"} <= features.location_keys


def test_job_features_leave_out_nice_to_have_skills() -> None:
    job = posting("Logistics Coordinator", description=description("logistics_japan"))
    features = job_features(job)
    assert {"customs-clearance", "sap", "excel", "freight-forwarding"} <= features.skills
    assert not {"kubernetes", "python"} & features.skills  # only under "Nice to have"


def test_job_features_read_years_in_german() -> None:
    job = posting("Backend Entwickler", description=description("backend_berlin"))
    features = job_features(job)
    assert features.min_years == 4
    assert {"python", "django", "postgresql", "docker", "kubernetes", "ci-cd"} <= features.skills


def test_job_features_merge_technology_slugs_first() -> None:
    job = posting(
        "Python Developer",
        description="## Requirements\n- Django and Postgres\n- 3+ years",
        technologies=[{"technology_slug": "fastapi", "technology_name": "FastAPI"}],
    )
    assert job_features(job).skill_order == ("fastapi", "python", "django", "postgresql")


def test_prepare_job_fills_features_and_key_info() -> None:
    job = posting("Teacher", description=description("teacher_uk"))
    prepared = prepare_job(job)
    assert prepared.features == job_features(job)
    assert prepared.key_info == extract_key_info(job.description)
    assert prepared.job_title == job.job_title


def test_profile_features_canonicalise_and_rank() -> None:
    profile = Profile(
        user_name="Ana",
        desired_job_role="Backend Developer",
        skills=("Postgres", "JS", "k8s", "Postgres"),
        experience=6,
        preferred_locations=("São Paulo, SP", "Remote"),
        countries=("BR",),
        remote_preference=RemotePreference.HYBRID,
        expected_salary=180_000,
    )
    person = profile_features(profile)
    assert person.skills == {"postgresql", "javascript", "kubernetes"}
    assert person.title_tokens == {"backend", "software", "engineer"}
    assert person.seniority_rank == 2
    assert person.location_keys == {"sao paulo", "sp"}
    assert person.countries == {"BR"}
    assert person.expected_salary == 180_000


# --------------------------------------------------------------------------- key info


def test_key_info_takes_requirement_bullets_of_a_theirstack_posting() -> None:
    job = next(j for j in theirstack_jobs() if j.job_title == "Accountant")
    assert extract_key_info(job.description) == (
        "Comfort with oracle-netsuite in production",
        "3+ years of professional experience as a accountant",
        "Experience working in an agile, cross-functional team",
        "A degree in a related field or equivalent practical experience",
    )


def test_key_info_under_bold_headings_skips_benefits_and_about() -> None:
    assert extract_key_info(description("icu_nurse_us")) == (
        "Active Registered Nurse (RN) license in the State of Ohio or a compact license",
        "BLS and ACLS certification from the American Heart Association",
        "At least 2 years of ICU or critical care experience",
        "Bachelor of Science in Nursing (BSN) preferred",
    )


def test_key_info_under_a_colon_heading_and_numbered_lists() -> None:
    assert extract_key_info(description("teacher_uk"))[0] == (
        "Qualified Teacher Status (QTS) and a PGCE or equivalent"
    )
    india = extract_key_info(description("accountant_india"))
    assert india[1] == "3-5 years of experience in accounting, preferably in manufacturing"
    assert all("Salary" not in item for item in india)


def test_key_info_finds_languages_and_german_headings() -> None:
    japan = extract_key_info(description("logistics_japan"))
    assert "Business-level Japanese (JLPT N2 or above) and conversational English" in japan
    assert all("Kubernetes" not in item for item in japan)  # a nice-to-have
    berlin = extract_key_info(description("backend_berlin"))
    assert berlin[0].startswith("Mindestens 4 Jahre Erfahrung")
    assert all("Urlaub" not in item for item in berlin)


def test_key_info_picks_years_degrees_and_languages_outside_sections() -> None:
    text = (
        "We are a small agency. You should have 5+ years of agency experience.\n"
        "A bachelor's degree in design is expected. Fluent Portuguese is required.\n"
        "We offer free lunch."
    )
    assert extract_key_info(text) == (
        "You should have 5+ years of agency experience",
        "A bachelor's degree in design is expected",
        "Fluent Portuguese is required",
    )


def test_key_info_is_short_deduplicated_and_capped() -> None:
    bullets = [f"- Requirement number {i} " + "with many words " * 20 for i in range(12)]
    text = "## Requirements\n" + "\n".join(bullets + bullets[:3]) + "\n- 4+ years in retail\n"
    items = extract_key_info(text)
    assert len(items) == 8
    assert len(set(items)) == 8
    assert all(len(item) <= 121 for item in items)
    assert items[-1] == "4+ years in retail"  # years are kept first when cutting


def test_key_info_of_nothing() -> None:
    assert extract_key_info(None) == ()
    assert extract_key_info("") == ()
    assert extract_key_info("Join us. We are great.") == ()


def test_technology_names_are_ignored_for_slugs() -> None:
    job = Job(
        source="t",
        source_id=1,
        job_title="Engineer",
        technologies=(Technology(technology_slug="Amazon Web Services", technology_name="AWS"),),
    )
    assert job_features(job).skills == {"aws"}
