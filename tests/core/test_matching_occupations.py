"""Roles by meaning: titles and desired roles compared by the ESCO occupations they name."""

from __future__ import annotations

from datetime import date

import msgspec
import pytest

from skael_core.matching import prepare_job, profile_features, score_job
from skael_core.matching.occupations import occupations, occupations_named
from skael_core.matching.vocab import tokens
from skael_core.model import Job, Profile, Technology

TODAY = date(2026, 11, 20)


def test_the_taxonomy_names_its_source_and_licence() -> None:
    table = occupations()
    assert "ESCO" in table.source
    assert "CC BY 4.0" in table.licence
    assert len(table.text) > 2500


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Recruiter", "Talent Acquisition Partner"),
        ("Recruiter", "Senior Technical Recruiter (m/f/d)"),
        ("Bookkeeper", "Accounts Clerk"),
        ("Forklift Driver", "Warehouse Material Handler"),
        ("Truck Driver", "HGV Driver"),
        ("Paralegal", "Legal Assistant"),
        ("Primary School Teacher", "Elementary School Teacher"),
        ("Receptionist", "Front Desk Agent"),
        ("Lawyer", "Legal Counsel"),
        ("Physiotherapist", "Physical Therapist"),
        ("Warehouse Worker", "Order Picker"),
        ("HR Officer", "Personnel Officer"),
        ("Sales Representative", "Account Executive"),
        ("Line Cook", "Grill Cook"),
        ("Marketing Manager", "Head of Marketing"),
        ("Graphic Designer", "Graphic Artist"),
        ("Pharmacist", "Dispensing Chemist"),
    ],
)
def test_titles_in_other_words_name_the_same_occupations(one: str, other: str) -> None:
    mine, my_groups, _ = occupations_named(tokens(one))
    theirs, their_groups, _ = occupations_named(tokens(other))
    assert mine and theirs
    assert not mine.isdisjoint(theirs) or not my_groups.isdisjoint(their_groups)


@pytest.mark.parametrize("title", ["Manager", "Senior Specialist", "Team Lead", "(m/f/d)", ""])
def test_generic_titles_name_no_occupation(title: str) -> None:
    assert occupations_named(tokens(title)) == (frozenset(), frozenset(), frozenset())


def test_titles_ending_in_the_same_noun_name_related_occupations() -> None:
    _, _, specialist = occupations_named(tokens("Talent Acquisition Specialist"))
    _, _, consultant = occupations_named(tokens("Recruitment Consultant"))
    assert "recruiter" in specialist & consultant


def test_a_posting_without_tags_is_judged_on_the_skills_its_duties_name() -> None:
    person = profile_features(
        Profile(user_name="R", desired_job_role="Recruiter", skills=("Sourcing", "Interviewing"))
    )
    job = posting("Talent Partner", "## What you will do\n- Source and interview candidates\n")
    assert {"sourc", "interv"} <= job.features.duty_words
    skills = score_job(person, job, TODAY).breakdown["skills"]
    assert (skills.score, skills.detail) == (67, "2 of your skills appear in the posting's duties.")
    tagged = prepare_job(
        msgspec.structs.replace(
            job, technologies=(Technology(technology_slug="excel", technology_name="Excel"),)
        )
    )
    assert not tagged.features.duty_words


def posting(title: str, description: str) -> Job:
    return prepare_job(
        Job(source="t", source_id=1, job_title=title, country_code="GB", description=description)
    )


def test_a_recruiter_is_shown_the_talent_acquisition_role_above_a_marketing_one() -> None:
    recruiter = profile_features(
        Profile(
            user_name="R",
            desired_job_role="Recruiter",
            skills=("Sourcing", "Interviewing", "LinkedIn Recruiter", "Employer branding"),
            experience=4,
            countries=("GB",),
        )
    )
    talent = posting(
        "Talent Acquisition Partner",
        "## What you will do\n- Run recruiting processes from sourcing to offer\n",
    )
    marketing = posting(
        "Marketing Manager",
        "## What you will do\n- Plan campaigns and grow our employer branding on LinkedIn\n",
    )
    fit, other = score_job(recruiter, talent, TODAY), score_job(recruiter, marketing, TODAY)
    assert fit.score > other.score
    assert fit.breakdown["title"].detail == (
        "Title names the same occupation as your desired role (Recruiter)."
    )
    assert other.breakdown["title"].score == 0
