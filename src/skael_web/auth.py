"""Bearer authentication: secure by default.

One app-wide middleware (``app.admission``) authenticates every route that is not
marked public (``opt=PUBLIC``) and keeps the :class:`Caller` on the request; handlers
receive it as the ``caller`` dependency. A route added later is authenticated unless it says
otherwise, and a test walks the route table to prove it.

The bearer token is a Skael access token or, when an identity provider is configured, one
of its ID tokens; the core's ``Authenticate`` tells them apart and checks either, and
both give the same :class:`Caller`.
"""

from __future__ import annotations

from typing import Any, Final

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.handlers.base import BaseRouteHandler

from skael_core.errors import Unauthenticated
from skael_core.service import Skael
from skael_core.usecases.common import Caller

PUBLIC: Final[dict[str, Any]] = {"public": True}
"""Route ``opt`` of the routes anyone may call (health, countries, register, login, docs)."""

ANONYMOUS: Final[list[dict[str, list[str]]]] = [{}]
"""OpenAPI ``security`` of a public route: no credentials needed."""

BEARER_SCHEME: Final = "BearerToken"


def is_public(handler: BaseRouteHandler) -> bool:
    return bool(handler.opt.get("public"))


def bearer_token(authorization: str | None) -> str:
    """The token of an ``Authorization: Bearer <token>`` header; any other is refused."""
    if not authorization:
        raise Unauthenticated("missing bearer token: send Authorization: Bearer <token>")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise Unauthenticated("the Authorization header must use the Bearer scheme")
    if not token.strip():
        raise Unauthenticated("the bearer token is empty")
    return token.strip()


def core_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Skael:
    core: Skael = connection.app.state.container.core()
    return core


async def authenticate(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """A valid, unrevoked token (Skael's or the identity provider's) of an existing user,
    unless the route is public."""
    if is_public(handler) or connection.scope.get("method") == "OPTIONS":
        return
    token = bearer_token(connection.headers.get("Authorization"))
    connection.state.caller = await core_of(connection).authenticate.execute(token)


def provide_caller(request: Request[Any, Any, Any], core: NamedDependency[Skael]) -> Caller:
    """The authenticated caller of this request (set by :func:`authenticate`).

    It names ``core`` so that Litestar resolves the two one after the other: handlers
    take both, and two independent dependencies are resolved concurrently, in a task
    group whose two tasks cost more than the dependencies themselves.
    """
    del core
    caller = getattr(request.state, "caller", None)
    if not isinstance(caller, Caller):
        raise Unauthenticated("this route needs a bearer token")
    return caller


def client_address(request: Request[Any, Any, Any]) -> str:
    """The connection's client host, the key of per-address login throttling."""
    return request.client.host if request.client else ""
