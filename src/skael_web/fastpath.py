"""The hot reads, answered before Litestar routes them.

``GET /jobs/{id}``, ``GET /jobs/list_jobs`` and ``GET /health`` are most of what a
client asks for, and for them Litestar's routing, middleware, dependency resolution
and response machinery cost more than the reads themselves. :class:`FastPath` sits in
front of the Litestar app (``app.SkaelApp`` asks it first) and answers such a request
itself when it is a plain one:

- the method is ``GET``, the path one of the three (``/jobs/list_jobs/`` too), with
  no root path;
- the query is empty, or for the list at most ``skip`` and ``limit``, each once, each a
  plain number within its bounds (no sign, no leading zero);
- there is no body (no ``Content-Length`` or ``Transfer-Encoding``), at most one
  ``Authorization`` and one ``Origin`` header;
- for the job routes, the bearer token is accepted: ``auth.bearer_token`` and the
  core's ``Authenticate``, the very objects the app's admission middleware uses.

Everything else (another path or method, any other or repeated query parameter, a bad
value, missing or refused credentials, a job that is not there, any error on the way)
is handed to Litestar untouched: nothing has been sent yet, and Litestar answers it as
it always does, so every error keeps its exact body. What the fast path sends is what
Litestar would send: the bodies are built by the functions the handlers call
(``JobJson``, ``controllers.jobs.scored_list``, ``controllers.catalog.health_of``),
the headers are the content type and length, the CORS headers of the app's
``CORSConfig`` (as Litestar's CORS middleware adds them) and the security headers of
``app.finish_headers``. ``tests/web/test_web_fastpath.py`` sends a corpus of requests
with it on and off and compares the answers byte for byte. ``SKAEL_FAST_PATH=false``
turns it off.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Final

import msgspec
from litestar.config.cors import CORSConfig
from litestar.types import HTTPScope, Send

from skael_core.service import Skael
from skael_core.usecases.jobs import job_filter

from .auth import bearer_token
from .container import Container
from .controllers.catalog import health_of
from .controllers.jobs import scored_list
from .schemas import MAX_ID
from .wire import JobJson

RawHeaders = list[tuple[bytes, bytes]]
Answer = tuple[int, bytes]

_JSON: Final = (b"content-type", b"application/json")
_LIST_PATHS: Final = frozenset({"/jobs/list_jobs", "/jobs/list_jobs/"})
_JOB_PREFIX: Final = "/jobs/"
_LIST_DEFAULT_LIMIT: Final = 20
_LIST_MAX_LIMIT: Final = 100
_BODY_HEADERS: Final = frozenset({b"content-length", b"transfer-encoding"})
_encode = msgspec.json.Encoder().encode


def plain_number(text: bytes | str, low: int, high: int) -> int | None:
    """``text`` as an integer within ``low..high`` when it is written plainly (ASCII
    digits, no sign, no leading zero, at most 16 digits), else None."""
    if not (0 < len(text) <= 16 and text.isascii() and text.isdigit()):
        return None
    if len(text) > 1 and text[:1] in (b"0", "0"):
        return None
    value = int(text)
    return value if low <= value <= high else None


def page_query(query: bytes) -> tuple[int, int] | None:
    """``(skip, limit)`` of a plain list query (only ``skip`` and ``limit``, once each,
    plain numbers in bounds), None for any other."""
    skip, limit = 0, _LIST_DEFAULT_LIMIT
    if not query:
        return skip, limit
    seen: set[bytes] = set()
    for part in query.split(b"&"):
        name, equals, value = part.partition(b"=")
        if not equals or name in seen:
            return None
        seen.add(name)
        if name == b"skip":
            number = plain_number(value, 0, MAX_ID)
        elif name == b"limit":
            number = plain_number(value, 1, _LIST_MAX_LIMIT)
        else:
            return None
        if number is None:
            return None
        if name == b"skip":
            skip = number
        else:
            limit = number
    return skip, limit


class CorsHeaders:
    """The headers Litestar's CORS middleware adds to a simple (not preflight) answer
    for a request with an ``Origin``, from the app's :class:`CORSConfig`."""

    def __init__(self, config: CORSConfig) -> None:
        self._config = config
        self._simple = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in config.simple_headers.items()
        ]
        self._tail = [
            (b"access-control-allow-headers", ", ".join(sorted(set(config.allow_headers)))),
            (b"access-control-allow-methods", ", ".join(sorted(set(config.allow_methods)))),
        ]

    def add(self, headers: RawHeaders, origin: str, has_cookie: bool) -> None:
        config = self._config
        headers.extend(self._simple)
        all_origins = config.is_allow_all_origins
        if (all_origins and has_cookie) or (not all_origins and config.is_origin_allowed(origin)):
            _set(headers, b"access-control-allow-origin", origin.encode("latin-1"))
            _set(headers, b"vary", b"Origin")
        for name, value in self._tail:
            _set(headers, name, value.encode("latin-1"))


