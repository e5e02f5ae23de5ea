"""Every failure as an HTTP answer in the error envelope.

One table (:data:`STATUS`) gives each kind of the core's error tree its status, and
one handler answers them all (handlers keyed on a base class catch every subclass).
Litestar's own failures get the same envelope:

    SkaelError (core)        status from STATUS; 401 adds WWW-Authenticate, 429 and 503
                             (store unavailable) Retry-After
    ValidationException      422, ``errors`` names each field (body, query or path)
    HTTPException            its own status: 400 malformed JSON, 404 unknown route,
                             405 wrong method, 413 body too large, 415 wrong content type
    anything else            500, logged; the answer tells nothing of the internals

The body is always ``{"messages": "error", "detail": ..., "errors": [...]}`` where
``errors`` appears for validation failures only.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any, Final, Literal

import msgspec
from litestar import Litestar, Request, Response
from litestar.exceptions import (
    ClientException,
    HTTPException,
    SerializationException,
    ValidationException,
)
from litestar.handlers import HTTPRouteHandler
from litestar.handlers.base import BaseRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.routes import HTTPRoute
from litestar.types import ExceptionHandlersMap

from skael_core.errors import (
    BadRecordError,
    Conflict,
    Forbidden,
    IdentityProviderUnavailable,
    InvalidInput,
    NotFound,
    ProviderBadRequest,
    ProviderBadResponse,
    ProviderError,
    ProviderOutOfCredits,
    ProviderRejectedKey,
    ProviderTimeout,
    ProviderUnavailable,
    SkaelError,
    StoreUnavailable,
    Throttled,
    TooLarge,
    Unauthenticated,
)

from .auth import is_public
from .wording import in_words, rule_of

log = logging.getLogger("skael.web")

STATUS: Final[Mapping[type[SkaelError], int]] = {
    SkaelError: 400,
    NotFound: 404,
    Conflict: 409,
    Forbidden: 403,
    Unauthenticated: 401,
    InvalidInput: 422,
    TooLarge: 413,
    BadRecordError: 422,
    Throttled: 429,
    StoreUnavailable: 503,
    IdentityProviderUnavailable: 503,
    ProviderError: 502,
    ProviderUnavailable: 503,
    ProviderTimeout: 504,
    ProviderRejectedKey: 502,
    ProviderOutOfCredits: 503,
    ProviderBadRequest: 502,
    ProviderBadResponse: 502,
}
"""The status of each kind of core error; a test fails when a kind is missing."""

STORE_RETRY_AFTER: Final = "1"
"""Seconds a client should wait before trying again after the database failed to answer."""

VALIDATION_STATUS: Final = 422
UNSUPPORTED_MEDIA_TYPE: Final = 415


class FieldErrorOut(msgspec.Struct, kw_only=True):
    field: str
    message: str


class ErrorOut(msgspec.Struct, kw_only=True):
    """The error envelope."""

    messages: Literal["error"] = "error"
    detail: str
    errors: list[FieldErrorOut] | msgspec.UnsetType = msgspec.UNSET


class UnsupportedMediaType(ClientException):
    status_code = UNSUPPORTED_MEDIA_TYPE


def status_for(kind: type[SkaelError]) -> int:
    """The status of ``kind``: its own entry, else its nearest listed ancestor's."""
    for cls in kind.__mro__:
        if cls in STATUS:
            return STATUS[cls]
    raise LookupError(f"no status for {kind.__name__}")


