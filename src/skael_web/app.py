"""The Litestar application, built around a container by :func:`create_app`.

The container lives on ``app.state``; small typed functions bridge it to Litestar's
dependency injection (dependency-injector's own wiring does not work inside Litestar
handlers). The lifespan starts and stops the container's resources.
"""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Final

from litestar import Litestar, Router
from litestar.config.cors import CORSConfig
from litestar.connection import ASGIConnection
from litestar.datastructures import MutableScopeHeaders, State
from litestar.di import Provide
from litestar.handlers.base import BaseRouteHandler
from litestar.logging.config import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.types import Message, Scope

from skael_core.service import Skael

from .auth import BEARER_SCHEME, PUBLIC, authenticate, provide_caller
from .container import Container, build_container, shutdown, startup
from .controllers import CONTROLLERS
from .errors import EXCEPTION_HANDLERS, UnsupportedMediaType, document_errors
from .schemas import FORMS

log = logging.getLogger("skael.web")

SCHEMA_PATH: Final = "/schema"
JSON: Final = "application/json"
SECURITY_HEADERS: Final = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


# --------------------------------------------------------------------------- bridges


def provide_core(state: State) -> Skael:
    core: Skael = state.container.core()
    return core


async def database_answers(container: Container) -> bool:
    """True when the store of record answers a trivial query."""
    try:
        return bool(await container.database().ping())
    except Exception:
        log.warning("health check: the database does not answer", exc_info=True)
        return False


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
    """Guard: a body is JSON, or a form where the route says it takes one (``opt.form``)."""
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


async def add_security_headers(message: Message, scope: Scope) -> None:
    if message["type"] == "http.response.start":
        headers = MutableScopeHeaders.from_message(message)
        for name, value in SECURITY_HEADERS.items():
            if name not in headers:
                headers[name] = value


# --------------------------------------------------------------------------- assembly


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
        description="The access_token from POST /users/ or POST /users/login.",
    )
    return OpenAPIConfig(
        title="Skael",
        version=_version(),
        description="Job search: profiles, jobs, explainable matching, documents, tracking.",
        path=SCHEMA_PATH,
        render_plugins=[SwaggerRenderPlugin(path="/")],
        openapi_router=Router(
            path=SCHEMA_PATH, route_handlers=[], opt=PUBLIC, include_in_schema=False
        ),
        components=Components(security_schemes={BEARER_SCHEME: bearer}),
        security=[{BEARER_SCHEME: []}],
        use_handler_docstrings=True,
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


async def _stop(app: Litestar) -> None:
    await shutdown(app.state.container)


def create_app(container: Container | None = None) -> Litestar:
    """The HTTP API over ``container``'s core (by default one built from the environment).

    Nothing is started until the lifespan runs. ``uvicorn --factory
    skael_web.app:create_app`` calls it without arguments.
    """
    container = container or build_container()
    settings = container.settings()
    app = Litestar(
        route_handlers=CONTROLLERS,
        state=State({"container": container}),
        dependencies={
            "core": Provide(provide_core, sync_to_thread=False),
            "caller": Provide(provide_caller, sync_to_thread=False),
            "database_ok": Provide(provide_database_ok),
        },
        guards=[authenticate, require_known_body_type],
        exception_handlers=EXCEPTION_HANDLERS,
        cors_config=_cors(settings.cors_origins),
        request_max_body_size=settings.max_body_bytes,
        before_send=[add_security_headers],
        on_startup=[_start],
        on_shutdown=[_stop],
        openapi_config=_openapi(),
        logging_config=_logging(),
    )
    document_errors(app)
    return app