def _set(headers: RawHeaders, name: bytes, value: bytes) -> None:
    """Replace the header ``name`` where it is, or add it at the end (as Litestar's
    ``MutableScopeHeaders`` does)."""
    for i, (present, _) in enumerate(headers):
        if present == name:
            headers[i] = (name, value)
            return
    headers.append((name, value))


class _Request:
    """What the fast path reads of a request's headers; ``plain`` is False when any
    header makes it one for Litestar."""

    __slots__ = ("authorization", "cookie", "origin", "plain")

    def __init__(self, headers: Iterable[tuple[bytes, bytes]]) -> None:
        self.authorization: str | None = None
        self.origin: str | None = None
        self.cookie = False
        self.plain = True
        for name, value in headers:
            if name == b"authorization":
                self.plain = self.plain and self.authorization is None
                self.authorization = value.decode("latin-1")
            elif name == b"origin":
                self.plain = self.plain and self.origin is None
                self.origin = value.decode("latin-1")
            elif name == b"cookie":
                self.cookie = True
            elif name in _BODY_HEADERS:
                self.plain = False


class FastPath:
    """Answers plain hot reads (see the module's docstring); one per app, made by
    ``app.create_app`` over the app's container, CORS configuration and the headers
    ``app.finish_headers`` adds to every answer."""

    def __init__(
        self,
        container: Container,
        cors: CORSConfig | None,
        always: Sequence[tuple[bytes, bytes]],
        database_ok: Callable[[Container], Awaitable[bool]],
    ) -> None:
        self._container = container
        self._cors = CorsHeaders(cors) if cors is not None else None
        self._always = list(always)
        self._database_ok = database_ok

    async def answer(self, scope: HTTPScope, send: Send) -> bool:
        """Answer the request of ``scope`` through ``send`` when it is plain: True.
        False when Litestar must answer it; nothing has been sent then."""
        if scope["method"] != "GET" or scope.get("root_path"):
            return False
        path = scope["path"]
        if path != "/health" and not path.startswith(_JOB_PREFIX):
            return False
        request = _Request(scope["headers"])
        if not request.plain:
            return False
        try:
            answer = await self._answer(path, scope["query_string"], request)
        except Exception:  # Litestar answers it again, and logs or maps the error
            return False
        if answer is None:
            return False
        await self._send(send, answer, request)
        return True

    async def _answer(self, path: str, query: bytes, request: _Request) -> Answer | None:
        if path == "/health":
            return None if query else await self._health()
        if path in _LIST_PATHS:
            page = page_query(query)
            if page is None:
                return None
            core = self._core()
            viewer = (await core.authenticate.execute(_token(request))).user_id
            filters = job_filter(core.ports.countries)  # list_filter of an empty query
            return 200, await scored_list(core, self._job_json(), viewer, filters, *page)
        job_id = plain_number(path[len(_JOB_PREFIX) :], 1, MAX_ID)
        if job_id is None or query:
            return None
        core = self._core()
        await core.authenticate.execute(_token(request))
        return 200, self._job_json().job(await core.get_job.execute(job_id))

    def _core(self) -> Skael:
        core: Skael = self._container.core()
        return core

    def _job_json(self) -> JobJson:
        job_json: JobJson = self._container.job_json()
        return job_json

    async def _health(self) -> Answer:
        container = self._container
        database_ok = await self._database_ok(container)
        status, body = await health_of(container.core(), container, database_ok)
        return status, _encode(body)

    async def _send(self, send: Send, answer: Answer, request: _Request) -> None:
        status, body = answer
        headers: RawHeaders = [_JSON, (b"content-length", str(len(body)).encode())]
        if request.origin and self._cors is not None:
            self._cors.add(headers, request.origin, request.cookie)
        present = {name for name, _ in headers}
        headers.extend(h for h in self._always if h[0] not in present)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})


def _token(request: _Request) -> str:
    return bearer_token(request.authorization)
