"""The activity log: ``/activity``."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import FromQuery, JSONBody

from ..schemas import (
    ActivitiesOut,
    ActivityIdOut,
    ActivityIn,
    ActivityOut,
    Limit,
    PathId,
    Skip,
)
from .deps import Core, CurrentCaller


class ActivityController(Controller):
    path = "/activity"
    tags = ["activity"]

    @post("/log", status_code=201)
    async def log(
        self, core: Core, caller: CurrentCaller, data: JSONBody[ActivityIn]
    ) -> ActivityIdOut:
        """Record any action type, about one of the jobs or none."""
        metadata = data.metadata if data.metadata is not None else data.activity_metadata
        activity = await core.log_activity.execute(
            caller.user_id, data.user_id, data.action_type, data.job_id, metadata
        )
        return ActivityIdOut(activity_id=activity.id)

    @get("/user/{user_id:int}")
    async def of_user(
        self,
        core: Core,
        caller: CurrentCaller,
        user_id: PathId,
        skip: Skip = 0,
        limit: Limit = 20,
        action_type: FromQuery[str | None] = None,
    ) -> ActivitiesOut:
        """The user's activity, newest first, optionally of one action type."""
        page = await core.list_activity.execute(caller.user_id, user_id, action_type, skip, limit)
        return ActivitiesOut(activities=[ActivityOut.of(a) for a in page.items], total=page.total)
