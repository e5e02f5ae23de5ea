"""Reading what Theirstack answers besides jobs: error messages and wait hints."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from datetime import UTC
from email.utils import parsedate_to_datetime

import msgspec

from .wire import ErrorResponse

_ERROR_DECODER = msgspec.json.Decoder(ErrorResponse)
_EPOCH_THRESHOLD = 1_000_000_000  # a reset value this large is a Unix time, not seconds
_EXCERPT = 200


def error_message(body: bytes) -> str:
    """The provider's own explanation from an error body, in either documented shape.

    ``{"error": {"code", "title", "description"}}`` gives "E-012 Validation error: ...";
    ``{"detail": [{"loc", "msg", "type"}]}`` gives "body.limit: Input should be ...".
    A body of neither shape gives a short excerpt of its text; an empty one, "".
    """
    try:
        parsed = _ERROR_DECODER.decode(body)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return _excerpt(body)
    return _from_error(parsed) or _from_detail(parsed) or _excerpt(body)


def wait_hint(
    headers: Mapping[str, str], *, rate_limited: bool, now: float | None = None
) -> float | None:
    """Seconds the provider asks us to wait before trying again, or None.

    ``Retry-After`` (seconds or an HTTP date) comes first. When rate limited and it is
    absent, ``RateLimit-Reset`` (seconds until the window resets; a Unix time is
    accepted too) says when the window reopens; it comes on every response, so it means
    nothing for other failures.
    """
    now = time.time() if now is None else now
    retry_after = _retry_after(headers.get("retry-after"), now)
    if retry_after is not None or not rate_limited:
        return retry_after
    return _rate_limit_reset(headers.get("ratelimit-reset"), now)


def _from_error(parsed: ErrorResponse) -> str:
    error = parsed.error
    if isinstance(error, str):
        return error.strip()
    if error is None:
        return ""
    head = " ".join(part for part in (error.code, error.title) if part)
    if error.description:
        return f"{head}: {error.description}" if head else error.description
    return head


def _from_detail(parsed: ErrorResponse) -> str:
    detail = parsed.detail
    if isinstance(detail, str):
        return detail.strip()
    if not detail:
        return ""
    issues = []
    for issue in detail:
        where = ".".join(str(part) for part in issue.loc)
        text = issue.msg or issue.type or "invalid"
        issues.append(f"{where}: {text}" if where else text)
    return "; ".join(issues)


def _excerpt(body: bytes) -> str:
    text = " ".join(body.decode("utf-8", errors="replace").split())
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 3] + "..."


def _retry_after(value: str | None, now: float) -> float | None:
    if not value:
        return None
    seconds = _number(value)
    if seconds is not None:
        return seconds
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def _rate_limit_reset(value: str | None, now: float) -> float | None:
    seconds = _number(value) if value else None
    if seconds is None:
        return None
    return max(0.0, seconds - now) if seconds >= _EPOCH_THRESHOLD else seconds


def _number(value: str) -> float | None:
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None