def error_response(
    status: int,
    detail: str,
    errors: list[FieldErrorOut] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response[ErrorOut]:
    body = ErrorOut(detail=detail, errors=msgspec.UNSET if errors is None else errors)
    return Response(body, status_code=status, headers=dict(headers or {}))


def _core_headers(exc: SkaelError) -> dict[str, str]:
    if isinstance(exc, Unauthenticated):
        return {"WWW-Authenticate": "Bearer"}
    if isinstance(exc, Throttled):
        return {"Retry-After": str(exc.retry_after)}
    if isinstance(exc, StoreUnavailable):
        return {"Retry-After": STORE_RETRY_AFTER}
    return {}


def handle_core_error(_: Request[Any, Any, Any], exc: SkaelError) -> Response[ErrorOut]:
    errors = None
    if isinstance(exc, InvalidInput):
        errors = [FieldErrorOut(field=e.field, message=e.message) for e in exc.errors]
    return error_response(status_for(type(exc)), exc.detail, errors, _core_headers(exc))


_MISSING = re.compile(r"missing required field `([^`]+)`")


def _annotation(handler: BaseRouteHandler | None, source: str, key: str) -> tuple[Any, str]:
    """The type a validation message of ``handler`` is about, and the path inside it."""
    if handler is None:
        return None, key
    parameters = handler.parsed_fn_signature.parameters
    if source == "body" or key not in parameters:
        data = parameters.get("data")
        return (data.annotation if data else handler.opt.get("body")), key
    return parameters[key].annotation, ""


def _rule(handler: BaseRouteHandler | None, item: Mapping[str, Any], key: str) -> str | None:
    annotation, path = _annotation(handler, str(item.get("source") or ""), key)
    rule = rule_of(annotation, path) if annotation is not None else None
    if rule is None and handler is not None and key in handler.parsed_fn_signature.parameters:
        kwarg = handler.parsed_fn_signature.parameters[key].kwarg_definition
        rule = getattr(kwarg, "description", None)
    return rule


def _field_error(item: Mapping[str, Any], handler: BaseRouteHandler | None = None) -> FieldErrorOut:
    """One of Litestar's validation messages, naming the field as the client wrote it and
    saying the rule in words (:mod:`skael_web.wording`)."""
    key = str(item.get("key") or "body")
    message = str(item.get("message") or "is invalid")
    if in_words(message, "?") != message:  # a message the rule would put in words
        message = in_words(message, _rule(handler, item, key))
    if key == "data":
        key = "body"
    if message == "'data'":
        return FieldErrorOut(field="body", message="a JSON object is required")
    if missing := _MISSING.search(message):
        name = missing.group(1)
        field = name if key == "body" else f"{key}.{name}"
        return FieldErrorOut(field=field, message="is required")
    return FieldErrorOut(field=key, message=message)


def validation_errors(
    exc: ValidationException, handler: BaseRouteHandler | None = None
) -> list[FieldErrorOut]:
    extra = exc.extra if isinstance(exc.extra, list) else []
    return [_field_error(item, handler) for item in extra if isinstance(item, Mapping)]


def handle_validation(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[ErrorOut]:
    errors = validation_errors(exc, request.scope.get("route_handler"))
    summary = "; ".join(f"{e.field}: {e.message}" for e in errors)
    detail = f"invalid input: {summary}" if summary else "invalid input"
    return error_response(VALIDATION_STATUS, detail, errors)


TOO_MANY_PARTS: Final = "Request Entity Too Large"
"""Litestar's detail for a form of more parts than it takes, which it answers with a 400
(kept so in Litestar 2 for compatibility); Skael answers it as what it is, a 413."""


def handle_http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[ErrorOut]:
    if exc.status_code >= 500:
        return handle_unexpected(request, exc)
    status, detail = exc.status_code, exc.detail
    if isinstance(exc.__cause__, SerializationException):
        detail = f"the body is malformed: {detail}"
    if status == 400 and detail == TOO_MANY_PARTS:
        status, detail = 413, "the form has more parts than are taken"
    return error_response(status, detail, headers=exc.headers)


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[ErrorOut]:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal server error")


def invalid_body(exc: msgspec.ValidationError | msgspec.DecodeError) -> HTTPException:
    """A msgspec failure while decoding a body by hand, as Litestar reports its own."""
    if not isinstance(exc, msgspec.ValidationError):
        return ClientException(f"the body is malformed: {exc}")
    message, _, where = str(exc).partition(" - at `$")
    key = where.rstrip("`").lstrip(".") or "data"
    return ValidationException(extra=[{"message": message, "key": key, "source": "body"}])


EXCEPTION_HANDLERS: Final[ExceptionHandlersMap] = {
    SkaelError: handle_core_error,
    ValidationException: handle_validation,
    HTTPException: handle_http,
    Exception: handle_unexpected,
}


# --------------------------------------------------------------------------- OpenAPI


def documented(description: str) -> ResponseSpec:
    """An error answer as the OpenAPI document shows it."""
    return ResponseSpec(data_container=ErrorOut, description=description, generate_examples=False)


ANY_ROUTE_ERRORS: Final = {
    400: documented("Malformed request, such as broken JSON"),
    413: documented("Request body too large"),
    415: documented("The body is not JSON (or a form where a form is taken)"),
    422: documented("Invalid input; `errors` names each field"),
    503: documented("The database did not answer; try again shortly"),
}
CALLER_ERRORS: Final = {
    401: documented("Missing, bad, expired or revoked bearer token"),
    403: documented("The request names another user's data"),
    404: documented("Unknown resource"),
}
PROVIDER_ERRORS: Final = {
    502: documented("The job-data provider failed or refused the request; `detail` says how"),
    503: documented("The job-data provider is unavailable or out of credits"),
    504: documented("The job-data provider did not answer in time"),
}


def document_errors(app: Litestar) -> None:
    """Show the error envelope in every operation of the OpenAPI document."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if isinstance(handler, HTTPRouteHandler):
                common = (
                    ANY_ROUTE_ERRORS if is_public(handler) else ANY_ROUTE_ERRORS | CALLER_ERRORS
                )
                handler.responses = {**common, **(handler.responses or {})}
