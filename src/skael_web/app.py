"""The Litestar application, built around a container by :func:`create_app`.

The container lives on ``app.state``; small typed functions bridge it to Litestar's
dependency injection (dependency-injector's own wiring does not work inside Litestar
handlers). The lifespan starts and stops the container's resources.
"""

from __future__ import annotations

import gc
import importlib.util
import logging
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Final

import msgspec
from litestar import Litestar, Request, Router
from litestar.config.cors import CORSConfig
from litestar.connection import ASGIConnection
from litestar.datastructures import MutableScopeHeaders, State
from litestar.di import Provide
from litestar.enums import ScopeType
from litestar.exceptions import ClientException, NotFoundException
from litestar.handlers.base import BaseRouteHandler
from litestar.logging.config import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.routes import HTTPRoute
from litestar.static_files import create_static_files_router
from litestar.types import (
    ASGIApp,
    LifeSpanReceive,
    LifeSpanScope,
    LifeSpanSend,
    Message,
    Receive,
    Scope,
    Send,
)

from skael_core.service import Skael

from .auth import BEARER_SCHEME, PUBLIC, authenticate, provide_caller
from .boundary import (
    may_hold_nul,
    nul_field,
    plain_path_integers,
    refuse_deep,
    refuse_nul,
    screen_parameters,
)
from .container import Container, build_container, shutdown, startup
from .controllers import CONTROLLERS
from .controllers.catalog import database_answers
from .errors import EXCEPTION_HANDLERS, UnsupportedMediaType, document_errors, invalid_body
from .examples import document_examples
from .fastpath import FastPath
from .schemas import FORMS, integral
from .v0 import v0_router

log = logging.getLogger("skael.web")

SCHEMA_PATH: Final = "/schema"
DOCS_ASSETS: Final = f"{SCHEMA_PATH}/assets"
JSON: Final = "application/json"
SECURITY_HEADERS: Final = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


# --------------------------------------------------------------------------- bridges


def core_provider(container: Container) -> Callable[[], Skael]:
    """The ``core`` dependency: ``container``'s core, asked for on every call (a test may
    override a provider), with no parameter for Litestar to parse per request."""

    def provide_core() -> Skael:
        core: Skael = container.core()
        return core

    return provide_core


async def provide_database_ok(state: State) -> bool:
    return await database_answers(state.container)


# --------------------------------------------------------------------------- request hygiene


