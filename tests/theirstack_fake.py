"""A fake Theirstack on 127.0.0.1 that answers from a script of modes, on cue.

Used by the adapter's tests and by the CLI and HTTP tests that fetch through it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data" / "theirstack"
API_KEY = "test-key-123"
SCALE = 0.05  # provider-asked waits run at 1/20: RateLimit-Reset 7 s -> 0.35 s


def _discovered(posting: dict[str, Any]) -> datetime:
    """A posting's discovery time, UTC when it names no offset (as the provider's may)."""
    moment = datetime.fromisoformat(str(posting.get("discovered_at") or "1970-01-01"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


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
    search: bool = False  # answer from the server's postings, as the request asks


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
    "empty": Answer(200, b'{"metadata": {"total_results": 0}, "data": []}'),
    "partial": Answer(200, OK.replace(b'"truncated_results": 0', b'"truncated_results": 12')),
    "stall": Answer(200, OK, stall=5.0),
    "trickle": Answer(200, OK, trickle=True),
    "truncated": Answer(200, OK[:4000], declared_length=len(OK)),
    "search": Answer(200, search=True),
}
"""Answers by name; ``search`` answers from ``FakeTheirstack.postings`` honouring the
request's ``limit``, ``job_id_not``, ``job_country_code_or`` and ``discovered_at_gte``,
as the provider does."""


class FakeTheirstack(ThreadingHTTPServer):
    """``POST /v1/jobs/search`` answered from ``script``; every request is recorded."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script: list[str] = ["ok"]
        self.requests: list[Recorded] = []
        self.postings: list[dict[str, Any]] = json.loads(OK)["data"]
        self.stopping = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def next_answer(self) -> Answer:
        mode = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        return MODES[mode]

    def search(self, body: dict[str, Any]) -> bytes:
        """The answer to the search ``body`` over ``postings``."""
        known = set(body.get("job_id_not", ()))
        countries = set(body.get("job_country_code_or", ()))
        since = body.get("discovered_at_gte")
        start = None if since is None else datetime.fromisoformat(since)
        found = [
            p
            for p in self.postings
            if p["id"] not in known
            and (not countries or p.get("country_code") in countries)
            and (start is None or _discovered(p) >= start)
        ][: int(body.get("limit", 25))]
        meta = {"total_results": len(found), "truncated_results": 0}
        return json.dumps({"metadata": meta, "data": found}).encode()

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
        if answer.search:
            answer = Answer(200, self.server.search(self.server.requests[-1].body))
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


@contextmanager
def running_fake() -> Iterator[FakeTheirstack]:
    """A started fake server, stopped (stalled answers abandoned) on leaving."""
    fake = FakeTheirstack()
    thread = threading.Thread(target=fake.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield fake
    finally:
        fake.stopping.set()
        fake.shutdown()
        fake.server_close()
        thread.join()
