"""Accounts and profiles: ``/users``."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, post, put
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery, JSONBody

from ..auth import ANONYMOUS, PUBLIC, client_address
from ..errors import documented
from ..schemas import (
    LOGIN_SCHEMA,
    REGISTER_SCHEMA,
    UPDATE_SCHEMA,
    ActivitiesOut,
    ActivityIdOut,
    ActivityOut,
    ChangePasswordIn,
    FeedbackIn,
    Limit,
    LoginIn,
    PathId,
    RegisterIn,
    Skip,
    Success,
    TokenOut,
    UpdateUserIn,
    UserIdOut,
    UserProfile,
)
from .deps import Core, CurrentCaller

JSON = RequestEncodingType.JSON


class UserController(Controller):
    path = "/users"
    tags = ["users"]

    @post(
        "/",
        status_code=201,
        opt=PUBLIC,
        security=ANONYMOUS,
        responses={
            409: documented("The email is taken"),
            429: documented("Too many registrations from this address; see Retry-After"),
        },
    )
    async def register(
        self,
        core: Core,
        data: Annotated[RegisterIn, Body(media_type=JSON, schema_extra=REGISTER_SCHEMA)],
        request: Request[Any, Any, Any],
    ) -> TokenOut:
        """Create an account and sign in; 409 if the email is taken (any letter case);
        429 when this address registered too often."""
        session = await core.register.execute(
            data.password, data.changes(), data.has_agreed_terms, client_address(request)
        )
        return TokenOut.of(session)

    @post(
        "/login",
        status_code=200,
        opt=PUBLIC,
        security=ANONYMOUS,
        responses={
            401: documented("Unknown email or wrong password"),
            429: documented("Too many failed logins; see Retry-After"),
        },
    )
    async def log_in(
        self,
        core: Core,
        data: Annotated[LoginIn, Body(media_type=JSON, schema_extra=LOGIN_SCHEMA)],
        request: Request[Any, Any, Any],
    ) -> TokenOut:
        """Sign in; one 401 for an unknown email and a wrong password; 429 when throttled."""
        session = await core.log_in.execute(data.address(), data.password, client_address(request))
        return TokenOut.of(session)

    @post("/logout", status_code=200)
    async def log_out(self, core: Core, caller: CurrentCaller) -> Success:
        """The token of this request stops working at once; other sessions keep theirs."""
        await core.log_out.execute(caller)
        return Success()

    @get("/me")
    async def me(self, core: Core, caller: CurrentCaller) -> UserProfile:
        """The caller's profile."""
        return UserProfile.of(await core.get_profile.execute(caller.user_id))

    @get("/{user_id:int}")
    async def profile(self, core: Core, caller: CurrentCaller, user_id: PathId) -> UserProfile:
        """A profile: the caller's own only."""
        return UserProfile.of(await core.get_profile.execute(caller.user_id, user_id))

    @put(
        "/{user_id:int}",
        responses={
            409: documented("The new email is taken"),
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
        """Change any subset of the profile; ``password`` needs ``old_password``."""
        user = await core.update_profile.execute(
            caller.user_id, user_id, data.changes(), data.password, data.old_password
        )
        return UserIdOut(user_id=user.id)

    @delete("/{user_id:int}", status_code=200)
    async def delete_user(self, core: Core, caller: CurrentCaller, user_id: PathId) -> UserIdOut:
        """Delete the account and everything it owns."""
        return UserIdOut(user_id=await core.delete_user.execute(caller.user_id, user_id))

    @post(
        "/{user_id:int}/change_password",
        status_code=200,
        responses={429: documented("Too many wrong old passwords; see Retry-After")},
    )
    async def change_password(
        self,
        core: Core,
        caller: CurrentCaller,
        user_id: PathId,
        data: JSONBody[ChangePasswordIn],
    ) -> UserIdOut:
        """New password; every earlier token of the user stops working."""
        user = await core.change_password.execute(
            caller.user_id, user_id, data.old_password, data.new_password
        )
        return UserIdOut(user_id=user.id)

    @post("/{user_id:int}/feedback", status_code=201)
    async def feedback(
        self, core: Core, caller: CurrentCaller, user_id: PathId, data: JSONBody[FeedbackIn]
    ) -> ActivityIdOut:
        """Keep the user's feedback (as an activity)."""
        activity = await core.send_feedback.execute(
            caller.user_id, user_id, data.feedback, data.metadata
        )
        return ActivityIdOut(activity_id=activity.id)

    @get("/{user_id:int}/activities")
    async def activities(
        self,
        core: Core,
        caller: CurrentCaller,
        user_id: PathId,
        skip: Skip = 0,
        limit: Limit = 20,
        action_type: FromQuery[str | None] = None,
    ) -> ActivitiesOut:
        """The user's activity, newest first (as ``GET /activity/user/{user_id}``)."""
        page = await core.list_activity.execute(caller.user_id, user_id, action_type, skip, limit)
        return ActivitiesOut(activities=[ActivityOut.of(a) for a in page.items], total=page.total)
