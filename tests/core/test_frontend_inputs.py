"""What the Skael frontend sends, made canonical by the core: years as text, fractional
scores, several technologies or places at once; and technologies' stable ids."""

from __future__ import annotations

import pytest

from skael_adapters.system import PycountryCatalog
from skael_core import normalize as norm
from skael_core.errors import InvalidInput
from skael_core.model import JobFilter, Technology
from skael_core.usecases.jobs import job_filter


@pytest.mark.parametrize(
    ("typed", "years"),
    [
        (4, 4),
        ("4", 4),
        (" 3 years", 3),
        ("5+", 5),
        ("5+ yrs", 5),
        ("1 year", 1),
        ("", None),
        (None, None),
        ("0", 0),
    ],
)
def test_years_are_a_number_or_text_holding_one(typed: int | str | None, years: int | None) -> None:
    assert norm.years(typed, "experience") == years


@pytest.mark.parametrize(
    "typed",
    ["several", "four", "3.5", "-2", "71", 71, -1, "2 apples", "3 years of Java", "07", "3 yearſ"],
)
def test_years_that_are_not_a_number_of_years_are_refused(typed: int | str) -> None:
    with pytest.raises(InvalidInput) as raised:
        norm.years(typed, "experience")
    assert raised.value.errors[0].field == "experience"


@pytest.mark.parametrize(
    ("given", "kept"),
    [(78.5, 79), (78.49, 78), (0, 0), (100, 100), (99.5, 100), (0.5, 1), (42, 42), (None, None)],
)
def test_a_fractional_score_is_rounded_halves_up(given: float | None, kept: int | None) -> None:
    assert norm.score(given) == kept


@pytest.mark.parametrize("given", [-0.1, 100.01, float("nan"), float("inf")])
def test_a_score_outside_0_to_100_is_refused(given: float) -> None:
    with pytest.raises(InvalidInput):
        norm.score(given)


def test_a_technology_id_depends_on_its_slug_alone() -> None:
    python = Technology(technology_slug="python", technology_name="Python")
    again = Technology(technology_slug="python", technology_name="python 3")
    kafka = Technology(technology_slug="kafka", technology_name="Kafka")
    assert python.id == again.id != kafka.id
    assert python.id == 19398858068363  # the same in every run, store and process
    assert 0 < kafka.id < 2**53  # exact as a JavaScript number


def test_comma_separated_filters_mean_any_of_them() -> None:
    found = job_filter(
        PycountryCatalog(),
        technology="Python, SQL ,kafka,python, postgres",
        location="Bengaluru,Remote",
        experience="3 years",
    )
    assert found.technologies == ("python", "sql", "kafka", "postgresql")
    assert found.locations == ("Bengaluru", "Remote")
    assert found.experience == 3
    assert job_filter(PycountryCatalog(), technology=" , ").technologies == ()


def test_a_filter_takes_one_value_or_several() -> None:
    assert JobFilter(technology="go").technologies == ("go",)
    assert JobFilter(technology=("go", "")).technologies == ("go",)
    assert JobFilter(location="").locations == ()
    assert JobFilter().locations == ()
