"""Years of experience read from descriptions: floors, ranges and entry-level phrases."""

from __future__ import annotations

import pytest

from skael_core.matching import prepare_job
from skael_core.matching.key_info import years_asked
from skael_core.model import Job


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- 8+ years of experience in logistics", (8, None)),
        ("At least 5 years in retail", (5, None)),
        ("a minimum of 3 yrs with SAP", (3, None)),
        ("5-7 years of experience", (5, 7)),
        ("3 to 5 years in sales", (3, 5)),
        ("0-1 years of experience", (0, 1)),
        ("Fresh graduates welcome", (0, 1)),
        ("Freshers can apply", (0, 1)),
        ("No prior experience needed; a strong interest in nursing", (0, 1)),
        ("An entry-level role in our warehouse", (0, 1)),
        ("5+ years overall, 2+ with Kafka", (5, None)),
        ("Mindestens 4 Jahre Erfahrung", (4, None)),
        ("We were founded 45 years ago", (None, None)),
        ("Payroll and yearly reviews", (None, None)),
        ("7-5 years", (7, None)),
    ],
)
def test_years_asked(text: str, expected: tuple[int | None, int | None]) -> None:
    assert years_asked(text) == expected


def test_a_figure_from_the_provider_beats_an_entry_level_phrase() -> None:
    job = Job(source="t", source_id=1, job_title="Clerk", description="Entry-level.", experience=3)
    features = prepare_job(job).features
    assert (features.min_years, features.max_years) == (3, None)
    described = Job(
        source="t", source_id=2, job_title="Clerk", description="2-4 years.", experience=6
    )
    features = prepare_job(described).features
    assert (features.min_years, features.max_years) == (2, 4)
