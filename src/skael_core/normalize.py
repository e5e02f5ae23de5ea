"""Input normalisation: turn what people type into the canonical values the core stores.

Every function raises :class:`InvalidInput` naming the field when a value cannot be
made valid; none of them guesses silently.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .errors import InvalidInput
from .matching.money import is_currency
from .model import RemotePreference, SalaryPeriod
from .ports import CountryCatalog

MAX_TEXT = 10_000
MAX_SHORT_TEXT = 200
MAX_LIST_ITEMS = 100
MIN_PASSWORD = 8
MAX_PASSWORD = 1024

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_REMOTE_WORDS = {
    "remote": RemotePreference.REMOTE,
    "hybrid": RemotePreference.HYBRID,
    "onsite": RemotePreference.ONSITE,
    "on-site": RemotePreference.ONSITE,
    "on site": RemotePreference.ONSITE,
    "office": RemotePreference.ONSITE,
}


def canonical_email(value: str, field: str = "email_id") -> str:
    """Trimmed, lower-case email; emails compare case-insensitively."""
    email = value.strip().lower()
    if len(email) > 254 or not _EMAIL.match(email):
        raise InvalidInput.field(field, f"{value!r} is not an email address")
    return email


def text(value: str | None, field: str, max_length: int = MAX_SHORT_TEXT) -> str | None:
    """Trimmed text, None when blank; longer than ``max_length`` is an error."""
    if value is None:
        return None
    cleaned = value.strip()
    if len(cleaned) > max_length:
        raise InvalidInput.field(field, f"must be at most {max_length} characters")
    return cleaned or None


def required_text(value: str | None, field: str, max_length: int = MAX_SHORT_TEXT) -> str:
    cleaned = text(value, field, max_length)
    if cleaned is None:
        raise InvalidInput.field(field, "must not be empty")
    return cleaned


def split_list(value: str | Sequence[str] | None, field: str) -> tuple[str, ...]:
    """A list, or one comma-separated string, as trimmed distinct items in order."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    seen: dict[str, str] = {}
    for item in items:
        if not isinstance(item, str):
            raise InvalidInput.field(field, "items must be strings")
        cleaned = item.strip()
        if len(cleaned) > MAX_SHORT_TEXT:
            raise InvalidInput.field(field, f"items must be at most {MAX_SHORT_TEXT} characters")
        if cleaned:
            seen.setdefault(cleaned.lower(), cleaned)
    if len(seen) > MAX_LIST_ITEMS:
        raise InvalidInput.field(field, f"at most {MAX_LIST_ITEMS} items")
    return tuple(seen.values())


def country_codes(
    value: str | Sequence[str] | None, catalog: CountryCatalog, field: str = "countries"
) -> tuple[str, ...]:
    """Country names or codes as upper-case ISO 3166-1 alpha-2 codes."""
    codes: list[str] = []
    unknown: list[str] = []
    for item in split_list(value, field):
        code = catalog.resolve(item)
        if code is None:
            unknown.append(item)
        elif code not in codes:
            codes.append(code)
    if unknown:
        raise InvalidInput.field(field, f"unknown country: {', '.join(unknown)}")
    return tuple(codes)


def country_code(value: str | None, catalog: CountryCatalog, field: str) -> str | None:
    """One country name or code as an alpha-2 code, None when blank."""
    codes = country_codes(value, catalog, field)
    if len(codes) > 1:
        raise InvalidInput.field(field, "one country only")
    return codes[0] if codes else None


def remote_preference(
    value: str | None, field: str = "remote_preference"
) -> RemotePreference | None:
    if value is None or not value.strip():
        return None
    found = _REMOTE_WORDS.get(value.strip().lower())
    if found is None:
        raise InvalidInput.field(field, "must be one of Remote, Hybrid, Onsite")
    return found


def currency(value: str | None, field: str = "salary_currency") -> str | None:
    """An ISO 4217 currency code, upper-cased ("eur" -> "EUR"); blank is None."""
    if value is None or not value.strip():
        return None
    code = value.strip().upper()
    if not is_currency(code):
        raise InvalidInput.field(field, "must be an ISO 4217 currency code such as EUR or INR")
    return code


def salary_period(value: str | None, field: str = "salary_period") -> SalaryPeriod:
    """What a salary is stated for: annual (also when blank), monthly or hourly."""
    if value is None or not value.strip():
        return SalaryPeriod.ANNUAL
    try:
        return SalaryPeriod(value.strip().lower())
    except ValueError:
        raise InvalidInput.field(field, "must be one of annual, monthly, hourly") from None


def non_negative(value: int | None, field: str, maximum: int) -> int | None:
    if value is None:
        return None
    if value < 0 or value > maximum:
        raise InvalidInput.field(field, f"must be between 0 and {maximum}")
    return value


_YEARS = re.compile(r"(70|[1-6]?[0-9])\s*\+?\s*(?:[Yy](?:[Ee][Aa])?[Rr][Ss]?)?")
"""A number of years as people type it: ``4``, ``5+``, ``3 years``, ``1 yr``, ``10yrs``."""


def years(value: int | str | None, field: str, maximum: int = 70) -> int | None:
    """Years of experience as an integer: ``4``, ``"4"``, ``"5+"`` or ``"3 years"``.

    Blank text means none; any other text, or a number outside 0..``maximum``, is an error.
    """
    if isinstance(value, str):
        typed = value.strip()
        if not typed:
            return None
        found = _YEARS.fullmatch(typed)
        if found is None:
            raise InvalidInput.field(field, f"{value!r} is not a number of years")
        value = int(found.group(1))
    return non_negative(value, field, maximum)


def any_of(value: str | None, field: str) -> tuple[str, ...]:
    """Comma-separated values, any of which will do: trimmed, distinct (any letter case)."""
    cleaned = text(value, field, MAX_TEXT)
    found: dict[str, str] = {}
    for item in (cleaned or "").split(","):
        if item.strip():
            found.setdefault(item.strip().lower(), item.strip())
    return tuple(found.values())


def score(value: float | None, field: str = "score") -> int | None:
    """A 0-100 score as a whole number: a fraction is rounded to the nearest, halves up."""
    if value is None:
        return None
    if value != value or not 0 <= value <= 100:  # NaN fails both comparisons
        raise InvalidInput.field(field, "must be between 0 and 100")
    return int(value + 0.5)


def password(value: str, field: str = "password") -> str:
    if len(value) < MIN_PASSWORD:
        raise InvalidInput.field(field, f"must be at least {MIN_PASSWORD} characters")
    if len(value) > MAX_PASSWORD:
        raise InvalidInput.field(field, f"must be at most {MAX_PASSWORD} characters")
    return value


def page(skip: int, limit: int, max_limit: int = 100) -> tuple[int, int]:
    """Validated paging: ``skip`` >= 0 and 1 <= ``limit`` <= ``max_limit``."""
    errors = {}
    if skip < 0:
        errors["skip"] = "must be 0 or more"
    if not 1 <= limit <= max_limit:
        errors["limit"] = f"must be between 1 and {max_limit}"
    if errors:
        raise InvalidInput(errors)
    return skip, limit
