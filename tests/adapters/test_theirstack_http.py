"""TheirstackJobSource against a real HTTP server on 127.0.0.1 that misbehaves on cue.

The server answers from a script of modes, one per request, the last one repeating.
Deadlines and waits are scaled down so the whole file runs in a few seconds.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from skael_adapters.theirstack import TheirstackJobSource
from skael_core.errors import (
    ProviderBadRequest,
    ProviderBadResponse,
    ProviderError,
    ProviderOutOfCredits,
    ProviderRejectedKey,
    ProviderTimeout,
    ProviderUnavailable,
)
from skael_core.model import FetchQuery
from theirstack_fake import API_KEY, SCALE, FakeTheirstack


@pytest.fixture
def fake(theirstack_server: FakeTheirstack) -> FakeTheirstack:
    theirstack_server.script = ["ok"]
    theirstack_server.requests.clear()
    return theirstack_server


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=httpx.Timeout(2.0, connect=1.0)) as shared:
        yield shared


def make_source(client: httpx.AsyncClient, base_url: str, **options: Any) -> TheirstackJobSource:
    settings: dict[str, Any] = {
        "base_url": base_url,
        "deadline": 3.0,
        "max_attempts": 3,
        "wait_initial": 0.01,
        "wait_max": 0.05,
        "wait_jitter": 0.01,
        "retry_after_scale": SCALE,
    }
    settings.update(options)
    return TheirstackJobSource(API_KEY, client=client, **settings)


QUERY = FetchQuery(job_titles=("Data Engineer",), skills=("Python",), countries=("DE",))


async def fetch_with(fake: FakeTheirstack, client: httpx.AsyncClient, *modes: str, **options: Any):
    fake.script = list(modes)
    return await make_source(client, fake.url, **options).fetch(QUERY, [11, 12])


# --------------------------------------------------------------------------- success


async def test_ok_returns_the_mapped_jobs(fake: FakeTheirstack, client: httpx.AsyncClient) -> None:
    result = await fetch_with(fake, client, "ok")

    assert len(result.jobs) == 60
    assert {job.source for job in result.jobs} == {"theirstack"}
    assert result.truncated == 0
    assert result.credits_used == 60
    assert len(fake.requests) == 1


async def test_the_request_carries_key_headers_and_excluded_ids(
    fake: FakeTheirstack, client: httpx.AsyncClient
) -> None:
    await fetch_with(fake, client, "ok")

    (request,) = fake.requests
    assert request.path == "/v1/jobs/search"
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert request.headers["Accept"] == "application/json"
    assert request.body["job_id_not"] == [11, 12]
    assert request.body["job_title_or"] == ["Data Engineer"]
    assert request.body["posted_at_max_age_days"] == 30
    assert "blur_company_data" not in request.body


async def test_job_id_not_is_bounded(fake: FakeTheirstack, client: httpx.AsyncClient) -> None:
    source = make_source(client, fake.url, known_ids_limit=5)

    await source.fetch(QUERY, list(range(100, 200)))

    assert fake.requests[0].body["job_id_not"] == [100, 101, 102, 103, 104]


async def test_withheld_jobs_are_surfaced(fake: FakeTheirstack, client: httpx.AsyncClient) -> None:
    result = await fetch_with(fake, client, "partial")

    assert result.truncated == 12
    assert len(result.jobs) == 60


# --------------------------------------------------------------------------- retried


async def test_429_without_retry_after_waits_for_ratelimit_reset(
    fake: FakeTheirstack, client: httpx.AsyncClient
) -> None:
    result = await fetch_with(fake, client, "429-reset", "ok")

    assert len(result.jobs) == 60
    assert len(fake.requests) == 2
    (gap,) = fake.gaps()
    assert 7 * SCALE <= gap < 7 * SCALE + 0.4


async def test_429_with_retry_after_waits_as_told(
    fake: FakeTheirstack, client: httpx.AsyncClient
) -> None:
    result = await fetch_with(fake, client, "429-retry-after", "ok")

    assert len(result.jobs) == 60
    (gap,) = fake.gaps()
    assert 4 * SCALE <= gap < 30 * SCALE  # Retry-After wins over RateLimit-Reset


async def test_500_once_is_retried(fake: FakeTheirstack, client: httpx.AsyncClient) -> None:
    result = await fetch_with(fake, client, "500", "ok")

    assert len(result.jobs) == 60
    assert len(fake.requests) == 2


async def test_503_honours_retry_after(fake: FakeTheirstack, client: httpx.AsyncClient) -> None:
    await fetch_with(fake, client, "503-retry-after", "ok")

    (gap,) = fake.gaps()
    assert gap >= 2 * SCALE


async def test_500_always_gives_up_as_unavailable(
    fake: FakeTheirstack, client: httpx.AsyncClient
) -> None:
    with pytest.raises(ProviderUnavailable) as caught:
        await fetch_with(fake, client, "500")

    assert len(fake.requests) == 3
    message = str(caught.value)
    assert message.startswith("Theirstack: unavailable")
    assert "HTTP 500" in message and "Unexpected error." in message and "3 attempts" in message


async def test_429_always_gives_up_as_unavailable(
    fake: FakeTheirstack, client: httpx.AsyncClient
) -> None:
    with pytest.raises(ProviderUnavailable, match=r"rate limited .*HTTP 429.*Rate limit exceeded"):
        await fetch_with(fake, client, "429-reset", max_attempts=2)

    assert len(fake.requests) == 2


async def test_a_wait_past_the_deadline_fails_at_once(
    fake: FakeTheirstack, client: httpx.AsyncClient
) -> None:
    started = time.monotonic()
    with pytest.raises(ProviderUnavailable, match="3600 s, past the 3 s deadline"):
        await fetch_with(fake, client, "429-long", retry_after_scale=1.0)

    assert len(fake.requests) == 1
    assert time.monotonic() - started < 1.0


async def test_refused_connections_become_unavailable(client: httpx.AsyncClient) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    source = make_source(client, f"http://127.0.0.1:{closed_port}", max_attempts=2)

    with pytest.raises(ProviderUnavailable, match="Theirstack: unavailable: connection failed"):
        await source.fetch(QUERY, [])


# --------------------------------------------------------------------------- refused


@pytest.mark.parametrize(
    ("mode", "kind", "said"),
    [
        ("401", ProviderRejectedKey, "HTTP 401: E-001 Unauthorized: Invalid API key"),
        ("403", ProviderRejectedKey, "HTTP 403: Not authenticated"),
        ("402", ProviderOutOfCredits, "HTTP 402: E-009 Not enough credits: Your team has no"),
        ("422-error", ProviderBadRequest, "HTTP 422: E-012 Validation error: job_seniority_or"),
        ("422-detail", ProviderBadRequest, "HTTP 422: body.limit: Input should be greater"),
    ],
)
async def test_refusals_are_not_retried(
    fake: FakeTheirstack,
    client: httpx.AsyncClient,
    mode: str,
    kind: type[ProviderError],
    said: str,
) -> None:
    with pytest.raises(kind) as caught:
        await fetch_with(fake, client, mode)

    assert len(fake.requests) == 1
    assert caught.value.provider == "Theirstack"
    assert said in str(caught.value)
    assert API_KEY not in str(caught.value)


async def test_a_missing_key_is_refused_without_a_call(
    fake: FakeTheirstack, client: httpx.AsyncClient
) -> None:
    source = TheirstackJobSource("  ", client=client, base_url=fake.url)

    with pytest.raises(ProviderRejectedKey, match="no API key"):
        await source.fetch(QUERY, [])

    assert fake.requests == []


# --------------------------------------------------------------------------- bad answers


@pytest.mark.parametrize(
    ("mode", "said"),
    [
        ("malformed", "the body is not JSON"),
        ("html", "the body is text/html, not JSON"),
        ("wrong-types", "the body is not a job search result: Expected `int`, got `str`"),
        ("no-data", "the body is not a job search result: Object missing required field `data`"),
        ("truncated", "the response body was cut short"),
    ],
)
async def test_a_200_of_the_wrong_shape_is_a_bad_response(
    fake: FakeTheirstack, client: httpx.AsyncClient, mode: str, said: str
) -> None:
    with pytest.raises(ProviderBadResponse) as caught:
        await fetch_with(fake, client, mode)

    assert str(caught.value).startswith("Theirstack: sent an unexpected response")
    assert said in str(caught.value)
    assert len(fake.requests) == 1  # a 200 is charged: never asked twice


@pytest.mark.parametrize("mode", ["stall", "trickle"])
async def test_the_deadline_bounds_the_whole_call(
    fake: FakeTheirstack, client: httpx.AsyncClient, mode: str
) -> None:
    started = time.monotonic()
    with pytest.raises(ProviderTimeout, match=r"no complete answer within the 0.5 s deadline"):
        await fetch_with(fake, client, mode, deadline=0.5)

    assert time.monotonic() - started < 1.0


async def test_read_timeouts_are_retried_then_reported(fake: FakeTheirstack) -> None:
    async with httpx.AsyncClient(timeout=httpx.Timeout(0.15)) as impatient:
        with pytest.raises(ProviderTimeout, match=r"no answer in time.*ReadTimeout.*2 attempts"):
            await fetch_with(fake, impatient, "stall", max_attempts=2)

    assert len(fake.requests) == 2


async def test_the_deadline_message_names_the_last_failure(
    fake: FakeTheirstack, client: httpx.AsyncClient
) -> None:
    with pytest.raises(ProviderTimeout, match=r"last: HTTP 500"):
        await fetch_with(fake, client, "500", deadline=0.3, max_attempts=100, wait_initial=0.05)


# --------------------------------------------------------------------------- every httpx error


def _transport_errors() -> list[type[httpx.TransportError]]:
    found, stack = [], [httpx.TransportError]
    while stack:
        kind = stack.pop()
        found.append(kind)
        stack.extend(kind.__subclasses__())
    return found


@pytest.mark.parametrize("kind", _transport_errors(), ids=lambda kind: kind.__name__)
async def test_every_transport_error_becomes_a_provider_error(
    kind: type[httpx.TransportError],
) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise kind("boom", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(fail)) as mocked:
        source = make_source(mocked, "https://api.theirstack.test", max_attempts=2)
        with pytest.raises(ProviderError) as caught:
            await source.fetch(QUERY, [])

    assert isinstance(caught.value, ProviderTimeout | ProviderUnavailable)


class _BrokenBody(httpx.AsyncByteStream):
    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b'{"data": ['
        raise httpx.ReadError("connection reset")


async def test_an_error_inside_the_body_is_a_bad_response() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=_BrokenBody())

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as mocked:
        source = make_source(mocked, "https://api.theirstack.test")
        with pytest.raises(ProviderBadResponse, match=r"cut short.*ReadError"):
            await source.fetch(QUERY, [])


async def test_a_bad_base_url_is_refused_at_construction(client: httpx.AsyncClient) -> None:
    with pytest.raises(ValueError, match="http"):
        TheirstackJobSource(API_KEY, client=client, base_url="ftp://example.com")


async def test_the_key_stays_out_of_the_repr(client: httpx.AsyncClient) -> None:
    assert API_KEY not in repr(TheirstackJobSource(API_KEY, client=client))


async def test_create_client_builds_a_usable_client() -> None:
    made = TheirstackJobSource.create_client(connect_timeout=1.0, read_timeout=2.0)
    try:
        assert made.timeout.connect == 1.0
        assert made.timeout.read == 2.0
    finally:
        await made.aclose()


async def test_concurrent_calls_share_one_client(
    fake: FakeTheirstack, client: httpx.AsyncClient
) -> None:
    source = make_source(client, fake.url)

    results = await asyncio.gather(*(source.fetch(QUERY, []) for _ in range(5)))

    assert [len(r.jobs) for r in results] == [60] * 5
