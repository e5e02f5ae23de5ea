"""``/v0/users``: the contract's account routes, but where the original backend differed.

A taken e-mail, at registration or as a profile's new e-mail, is a 400 whose ``detail``
is "Email already registered";
a person's activity (``GET /v0/users/{id}/activities``) is a bare array, 100 a page
unless asked otherwise. Register and login answer as on ``/users``: ``messages``,
``user_id`` and Skael's own ``access_token``; profiles carry ``username``.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post, put
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery

from skael_core.errors import Conflict

from ..auth import ANONYMOUS, PUBLIC
from ..controllers.deps import Core, CurrentCaller
from ..controllers.users import JSON, UserController
from ..errors import ErrorOut, documented, error_response
from ..schemas import (
    REGISTER_SCHEMA,
    UPDATE_SCHEMA,
    ActivityOut,
    Limit,
    PathId,
    RegisterIn,
    Skip,
    TokenOut,
    UpdateUserIn,
    UserIdOut,
)

EMAIL_TAKEN = "Email already registered"


def email_taken(_: Request[Any, Any, Any], __: Conflict) -> Response[ErrorOut]:
    """The original backend's answer to a taken e-mail."""
    return error_response(400, EMAIL_TAKEN)


class V0UserController(UserController):
    tags = ["v0"]

    @post(
        "/",
        status_code=201,
        opt=PUBLIC,
        security=ANONYMOUS,
        exception_handlers={Conflict: email_taken},
        responses={400: documented(f"{EMAIL_TAKEN}, or malformed input")},
    )
    async def register(
        self,
        core: Core,
        data: Annotated[
            RegisterIn, Body(media_type=RequestEncodingType.JSON, schema_extra=REGISTER_SCHEMA)
        ],
    ) -> TokenOut:
        """Create an account and sign in; 400 "Email already registered" if it is taken."""
        session = await core.register.execute(data.password, data.changes(), data.has_agreed_terms)
        return TokenOut.of(session)

    @put(
        "/{user_id:int}",
        exception_handlers={Conflict: email_taken},
        responses={
            400: documented(f"{EMAIL_TAKEN} (the new email), or malformed input"),
            429: documented("Too many wrong old passwords; see Retry-After"),
        },
    )
    async def update(
        self,
        core: Core,
        caller: CurrentCaller,
        user_id: PathId,
        data: Annotated[UpdateUserIn, Body(media_type=JSON, schema_extra=UPDATE_SCHEMA)],
    ) -> UserIdOut:
        """Change any subset of the profile; 400 "Email already registered" if the new
        email is taken."""
        user = await core.update_profile.execute(
            caller.user_id, user_id, data.changes(), data.password, data.old_password
        )
        return UserIdOut(user_id=user.id)

    @get("/{user_id:int}/activities")
    async def activities(
        self,
        core: Core,
        caller: CurrentCaller,
        user_id: PathId,
        skip: Skip = 0,
        limit: Limit = 100,
        action_type: FromQuery[str | None] = None,
    ) -> list[ActivityOut]:
        """The user's activity, newest first, as a bare array."""
        page = await core.list_activity.execute(caller.user_id, user_id, action_type, skip, limit)
        return [ActivityOut.of(a) for a in page.items]