def _has_body(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    length = connection.headers.get("content-length")
    if length is not None:
        return length.strip() not in ("", "0")
    return "transfer-encoding" in connection.headers


def require_known_body_type(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """A body is JSON, or a form where the route says it takes one (``opt.form``)."""
    if not _has_body(connection):
        return
    media = connection.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == JSON or media.endswith("+json"):
        return
    if handler.opt.get("form") and media in FORMS:
        return
    accepted = "application/json or a form" if handler.opt.get("form") else JSON
    raise UnsupportedMediaType(
        detail=f"unsupported content type {media or '(none)'!r}: send the body as {accepted}"
    )


def correct_allow_header(message: Message, scope: Scope) -> None:
    """``Allow`` of an automatic OPTIONS answer lists every method of the route.

    Litestar 2 builds the OPTIONS handler with the first handler registered on a path
    and lists only the methods known then (litestar-org/litestar#4169).
    """
    headers = MutableScopeHeaders.from_message(message)
    if "allow" not in headers:
        return
    template = scope.get("path_template")
    for route in scope["app"].routes:
        if isinstance(route, HTTPRoute) and route.path_format == template:
            headers["Allow"] = ", ".join(sorted(route.methods))
            return


async def decode_json_strictly(request: Request[Any, Any, Any]) -> None:
    """A JSON body is screened (:mod:`skael_web.boundary`: nesting, NUL) before anything
    decodes it, and must have the documented types: ``0`` is not a boolean, ``"5"`` not
    an integer. (Litestar converts bodies leniently; this checks them strictly first.)"""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not (media == JSON or media.endswith("+json")):
        return
    body = await request.body()
    if not body:
        return
    refuse_deep(body)
    data = request.route_handler.parsed_fn_signature.parameters.get("data")
    try:
        decoded = msgspec.json.decode(body)
        if may_hold_nul(body):
            refuse_nul(nul_field(decoded), "body")
        if data is not None:
            msgspec.convert(integral(decoded), data.annotation, strict=True)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise invalid_body(exc) from None


def single_valued_query(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """A query parameter that takes one value is given once (``?q=a&q=b`` is a 400)."""
    seen: set[str] = set()
    for name, _ in connection.query_params.multi_items():
        if name in seen:
            field = handler.parsed_fn_signature.parameters.get(name)
            if field is not None and not field.is_non_string_sequence:
                raise ClientException(detail=f"query parameter {name!r} is given more than once")
        seen.add(name)


def admission(app: ASGIApp) -> ASGIApp:
    """Middleware of every route: authentication, then the body's media type, then the
    query, before anything of the handler runs.

    A middleware rather than guards: Litestar copies the route handler for each guard
    it calls, and runs a synchronous guard in a worker thread.
    """

    async def admit(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            handler: BaseRouteHandler = scope["route_handler"]
            if not plain_path_integers(scope):
                raise NotFoundException()  # as for any path no route takes
            connection: ASGIConnection[Any, Any, Any, Any] = ASGIConnection(scope)
            await authenticate(connection, handler)
            require_known_body_type(connection, handler)
            if scope.get("query_string"):
                single_valued_query(connection, handler)
            screen_parameters(connection)
        await app(scope, receive, send)

    return admit


_SECURITY_RAW: Final = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]


async def finish_headers(message: Message, scope: Scope) -> None:
    """The security headers on every answer; the whole ``Allow`` on automatic OPTIONS
    answers, and every ``Allow`` in alphabetical order (Litestar lists a 405's methods
    in the order of a set, which differs from one worker process to the next); one
    hook: Litestar calls each hook for every message it sends."""
    if message["type"] == "http.response.start":
        if scope.get("method") == "OPTIONS":
            correct_allow_header(message, scope)
        headers = [_sorted_allow(name, value) for name, value in message.get("headers") or ()]
        present = {name.lower() for name, _ in headers}
        headers.extend(h for h in _SECURITY_RAW if h[0] not in present)
        message["headers"] = headers


def _sorted_allow(name: bytes, value: bytes) -> tuple[bytes, bytes]:
    if name.lower() != b"allow":
        return name, value
    methods = {m.strip() for m in value.split(b",") if m.strip()}
    if b"GET" in methods:
        methods.add(b"HEAD")  # answered as GET without the body (SkaelApp)
    return name, b", ".join(sorted(methods))


def _without_body(send: Send) -> Send:
    """``send`` with every body part emptied: the answer to HEAD is the answer to GET,
    headers (``Content-Length`` included) and all, without its body (RFC 9110, 9.3.2)."""

    async def head(message: Message) -> None:
        if message["type"] == "http.response.body" and message.get("body"):
            message = {**message, "body": b""}
        await send(message)

    return head


# --------------------------------------------------------------------------- assembly


class SkaelApp(Litestar):
    """The Litestar app with :mod:`.fastpath` in front: a plain hot read is answered
    there, everything else (and every read it leaves) by Litestar as usual. ``HEAD``
    is answered as ``GET`` without the body, on every route that answers ``GET``."""

    fast_path: FastPath | None = None

    async def __call__(
        self,
        scope: Scope | LifeSpanScope,
        receive: Receive | LifeSpanReceive,
        send: Send | LifeSpanSend,
    ) -> None:
        fast = self.fast_path
        http = scope["type"] == ScopeType.HTTP
        if http and scope.get("method") == "HEAD":
            scope = {**scope, "method": "GET"}  # type: ignore[assignment]
            send = _without_body(send)  # type: ignore[arg-type]
        if fast is not None and http and await fast.answer(scope, send):  # type: ignore[arg-type]
            return
        await super().__call__(scope, receive, send)


def _version() -> str:
    try:
        return version("skael")
    except PackageNotFoundError:
        return "0.0.0"


def _openapi() -> OpenAPIConfig:
    bearer = SecurityScheme(
        type="http",
        scheme="bearer",
        bearer_format="JWT",
        description=(
            "The access_token from POST /users/ or POST /users/login, or, when Skael is"
            " configured for one, an ID token of its identity provider (Firebase or another"
            " OpenID Connect issuer)."
        ),
    )
    return OpenAPIConfig(
        title="Skael",
        version=_version(),
        description="Job search: profiles, jobs, explainable matching, documents, tracking.",
        path=SCHEMA_PATH,
        render_plugins=[
            SwaggerRenderPlugin(
                path="/",
                js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
                css_url=f"{DOCS_ASSETS}/swagger-ui.css",
                standalone_preset_js_url=f"{DOCS_ASSETS}/swagger-ui-standalone-preset.js",
                favicon=f"<link rel='icon' href='{DOCS_ASSETS}/favicon-32x32.png'>",
            )
        ],
        openapi_router=Router(
            path=SCHEMA_PATH, route_handlers=[], opt=PUBLIC, include_in_schema=False
        ),
        components=Components(security_schemes={BEARER_SCHEME: bearer}),
        security=[{BEARER_SCHEME: []}],
        use_handler_docstrings=True,
    )


def _docs_assets() -> Router:
    """Swagger UI's scripts and styles, from the swagger-ui-py package: the docs page
    needs no CDN, so it works offline and behind a strict firewall."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("skael: the swagger-ui-py package is missing")
    static = Path(next(iter(spec.submodule_search_locations))) / "static"
    return create_static_files_router(
        path=DOCS_ASSETS, directories=[static], opt=PUBLIC, include_in_schema=False
    )


def _cors(origins: tuple[str, ...] | list[str]) -> CORSConfig | None:
    if not origins:
        return None
    return CORSConfig(
        allow_origins=list(origins),
        allow_methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type"],
        expose_headers=["Retry-After", "WWW-Authenticate"],
        max_age=600,
    )


def _logging() -> LoggingConfig:
    """Skael's own loggers to the console; the root logger belongs to whoever runs the app.

    Unexpected errors are logged once, by the last-resort exception handler.
    """
    return LoggingConfig(
        configure_root_logger=False,
        loggers={"skael": {"level": "INFO", "handlers": ["queue_listener"], "propagate": False}},
        log_exceptions="never",
    )


async def _start(app: Litestar) -> None:
    await startup(app.state.container)
    settings = app.state.container.settings()
    if settings.worker_in_serve:
        from .worker import BackgroundWorker

        worker = BackgroundWorker(
            app.state.container.core(), settings.worker_batch, settings.worker_interval
        )
        worker.start()
        app.state.worker = worker
    # What start-up built lives as long as the process: keep it out of every later
    # collection, so full collections stay short under load.
    gc.freeze()


async def _stop(app: Litestar) -> None:
    worker = app.state.get("worker")
    if worker is not None:
        await worker.stop()
    await shutdown(app.state.container)


def create_app(container: Container | None = None) -> SkaelApp:
    """The HTTP API over ``container``'s core (by default one built from the environment).

    Nothing is started until the lifespan runs. ``uvicorn --factory
    skael_web.app:create_app`` calls it without arguments.
    """
    container = container or build_container()
    settings = container.settings()
    cors = _cors(settings.cors_origins)
    app = SkaelApp(
        route_handlers=[*CONTROLLERS, v0_router(), _docs_assets()],
        state=State({"container": container}),
        dependencies={
            "core": Provide(core_provider(container), sync_to_thread=False),
            "caller": Provide(provide_caller, sync_to_thread=False),
            "database_ok": Provide(provide_database_ok),
        },
        middleware=[admission],
        exception_handlers=EXCEPTION_HANDLERS,
        cors_config=cors,
        request_max_body_size=settings.max_body_bytes,
        before_request=decode_json_strictly,
        before_send=[finish_headers],
        on_startup=[_start],
        on_shutdown=[_stop],
        openapi_config=_openapi(),
        logging_config=_logging(),
    )
    document_errors(app)
    document_examples(app)
    if settings.fast_path:
        app.fast_path = FastPath(container, cors, _SECURITY_RAW, database_answers)
    return app
