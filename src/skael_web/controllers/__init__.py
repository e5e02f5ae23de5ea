"""The HTTP routes, one controller per area; each handler calls one use case."""

from __future__ import annotations

from typing import Final

from litestar.types import ControllerRouterHandler

from .activity import ActivityController
from .agenda import (
    AgendaUserController,
    CalendarFeedController,
    InterviewController,
    ReminderController,
)
from .applications import ApplicationController
from .catalog import CATALOG_HANDLERS
from .discovery import DISCOVERY_CONTROLLERS
from .jobs import JobController
from .resumes import ResumeController
from .users import UserController

CONTROLLERS: Final[list[ControllerRouterHandler]] = [
    UserController,
    JobController,
    ResumeController,
    ApplicationController,
    ActivityController,
    InterviewController,
    ReminderController,
    AgendaUserController,
    CalendarFeedController,
    *CATALOG_HANDLERS,
    *DISCOVERY_CONTROLLERS,
]
