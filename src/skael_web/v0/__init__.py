"""``/v0``: the original Skael backend's surface, for the Skael frontend as it was written.

A second thin driving adapter beside the contract's controllers: the same use cases
through the same container, the same authentication middleware (only register and
login are public), translated to the shapes the original backend answered with where
they differ from the contract (see ``docs/api.md``, "The /v0 surface"). A frontend
switches by pointing its API base URL at ``/v0``.
"""

from __future__ import annotations

from typing import Final

from litestar import Router

from ..controllers.applications import ApplicationController
from ..controllers.resumes import ResumeController
from .activity import V0ActivityController
from .jobs import V0JobController
from .users import V0UserController

V0_PATH: Final = "/v0"


class V0ResumeController(ResumeController):
    """The contract's resume routes, listed under ``v0`` alone in the OpenAPI document."""

    tags = ["v0"]


class V0ApplicationController(ApplicationController):
    """The contract's application routes, listed under ``v0`` alone in the OpenAPI document."""

    tags = ["v0"]


def v0_router() -> Router:
    """Every ``/v0`` route; those whose answers match the contract's are the contract's."""
    return Router(
        path=V0_PATH,
        route_handlers=[
            V0UserController,
            V0JobController,
            V0ActivityController,
            V0ResumeController,
            V0ApplicationController,
        ],
        tags=["v0"],
    )
