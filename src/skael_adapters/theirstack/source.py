"""The Theirstack job search over HTTP, every failure turned into a core error.

    what happened                                      core error (provider "Theirstack")
    200 with a body of the documented shape            - (a FetchResult)
    200 whose body is not that shape, or is cut short  ProviderBadResponse   not retried
    401, 403                                           ProviderRejectedKey   not retried
    402                                                ProviderOutOfCredits  not retried
    400, 422 and other 4xx                             ProviderBadRequest    not retried
    429, 408, 5xx, connection errors                   ProviderUnavailable   after retries
    httpx timeouts                                     ProviderTimeout       after retries
    the overall deadline passes                        ProviderTimeout

Retries use stamina: jittered exponential backoff, or the wait the provider asks for
(``Retry-After``, else ``RateLimit-Reset`` on a 429). Every attempt and every wait fit
in one deadline for the whole call. A 200 is never retried: its credits are spent.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import httpx
import msgspec
import stamina

from skael_core.errors import (
    ProviderBadRequest,
    ProviderBadResponse,
    ProviderError,
    ProviderOutOfCredits,
    ProviderRejectedKey,
    ProviderTimeout,
    ProviderUnavailable,
)
from skael_core.model import FetchQuery, FetchResult, Job
from skael_core.ports import JobSource

from .mapping import build_search_body, to_job
from .matching import QueryMatcher
from .responses import error_message, wait_hint
from .wire import SearchResponse

PROVIDER = "Theirstack"
DEFAULT_BASE_URL = "https://api.theirstack.com"
SEARCH_PATH = "/v1/jobs/search"

_log = logging.getLogger(__name__)
_DECODER = msgspec.json.Decoder(SearchResponse)


class _Retryable(Exception):
    """One failed attempt worth another; ``wait`` is the pause the provider asked for."""

    def __init__(self, message: str, *, timed_out: bool = False, wait: float | None = None):
        super().__init__(message)
        self.message = message
        self.timed_out = timed_out
        self.wait = wait


class _Trail:
    """What the attempts of one call went through, for the final error message."""

    def __init__(self) -> None:
        self.attempts = 0
        self.last: _Retryable | None = None
        self.refused_wait: float | None = None


class TheirstackJobSource(JobSource):
    """Postings from Theirstack's ``POST /v1/jobs/search``, one credit per job returned."""

    name = "theirstack"

    def __init__(
        self,
        api_key: str,
        *,
        client: httpx.AsyncClient,
        base_url: str = DEFAULT_BASE_URL,
        deadline: float = 30.0,
        max_attempts: int = 4,
        known_ids_limit: int = 500,
        wait_initial: float = 0.5,
        wait_max: float = 8.0,
        wait_jitter: float = 1.0,
        retry_after_scale: float = 1.0,
    ) -> None:
        """``client`` is shared and owned by the caller; ``deadline`` bounds a whole call.

        ``wait_*`` shape the exponential backoff; ``retry_after_scale`` multiplies the
        waits the provider asks for (1.0 in production; tests shrink it).
        """
        if deadline <= 0 or max_attempts < 1 or known_ids_limit < 0 or retry_after_scale < 0:
            raise ValueError("needs deadline > 0, max_attempts >= 1, known_ids_limit >= 0")
        self._api_key = api_key.strip()
        self._client = client
        self._url = _search_url(base_url)
        self._deadline = deadline
        self._max_attempts = max_attempts
        self._known_ids_limit = known_ids_limit
        self._wait_initial = wait_initial
        self._wait_max = wait_max
        self._wait_jitter = wait_jitter
        self._retry_after_scale = retry_after_scale

    def __repr__(self) -> str:
        return f"TheirstackJobSource(url={self._url!r})"

    @staticmethod
    def create_client(
        *, connect_timeout: float = 5.0, read_timeout: float = 20.0
    ) -> httpx.AsyncClient:
        """A client for this source; the caller closes it (``await client.aclose()``)."""
        timeout = httpx.Timeout(read_timeout, connect=connect_timeout)
        return httpx.AsyncClient(timeout=timeout, headers={"User-Agent": "skael"})

    async def fetch(self, query: FetchQuery, exclude_source_ids: Sequence[int]) -> FetchResult:
        if not self._api_key:
            raise ProviderRejectedKey(PROVIDER, "no API key is configured")
        body = build_search_body(query, exclude_source_ids, known_ids_limit=self._known_ids_limit)
        trail = _Trail()
        try:
            async with asyncio.timeout(self._deadline):
                payload, content_type = await self._post_with_retries(
                    msgspec.json.encode(body), trail
                )
        except TimeoutError:
            raise ProviderTimeout(PROVIDER, self._deadline_message(trail)) from None
        return _result(payload, content_type)

    def matcher(self, query: FetchQuery) -> Callable[[Job], bool]:
        return QueryMatcher(query, datetime.now(UTC))

    # ------------------------------------------------------------------ attempts

    async def _post_with_retries(self, body: bytes, trail: _Trail) -> tuple[bytes, str]:
        backoff = self._backoff_hook(trail)
        try:
            async for attempt in stamina.retry_context(
                on=backoff,
                attempts=self._max_attempts,
                timeout=None,  # the asyncio deadline around the whole call governs
                wait_initial=self._wait_initial,
                wait_max=self._wait_max,
                wait_jitter=self._wait_jitter,
            ):
                with attempt:
                    trail.attempts = attempt.num
                    return await self._post_once(body)
        except _Retryable as failure:
            raise self._give_up(failure, trail) from None
        raise AssertionError("stamina ended without an outcome")  # pragma: no cover

    def _backoff_hook(self, trail: _Trail) -> Callable[[BaseException], bool | float]:
        """Retry only ``_Retryable``; wait as asked, or refuse a wait past the deadline."""
        loop = asyncio.get_running_loop()
        deadline_at = loop.time() + self._deadline

        def backoff(exc: BaseException) -> bool | float:
            if not isinstance(exc, _Retryable):
                return False
            trail.last = exc
            if exc.wait is None:
                return True
            wait = exc.wait * self._retry_after_scale + random.uniform(0, self._wait_jitter)
            if wait >= deadline_at - loop.time():
                trail.refused_wait = exc.wait
                return False
            return wait

        return backoff

    async def _post_once(self, body: bytes) -> tuple[bytes, str]:
        """The body of a successful answer and its Content-Type."""
        request = self._client.build_request(
            "POST", self._url, content=body, headers=self._headers()
        )
        try:
            response = await self._client.send(request, stream=True)
        except httpx.TimeoutException as exc:
            raise _Retryable(f"no answer in time ({_describe(exc)})", timed_out=True) from exc
        except httpx.TransportError as exc:
            raise _Retryable(f"connection failed ({_describe(exc)})") from exc
        try:
            if response.is_success:
                return await _read_success(response), response.headers.get("Content-Type", "")
            raise await _failure(response)
        finally:
            await response.aclose()

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self._api_key}",
            "Accept": "application/json",
            "Content-Type": "application/json",
        }

    # ------------------------------------------------------------------ giving up

    def _give_up(self, failure: _Retryable, trail: _Trail) -> ProviderError:
        if trail.refused_wait is not None:
            return ProviderUnavailable(
                PROVIDER,
                f"{failure.message}; it asks to wait {trail.refused_wait:g} s, "
                f"past the {self._deadline:g} s deadline",
            )
        tries = f"after {_attempts(trail.attempts)}"
        if failure.timed_out:
            return ProviderTimeout(PROVIDER, f"{failure.message}, {tries}")
        return ProviderUnavailable(PROVIDER, f"{failure.message}, {tries}")

    def _deadline_message(self, trail: _Trail) -> str:
        message = f"no complete answer within the {self._deadline:g} s deadline"
        if trail.last is not None:
            message += f" ({_attempts(trail.attempts)}; last: {trail.last.message})"
        return message


