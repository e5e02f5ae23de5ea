"""Small adapters to the machine and to reference data: clocks and the country catalog."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pycountry

from skael_core.ports import Clock, CountryCatalog


class SystemClock(Clock):
    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().date()


class FixedClock(Clock):
    """A clock that stands still until moved: for tests and reproducible runs."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("a fixed clock needs a timezone-aware time")
        self._at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self._at

    def today(self) -> date:
        return self._at.date()

    def advance(self, **delta: float) -> None:
        self._at += timedelta(**delta)


class PycountryCatalog(CountryCatalog):
    """ISO 3166-1 from pycountry: codes, names, official and common names."""

    def __init__(self) -> None:
        self._by_key: dict[str, str] = {}
        entries: list[tuple[str, str]] = []
        for country in pycountry.countries:
            code = country.alpha_2
            name = getattr(country, "common_name", None) or country.name
            entries.append((code, name))
            for key in (
                code,
                country.alpha_3,
                country.name,
                name,
                getattr(country, "official_name", None),
            ):
                if key:
                    self._by_key.setdefault(key.casefold(), code)
        self._by_key.setdefault("uk", "GB")
        self._by_key.setdefault("usa", "US")
        self._all = sorted(entries, key=lambda e: e[1])

    def resolve(self, name_or_code: str) -> str | None:
        key = name_or_code.strip().casefold()
        if not key:
            return None
        found = self._by_key.get(key)
        if found is None and len(key) > 3:
            try:
                found = pycountry.countries.search_fuzzy(key)[0].alpha_2
            except LookupError:
                return None
        return found

    def all(self) -> list[tuple[str, str]]:
        return list(self._all)
