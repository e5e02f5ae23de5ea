"""``/v0/activity``: the contract's activity routes; a user's activity is a bare array."""

from __future__ import annotations

from litestar import get
from litestar.params import FromQuery

from ..controllers.activity import ActivityController
from ..controllers.deps import Core, CurrentCaller
from ..schemas import ActivityOut, Limit, PathId, Skip


class V0ActivityController(ActivityController):
    tags = ["v0"]

    @get("/user/{user_id:int}")
    async def of_user(
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