# --------------------------------------------------------------------------- responses


async def _read_success(response: httpx.Response) -> bytes:
    try:
        return await response.aread()
    except httpx.TimeoutException as exc:
        raise ProviderTimeout(PROVIDER, f"the response body stalled ({_describe(exc)})") from None
    except httpx.HTTPError as exc:
        raise ProviderBadResponse(
            PROVIDER, f"the response body was cut short ({_describe(exc)})"
        ) from None


async def _failure(response: httpx.Response) -> Exception:
    """The error an unsuccessful status stands for: a core error or a ``_Retryable``."""
    status = response.status_code
    try:
        message = error_message(await response.aread())
    except httpx.HTTPError:
        message = ""
    said = f"HTTP {status}: {message}" if message else f"HTTP {status}"
    if status in (401, 403):
        return ProviderRejectedKey(PROVIDER, said)
    if status == 402:
        return ProviderOutOfCredits(PROVIDER, said)
    if status == 429:
        wait = wait_hint(response.headers, rate_limited=True)
        return _Retryable(f"rate limited ({said})", wait=wait)
    if status == 408 or status >= 500:
        return _Retryable(said, wait=wait_hint(response.headers, rate_limited=False))
    if 400 <= status < 500:
        return ProviderBadRequest(PROVIDER, said)
    return ProviderBadResponse(PROVIDER, f"unexpected {said}")


def _result(payload: bytes, content_type: str) -> FetchResult:
    """The postings of a 200 body; any other shape is the provider's failure (an HTML
    error page from a proxy is named as such)."""
    try:
        response = _DECODER.decode(payload)
    except msgspec.ValidationError as exc:
        raise ProviderBadResponse(PROVIDER, f"the body is not a job search result: {exc}") from None
    except msgspec.DecodeError as exc:
        kind = content_type.partition(";")[0].strip().lower()
        said = (
            f"the body is {kind}, not JSON"
            if kind and "json" not in kind
            else "the body is not JSON"
        )
        raise ProviderBadResponse(PROVIDER, f"{said}: {exc}") from None
    jobs: dict[int, Job] = {}
    for posting in response.data:
        try:
            jobs.setdefault(posting.id, to_job(posting))
        except ValueError as exc:
            _log.warning("Theirstack posting %s skipped: %s", posting.id, exc)
    truncated = response.metadata.truncated_results if response.metadata else None
    charged = sum(1 for posting in response.data if not posting.has_blurred_data)
    return FetchResult(jobs=tuple(jobs.values()), truncated=truncated or 0, credits_used=charged)


def _search_url(base_url: str) -> str:
    try:
        url = httpx.URL(base_url.rstrip("/") + SEARCH_PATH)
    except httpx.InvalidURL as exc:
        raise ValueError(f"base URL {base_url!r} is not a URL: {exc}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"base URL {base_url!r} is not an http(s) URL")
    return str(url)


def _attempts(count: int) -> str:
    return f"{count} attempt{'' if count == 1 else 's'}"


def _describe(exc: Exception) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
