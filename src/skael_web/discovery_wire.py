"""Wire shapes of discovery: saved searches, notifications, dismissals, blocked companies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from msgspec import Meta

from skael_core.model import BlockedCompany, SavedSearch, WebhookDelivery
from skael_core.usecases.discovery import NotificationView, SearchRequest

from .schemas import (
    AnyOf,
    Id,
    JobListing,
    NonBlank,
    NonNegative,
    ShortText,
    Success,
    Wire,
    Years,
)
from .wording import choice

FREQUENCIES = ("daily", "weekly")
FrequencyText = Annotated[str, choice(FREQUENCIES)]
Score = Annotated[int, Meta(ge=0, le=100, description="A match score, 0 to 100.")]
Url = Annotated[str, Meta(max_length=2000)]
Texts = Annotated[list[ShortText], Meta(max_length=100)]


class SearchChangeIn(Wire, kw_only=True):
    """A saved search: the filters of relevant_jobs, the lowest score worth telling, how
    often it runs and, optionally, a URL to call with each new match."""

    name: ShortText | None = None
    job_title: ShortText | None = None
    technology: AnyOf | Texts | None = None
    location: AnyOf | Texts | None = None
    experience: Years | None = None
    remote: bool | None = None
    country_code: ShortText | None = None
    min_salary: NonNegative | None = None
    min_score: Score = 0
    frequency: FrequencyText = "daily"
    webhook_url: Url | None = None

    def request(self) -> SearchRequest:
        return SearchRequest(
            name=self.name,
            job_title=self.job_title,
            technology=self.technology,
            location=self.location,
            experience=self.experience,
            remote=self.remote,
            country_code=self.country_code,
            min_salary=self.min_salary,
            min_score=self.min_score,
            frequency=self.frequency,
            webhook_url=self.webhook_url,
        )


class SearchIn(SearchChangeIn, kw_only=True):
    """A new saved search, for the caller (``user_id``, when given, must be theirs)."""

    user_id: Id | None = None


class SearchOut(Wire, kw_only=True):
    id: int
    user_id: int
    name: str | None
    job_title: str | None
    technology: list[str]
    location: list[str]
    experience: int | None
    remote: bool | None
    country_code: str | None
    min_salary: float | None
    min_score: int
    frequency: Literal["daily", "weekly"]
    webhook_url: str | None
    webhook_secret: Annotated[
        str | None,
        Meta(description="The key of the HMAC-SHA256 signature of each webhook request."),
    ]
    created_at: datetime
    next_run_at: datetime
    last_run_at: datetime | None
    last_error: str | None
    failures: int
    discovered_until: Annotated[
        datetime | None,
        Meta(
            description=(
                "The newest discovery time among the postings its fetches were sent: the"
                " next fetch asks the provider only for postings discovered from then on."
            )
        ),
    ] = None

    @classmethod
    def of(cls, s: SavedSearch) -> SearchOut:
        f = s.filters
        return cls(
            id=s.id,
            user_id=s.user_id,
            name=s.name,
            job_title=f.job_title,
            technology=list(f.technology),
            location=list(f.location),
            experience=f.experience,
            remote=f.remote,
            country_code=f.country_code,
            min_salary=f.min_salary,
            min_score=s.min_score,
            frequency=s.frequency.value,
            webhook_url=s.webhook_url,
            webhook_secret=s.webhook_secret,
            created_at=s.created_at,
            next_run_at=s.next_run_at,
            last_run_at=s.last_run_at,
            last_error=s.last_error,
            failures=s.failures,
            discovered_until=s.discovered_until,
        )


class SearchResponse(SearchOut, kw_only=True):
    """One saved search at the top level."""

    messages: Literal["success"] = "success"

    @classmethod
    def of(cls, s: SavedSearch) -> SearchResponse:
        return cls(**{name: getattr(SearchOut.of(s), name) for name in SearchOut.__struct_fields__})


class SearchesOut(Success, kw_only=True):
    searches: list[SearchOut]
    total: int | None = None


class SearchDeletedOut(Success, kw_only=True):
    search_id: int


class NotificationOut(Wire, kw_only=True):
    id: int
    search_id: int | None
    job_id: int
    score: int
    read: bool
    read_at: datetime | None
    created_at: datetime
    job: JobListing

    @classmethod
    def of(cls, view: NotificationView) -> NotificationOut:
        n = view.notification
        return cls(
            id=n.id,
            search_id=n.search_id,
            job_id=n.job_id,
            score=n.score,
            read=n.read,
            read_at=n.read_at,
            created_at=n.created_at,
            job=JobListing.of(view.job),
        )


class NotificationsOut(Success, kw_only=True):
    notifications: list[NotificationOut]
    total: int | None = None


class WebhookDeliveryOut(Wire, kw_only=True):
    id: int
    search_id: int | None
    status: Annotated[
        Literal["delivered", "pending", "given_up"],
        Meta(description="pending: waiting for its next try at next_attempt_at"),
    ]
    attempts: int
    last_error: str | None
    created_at: datetime
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    gave_up_at: datetime | None

    @classmethod
    def of(cls, d: WebhookDelivery) -> WebhookDeliveryOut:
        status: Literal["delivered", "pending", "given_up"] = (
            "delivered"
            if d.delivered_at is not None
            else "given_up"
            if d.gave_up_at is not None
            else "pending"
        )
        return cls(
            id=d.id,
            search_id=d.search_id,
            status=status,
            attempts=d.attempts,
            last_error=d.last_error,
            created_at=d.created_at,
            next_attempt_at=d.next_attempt_at if d.pending else None,
            delivered_at=d.delivered_at,
            gave_up_at=d.gave_up_at,
        )


class WebhookDeliveriesOut(Success, kw_only=True):
    deliveries: list[WebhookDeliveryOut]
    total: int | None = None


class NotificationReadOut(Success, kw_only=True):
    notification_id: int
    read: bool
    read_at: datetime | None


class DismissIn(Wire, kw_only=True):
    user_id: Id | None = None


class DismissedOut(Success, kw_only=True):
    job_id: int
    dismissed: bool


class BlockCompanyIn(Wire, kw_only=True):
    """A company to block, by its key as ``GET /companies`` gives it (any letter case)."""

    user_id: Id | None = None
    key: NonBlank


class BlockedCompanyOut(Wire, kw_only=True):
    key: str
    blocked_at: datetime

    @classmethod
    def of(cls, b: BlockedCompany) -> BlockedCompanyOut:
        return cls(key=b.key, blocked_at=b.blocked_at)


class BlockedOut(Success, kw_only=True):
    key: str
    blocked_at: datetime


class BlockedCompaniesOut(Success, kw_only=True):
    companies: list[BlockedCompanyOut]
    total: int | None = None


class UnblockedOut(Success, kw_only=True):
    key: str
