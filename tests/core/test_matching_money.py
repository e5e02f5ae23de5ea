"""Money in matching: the shipped currency facts and the salary part's properties."""

from __future__ import annotations

from datetime import date

import msgspec
from babel.numbers import get_territory_currencies
from hypothesis import given, settings
from hypothesis import strategies as st

from skael_core.matching import prepare_job, profile_features, score_job
from skael_core.matching.money import (
    PERIOD_FACTORS,
    currency_of,
    is_currency,
    money_facts,
    usd_per_unit,
)
from skael_core.model import Job, Profile, SalaryPeriod

TODAY = date(2026, 11, 20)
RATED = sorted(money_facts().usd_per_unit)


def test_the_shipped_facts_name_their_sources_and_date() -> None:
    facts = money_facts()
    assert date.fromisoformat(facts.rates_date) <= TODAY
    assert "European Central Bank" in facts.sources["usd_per_unit"]
    assert "CLDR" in facts.sources["territory_currency"]
    assert {"USD", "EUR", "GBP", "INR", "JPY", "BRL", "CAD"} <= set(facts.usd_per_unit)
    assert facts.usd_per_unit["USD"] == 1.0


def test_territory_currencies_are_babels() -> None:
    on = date.fromisoformat(money_facts().rates_date)
    for code, currency in money_facts().territory_currency.items():
        assert get_territory_currencies(code, start_date=on, tender=True)[0] == currency
    assert [currency_of(c) for c in ("DE", "IN", "US", "GB", "BR", "JP")] == [
        "EUR", "INR", "USD", "GBP", "BRL", "JPY",
    ]  # fmt: skip
    assert currency_of("de") == "EUR" and currency_of(None) is None
    assert is_currency("EUR") and not is_currency("XYZ")


def test_periods_are_documented_factors() -> None:
    assert PERIOD_FACTORS == {
        SalaryPeriod.ANNUAL: 1,
        SalaryPeriod.MONTHLY: 12,
        SalaryPeriod.HOURLY: 2080,
    }


def job_paying(low: float, high: float, currency: str) -> Job:
    return prepare_job(
        Job(
            source="t",
            source_id=1,
            job_title="Accountant",
            country_code="DE",
            min_salary=low,
            max_salary=high,
            currency=currency,
        )
    )


amounts = st.integers(1_000, 5_000_000)
props = settings(max_examples=300, deadline=None)


@props
@given(amounts, amounts, st.integers(0, 2_000_000), st.integers(0, 2_000_000), amounts)
def test_raising_pay_never_lowers_the_salary_part(
    low: int, spread: int, raise_low: int, raise_high: int, want: int
) -> None:
    person = profile_features(Profile(user_name="P", expected_salary=want, countries=("DE",)))
    before = job_paying(low, low + spread, "EUR")
    after = job_paying(low + raise_low, low + spread + raise_low + raise_high, "EUR")
    salary = score_job(person, before, TODAY).breakdown["salary"].score
    assert score_job(person, after, TODAY).breakdown["salary"].score >= salary


@props
@given(amounts, amounts, amounts, st.sampled_from(RATED), st.sampled_from(RATED))
def test_the_same_amounts_in_another_currency_score_the_same(
    low: int, spread: int, want: int, first: str, second: str
) -> None:
    rate_first, rate_second = usd_per_unit(first), usd_per_unit(second)
    assert rate_first and rate_second
    factor = rate_first / rate_second  # units of ``second`` for one of ``first``
    profile = Profile(user_name="P", expected_salary=want, salary_currency=first)
    person = profile_features(profile)
    converted = msgspec.structs.replace(
        person, expected_salary=want * factor, salary_currency=second, usd_per_unit=rate_second
    )
    here = score_job(person, job_paying(low, low + spread, first), TODAY)
    there = score_job(converted, job_paying(low * factor, (low + spread) * factor, second), TODAY)
    assert there.score == here.score
    assert {k: p.score for k, p in there.breakdown.items()} == {
        k: p.score for k, p in here.breakdown.items()
    }
