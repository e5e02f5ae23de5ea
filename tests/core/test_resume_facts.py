"""Facts drawn from resume text (skael_core.resume_facts) and upload kinds (skael_core.files):
plain strings in, no files."""

from __future__ import annotations

import time
from datetime import date

import pytest

from skael_adapters.writers.template import TemplateDocumentWriter
from skael_core.errors import InvalidInput
from skael_core.files import ExportFormat, FileKind, export_format, file_kind, plain_text
from skael_core.model import Education, Profile, User, WorkExperience
from skael_core.resume_facts import draw_facts, looks_like_title
from support import NOW

TODAY = date(2026, 12, 7)
COUNTRIES = {"India": "IN", "Germany": "DE", "Spain": "ES"}.get

SECTIONED = """Priya Sharma
Senior Backend Engineer
priya.sharma@example.com | +91 98765 43210 | Pune, India
https://github.com/priya

Summary
Backend engineer with a taste for clean APIs.

Experience
Senior Backend Engineer — Acme Technologies
Jan 2021 – Present
• Built Python and Django services on Kubernetes
Software Developer at Globex Pvt Ltd
06/2017 - 12/2020
• Node.js APIs, React front ends

Education
B.Tech Computer Science, Indian Institute of Technology Bombay, 2013 – 2017

Skills
Python, Django, PostgreSQL, Apache Airflow

Languages
English (fluent), Hindi (native)
"""

COLUMNS = """ANNA KUZNETSOVA
anna.k@example.org   ·   +49 30 1234567   ·   Berlin, Germany

PROFESSIONAL EXPERIENCE
Globex GmbH, Berlin                2019-03 – 2023-08
Data Analyst
- SQL reporting in Tableau
Initech AG                      2016 – 2019
Junior Analyst
- Excel models

EDUCATION
Lomonosov Moscow State University
Master of Science, Applied Mathematics   2014 – 2016

SKILLS: SQL, Python, Tableau
LANGUAGES: Russian; English; German
"""


def test_a_sectioned_resume_gives_every_field() -> None:
    facts = draw_facts(SECTIONED, TODAY, COUNTRIES)
    assert (facts.user_name, facts.email, facts.phone_number) == (
        "Priya Sharma",
        "priya.sharma@example.com",
        "+91 98765 43210",
    )
    assert (facts.location, facts.country) == ("Pune, India", "IN")
    assert facts.desired_job_role == "Senior Backend Engineer"
    assert facts.professional_summary == "Backend engineer with a taste for clean APIs."
    assert facts.work_experiences == (
        WorkExperience(
            company_name="Acme Technologies",
            job_title="Senior Backend Engineer",
            start_date="2021-01",
            end_date=None,
            description="- Built Python and Django services on Kubernetes",
        ),
        WorkExperience(
            company_name="Globex Pvt Ltd",
            job_title="Software Developer",
            start_date="2017-06",
            end_date="2020-12",
            description="- Node.js APIs, React front ends",
        ),
    )
    # 2017-06..2020-12 and 2021-01..2026-12: 114 months
    assert facts.experience_years == 9
    assert facts.educations == (
        Education(
            institution="Indian Institute of Technology Bombay",
            degree="B.Tech Computer Science",
            start_year=2013,
            end_year=2017,
        ),
    )
    assert facts.skills[:4] == ("Python", "Django", "PostgreSQL", "Apache Airflow")
    assert {"Kubernetes", "Node.js", "React"} <= set(facts.skills)
    assert facts.languages == ("English (fluent)", "Hindi (native)")
    assert facts.links == ("https://github.com/priya",)


def test_a_two_column_resume_with_employer_first_and_inline_headings() -> None:
    facts = draw_facts(COLUMNS, TODAY, COUNTRIES)
    assert facts.user_name == "Anna Kuznetsova"
    assert facts.country == "DE"
    assert [
        (w.job_title, w.company_name, w.start_date, w.end_date) for w in facts.work_experiences
    ] == [
        ("Data Analyst", "Globex GmbH", "2019-03", "2023-08"),
        ("Junior Analyst", "Initech AG", "2016", "2019"),
    ]
    assert facts.experience_years == 7  # 2016-01..2023-08
    [school] = facts.educations
    assert school.degree == "Master of Science, Applied Mathematics"
    assert (school.start_year, school.end_year) == (2014, 2016)
    assert facts.skills == ("SQL", "Python", "Tableau", "Excel")
    assert facts.languages == ("Russian", "English", "German")
    assert facts.desired_job_role == "Data Analyst"  # no headline: the latest title


def test_overlapping_jobs_count_once() -> None:
    text = """Experience
Engineer, Alpha Labs
2018 - 2022
Consultant, Beta Inc
2020 - 2021
Lead Engineer, Gamma AG
2024 - 2025
"""
    facts = draw_facts(text, TODAY)
    assert facts.experience_years == 5  # 2018..2022 (48 months) and 2024..2025 (12)


@pytest.mark.parametrize(
    ("written", "start", "end"),
    [
        ("March 2019 to September 2021", "2019-03", "2021-09"),
        ("Mar. 2019 – Sept. 2021", "2019-03", "2021-09"),
        ("03/2019 - 09/2021", "2019-03", "2021-09"),
        ("2019-03 — 2021-09", "2019-03", "2021-09"),
        ("2019 - 2021", "2019", "2021"),
        ("Okt 2019 – heute", "2019-10", None),
        ("Jan 2025 - Current", "2025-01", None),
    ],
)
def test_date_ranges_as_people_write_them(written: str, start: str, end: str | None) -> None:
    facts = draw_facts(f"Experience\nDeveloper, Initech\n{written}\n", TODAY)
    [work] = facts.work_experiences
    assert (work.start_date, work.end_date) == (start, end)


