"""One worked example of every request body, shown in the OpenAPI document.

Without them the docs page makes its own from the schemas: an e-mail address of
punctuation, both spellings of a field with different values, a country that is not
one. Each example here is a request that succeeds, in the order of :data:`EXAMPLES`, for
one new account on a store holding job 1; a test sends each of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.spec import Example, Operation, RequestBody
from litestar.routes import HTTPRoute

from .agenda_schemas import InterviewChangeIn, InterviewIn, ReminderChangeIn, ReminderIn
from .discovery_wire import BlockCompanyIn, DismissIn, SearchChangeIn, SearchIn
from .schemas import (
    ActivityIn,
    AnalyzeResultIn,
    ApplicationStatusIn,
    ApplyIn,
    ChangePasswordIn,
    FeedbackIn,
    FetchJobsIn,
    JobFilterRequest,
    LoginIn,
    RegisterIn,
    ResumeIn,
    SaveJobIn,
    UpdateUserIn,
)

PASSWORD: Final = "correct horse battery staple"
NEW_PASSWORD: Final = "a longer passphrase, 2027"

EXAMPLES: Final[Mapping[type, Mapping[str, Any]]] = {
    RegisterIn: {
        "user_name": "Ada Lovelace",
        "email_id": "ada@example.com",
        "password": PASSWORD,
        "has_agreed_terms": True,
        "phone_number": "+44 20 7946 0958",
        "desired_job_role": "Python Developer",
        "skills": ["python", "django", "sql"],
        "experience": 5,
        "preferred_locations": ["London", "Berlin"],
        "countries": ["United Kingdom", "Germany"],
        "remote_preference": "Hybrid",
        "professional_summary": "Backend developer who likes data pipelines.",
        "expected_salary": 85000,
        "work_experiences": [
            {
                "company_name": "Analytical Engines Ltd",
                "job_title": "Backend Developer",
                "start_date": "2021-03",
                "description": "APIs in Python and PostgreSQL.",
            }
        ],
        "educations": [
            {"institution": "University of London", "degree": "BSc Mathematics", "end_year": 2019}
        ],
        "certifications": [{"title": "AWS Certified Developer", "issued_by": "Amazon"}],
    },
    LoginIn: {"email": "ada@example.com", "password": PASSWORD},
    UpdateUserIn: {
        "desired_job_role": "Senior Python Developer",
        "skills": "python, fastapi, postgresql",
        "remote_preference": "remote",
        "countries": ["India"],
    },
    FetchJobsIn: {
        "job_titles": ["Python Developer"],
        "skills": ["python"],
        "countries": ["India"],
        "limit": 25,
        "posted_at_max_age_days": 30,
    },
    JobFilterRequest: {"technology": "python", "min_salary": 0, "skip": 0, "limit": 20},
    SaveJobIn: {"activity_metadata": {"from": "search"}},
    AnalyzeResultIn: {"score": 82, "explanation": "Python and Django match; five years fit."},
    ResumeIn: {
        "kind": "resume",
        "source": "upload",
        "content": "Ada Lovelace\nBackend developer: Python, Django, PostgreSQL.",
    },
    ApplyIn: {"job_id": 1},
    ApplicationStatusIn: {"status": "Interviewing", "notes": "Phone screen on Monday."},
    InterviewIn: {
        "round": 1,
        "kind": "video",
        "starts_at": "2026-12-10T09:30:00+01:00",
        "time_zone": "Europe/Paris",
        "duration_minutes": 45,
        "link": "https://meet.example.com/ada-interview",
        "notes": "Talk through the data pipeline project.",
    },
    InterviewChangeIn: {"starts_at": "2026-12-10T14:00:00+01:00", "duration_minutes": 60},
    ReminderIn: {"due_date": "2026-12-14", "note": "Thank-you note to the interviewers."},
    ReminderChangeIn: {"done": True},
    ActivityIn: {"action_type": "viewed", "job_id": 1, "metadata": {"from": "search"}},
    FeedbackIn: {"feedback": "The match explanations are useful.", "metadata": {"page": "jobs"}},
    SearchIn: {
        "job_title": "Backend Engineer",
        "country_code": "IN",
        "technology": "python",
        "min_score": 30,
        "frequency": "daily",
    },
    SearchChangeIn: {"job_title": "Backend Engineer", "min_score": 50, "frequency": "weekly"},
    DismissIn: {},
    BlockCompanyIn: {"key": "Globex Corporation"},
    ChangePasswordIn: {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
}
"""The example body of each request type, in an order that lets each one succeed."""


def body_type(handler: HTTPRouteHandler) -> Any:
    """The type of the handler's body: its ``data`` (``None`` when optional), or the one
    it decodes by hand (``opt["body"]``)."""
    data = handler.parsed_fn_signature.parameters.get("data")
    if data is None:
        return handler.opt.get("body")
    if data.is_optional:
        return next((a.annotation for a in data.inner_types if not a.is_none_type), None)
    return data.annotation


def _with_example(base: type[Operation], value: Mapping[str, Any]) -> type[Operation]:
    """``base`` whose request body shows ``value`` as its example, in every media type."""
    parent = getattr(base, "__post_init__", None)

    def post_init(self: Operation) -> None:
        if parent is not None:
            parent(self)
        if isinstance(self.request_body, RequestBody):
            for media in (self.request_body.content or {}).values():
                media.examples = {"example": Example(summary="A request that works", value=value)}

    named = type(f"{base.__name__}WithExample", (base,), {"__post_init__": post_init})
    return dataclass(named)


def document_examples(app: Litestar) -> None:
    """Show the example of :data:`EXAMPLES` in every operation taking that body."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            example = EXAMPLES.get(body_type(handler))
            if example is not None:
                handler.operation_class = _with_example(handler.operation_class, example)
