"""The answer of a save or an application: 201 when the call recorded it, 200 when it
was recorded before (the call changed and logged nothing)."""

from __future__ import annotations

from typing import Final

from litestar import Response
from litestar.openapi.datastructures import ResponseSpec

from skael_core.usecases.tracking import Recorded

from ..schemas import ActivityIdOut

ALREADY_RECORDED: Final = {
    200: ResponseSpec(
        data_container=ActivityIdOut,
        description="Recorded before: nothing changed or was logged; "
        "`activity_id` is the activity of the first call",
    )
}


def recorded(outcome: Recorded) -> Response[ActivityIdOut]:
    """201 with the new activity, or 200 with the first call's activity for a repeat."""
    status = 201 if outcome.created else 200
    return Response(ActivityIdOut(activity_id=outcome.activity_id), status_code=status)