def test_a_year_range_is_not_a_phone_number_and_nothing_is_invented() -> None:
    facts = draw_facts("Jo Bloggs\nVolunteer 2019-2021\n", TODAY)
    assert facts.user_name == "Jo Bloggs"
    assert facts.phone_number is None
    assert facts.email is None and facts.work_experiences == () and facts.skills == ()
    assert draw_facts("", TODAY) == draw_facts("   \n", TODAY)


def test_years_stated_in_words_when_there_are_no_dates() -> None:
    facts = draw_facts("Sam Doe\nSummary\nA nurse with 12+ years of ward experience.\n", TODAY)
    assert facts.experience_years == 12


def test_the_template_writers_resume_reads_back() -> None:
    """Skael's own Markdown resume (headings, bold, italics) gives its profile back."""
    profile = Profile(
        user_name="José Müller",
        phone_number="+34 600 123 456",
        desired_job_role="Platform Engineer",
        skills=("Go", "Terraform", "AWS"),
        work_experiences=(
            WorkExperience(
                company_name="Acme Cloud SA",
                job_title="Platform Engineer",
                start_date="2020-02",
                description="Runs Terraform and Go services on AWS.",
            ),
        ),
        educations=(Education(institution="Universidad de Sevilla", degree="BSc", end_year=2019),),
    )
    user = User(email="jose@example.es", password_hash="x", joined_at=NOW, profile=profile)
    markdown = TemplateDocumentWriter().render("resume", user, None)
    facts = draw_facts(markdown, TODAY)
    assert facts.user_name == "José Müller"
    assert facts.email == "jose@example.es"
    assert facts.phone_number == "+34 600 123 456"
    assert {"Go", "Terraform", "AWS"} <= set(facts.skills)
    [work] = facts.work_experiences
    assert (work.job_title, work.company_name, work.start_date, work.end_date) == (
        "Platform Engineer",
        "Acme Cloud SA",
        "2020-02",
        None,
    )
    assert facts.educations[0].institution == "Universidad de Sevilla"


def test_titles_are_told_from_names() -> None:
    assert looks_like_title("Senior Backend Engineer")
    assert looks_like_title("Head of Sales")
    assert not looks_like_title("Priya Sharma")
    assert not looks_like_title("Acme Technologies")


# --------------------------------------------------------------------------- file kinds


@pytest.mark.parametrize(
    ("content", "name", "media", "kind"),
    [
        (b"%PDF-1.7\n...", "cv.pdf", "application/pdf", FileKind.PDF),
        (b"%PDF-1.4\n...", "cv", None, FileKind.PDF),
        (b"PK\x03\x04rest", "cv.docx", None, FileKind.DOCX),
        (b"Ada Lovelace\nMathematician", "cv.txt", "text/plain", FileKind.TEXT),
        (b"Ada Lovelace", None, None, FileKind.TEXT),
    ],
)
def test_the_bytes_decide_the_kind(
    content: bytes, name: str | None, media: str | None, kind: FileKind
) -> None:
    assert file_kind(content, name, media) is kind


@pytest.mark.parametrize(
    ("content", "name", "media", "reason"),
    [
        (b"", "cv.pdf", None, "empty"),
        (b"Ada", "cv.pdf", None, "not one"),
        (b"Ada", "cv.txt", "application/pdf", "not one"),
        (b"Ada", "CV.DOCX", None, "not one"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1...", "cv.doc", None, "old Word"),
    ],
)
def test_a_kind_claimed_but_not_held_is_refused(
    content: bytes, name: str, media: str | None, reason: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        file_kind(content, name, media)
    assert raised.value.errors[0].field == "file"
    assert reason in raised.value.errors[0].message


def test_plain_text_in_utf8_or_utf16_and_never_binary() -> None:
    assert plain_text("Ñandú Ä".encode()) == "Ñandú Ä"
    assert plain_text("\ufeffÑandú".encode()) == "Ñandú"
    assert plain_text("Ñandú".encode("utf-16")) == "Ñandú"
    for binary in (b"\xc3\x28 not UTF-8 \x81", b"abc\x00def", bytes(range(1, 32)) * 3):
        with pytest.raises(InvalidInput):
            plain_text(binary)


def test_export_formats_in_any_letter_case() -> None:
    assert export_format(" PDF ") is ExportFormat.PDF
    assert export_format("docx") is ExportFormat.DOCX
    with pytest.raises(InvalidInput) as raised:
        export_format("odt")
    assert raised.value.errors[0].field == "format"


@pytest.mark.parametrize(
    "text",
    [
        "a" * 200_000,
        "1" * 199_999 + "x",
        "@" * 3 + "a@" * 99_000,
        "x" + "\u2003" * 199_000 + "y",
        " 2019 -" * 28_000,
        "Experience\n" + "Engineer, Acme\n2019 - 2020\n- did things\n" * 4_000,
    ],
)
def test_the_longest_text_taken_is_read_in_linear_time(text: str) -> None:
    """200,000 characters (the most a document holds) of what makes naive patterns slow."""
    started = time.process_time()
    facts = draw_facts(text, TODAY)
    assert time.process_time() - started < 2.0
    assert len(facts.work_experiences) <= 50
