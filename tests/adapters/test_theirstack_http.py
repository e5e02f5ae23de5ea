"""TheirstackJobSource against a real HTTP server on 127.0.0.1 that misbehaves on cue.

The server answers from a script of modes, one per request, the last one repeating.
Deadlines and waits are scaled down so the whole file runs in a few seconds.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
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

DATA = Path(__file__).parents[1] / "data" / "theirstack"
API_KEY = "test-key-123"
SCALE = 0.05  # provider-asked waits run at 1/20: RateLimit-Reset 7 s -> 0.35 s


def _body(name: str) -> bytes:
    return (DATA / name).read_bytes()


@dataclass
class Recorded:
    at: float
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class Answer:
    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str = "application/json"
    stall: float = 0.0  # seconds of silence before anything is sent
    trickle: bool = False  # send the body a byte at a time, slowly
    declared_length: int | None = None  # a Content-Length larger than what is sent


OK = _body("search_response_60_jobs.json")
LIMIT_HEADERS = (("RateLimit-Limit", "4"), ("RateLimit-Remaining", "0"))
MODES: dict[str, Answer] = {
    "ok": Answer(200, OK),
    "429-reset": Answer(
        429, _body("error_429_rate_limited.json"), (*LIMIT_HEADERS, ("RateLimit-Reset", "7"))
    ),
    "429-retry-after": Answer(
        429,
        _body("error_429_rate_limited.json"),
        (*LIMIT_HEADERS, ("Retry-After", "4"), ("RateLimit-Reset", "30")),
    ),
    "429-long": Answer(429, _body("error_429_rate_limited.json"), (("Retry-After", "3600"),)),
    "500": Answer(500, _body("error_500.json")),
    "503-retry-after": Answer(503, b"", (("Retry-After", "2"),)),
    "401": Answer(
        401,
        b'{"error": {"code": "E-001", "title": "Unauthorized", "description": "Invalid API key"}}',
    ),
    "403": Answer(403, b'{"detail": "Not authenticated"}'),
    "402": Answer(402, _body("error_402_out_of_credits.json")),
    "422-error": Answer(422, _body("error_422_validation.json")),
    "422-detail": Answer(422, _body("error_422_fastapi_style.json")),
    "malformed": Answer(200, b'{"metadata": {"total_results": 1}, "data": [{"id": 1, "job_t'),
    "html": Answer(200, b"<html><body><h1>502 Bad Gateway</h1></body></html>", (), "text/html"),
    "wrong-types": Answer(200, b'{"data": [{"id": "abc", "job_title": 7}]}'),
    "no-data": Answer(200, b'{"metadata": {"total_results": 0}}'),
    "partial": Answer(200, OK.replace(b'"truncated_results": 0', b'"truncated_results": 12')),
    "stall": Answer(200, OK, stall=5.0),
    "trickle": Answer(200, OK, trickle=True),
    "truncated": Answer(200, OK[:4000], declared_length=len(OK)),
}


class FakeTheirstack(ThreadingHTTPServer):
    """``POST /v1/jobs/search`` answered from ``script``; every request is recorded."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script: list[str] = ["ok"]
        self.requests: list[Recorded] = []
        self.stopping = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def next_answer(self) -> Answer:
        mode = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        return MODES[mode]

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hanging up on stalled answers is the point of some tests

    def gaps(self) -> list[float]:
        return [b.at - a.at for a, b in zip(self.requests, self.requests[1:], strict=False)]


class _Handler(BaseHTTPRequestHandler):
    server: FakeTheirstack

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        self.server.requests.append(
            Recorded(time.monotonic(), self.path, dict(self.headers.items()), json.loads(raw))
        )
        answer = self.server.next_answer()
        if answer.stall and self.server.stopping.wait(answer.stall):
            return
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(answer.declared_length or len(answer.body)))
        for name, value in answer.headers:
            self.send_header(name, value)
        self.end_headers()
        if answer.trickle:
            self._trickle(answer.body)
        else:
            self.wfile.write(answer.body)

    def _trickle(self, body: bytes) -> None:
        for byte in body:
            if self.server.stopping.wait(0.05):
                return
            self.wfile.write(bytes([byte]))
            self.wfile.flush()


@pytest.fixture(scope="module")
def server() -> Iterator[FakeTheirstack]:
    fake = FakeTheirstack()
    thread = threading.Thread(target=fake.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield fake
    fake.stopping.set()
    fake.shutdown()
    fake.server_close()
    thread.join()


@pytest.fixture
def fake(server: FakeTheirstack) -> FakeTheirstack:
    server.script = ["ok"]
    server.requests.clear()
    return server


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
        ("html", "the body is not JSON"),
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
