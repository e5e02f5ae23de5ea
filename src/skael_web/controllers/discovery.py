"""Discovery: ``/searches``, ``/notifications``, ``/jobs/{id}/dismiss`` and
``/companies/blocked``; each handler calls one use case."""

from __future__ import annotations

from typing import Annotated, Final

from litestar import Controller, Response, delete, get, post, put
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromQuery, JSONBody, QueryParameter

from ..discovery_wire import (
    BlockCompanyIn,
    BlockedCompaniesOut,
    BlockedCompanyOut,
    BlockedOut,
    DismissedOut,
    DismissIn,
    NotificationOut,
    NotificationReadOut,
    NotificationsOut,
    SearchChangeIn,
    SearchDeletedOut,
    SearchesOut,
    SearchIn,
    SearchOut,
    SearchResponse,
    UnblockedOut,
    WebhookDeliveriesOut,
    WebhookDeliveryOut,
)
from ..errors import documented
from ..schemas import Limit, PathId, Skip, UserIdQuery
from .deps import Core, CurrentCaller
from .jobs import OptionalBodyOperation

CompanyKey = Annotated[
    str, QueryParameter(min_length=1, max_length=200, description="The company's key.")
]


class SearchController(Controller):
    path = "/searches"
    tags = ["discovery"]

    @post("/", status_code=201, responses={409: documented("The person keeps 50 searches")})
    async def create(
        self, core: Core, caller: CurrentCaller, data: JSONBody[SearchIn]
    ) -> SearchResponse:
        """Save a search; it runs at once, then daily or weekly."""
        found = await core.create_search.execute(caller.user_id, data.user_id, data.request())
        return SearchResponse.of(found)

    @get("/")
    async def list_searches(
        self,
        core: Core,
        caller: CurrentCaller,
        user_id: UserIdQuery = None,
        skip: Skip = 0,
        limit: Limit = 20,
    ) -> SearchesOut:
        """The caller's saved searches, most recently created first."""
        page = await core.list_searches.execute(caller.user_id, user_id, skip, limit)
        return SearchesOut(searches=[SearchOut.of(s) for s in page.items], total=page.total)

    @get("/{search_id:int}")
    async def search(self, core: Core, caller: CurrentCaller, search_id: PathId) -> SearchResponse:
        """One of the caller's saved searches."""
        return SearchResponse.of(await core.get_search.execute(caller.user_id, search_id))

    @put("/{search_id:int}")
    async def replace(
        self, core: Core, caller: CurrentCaller, search_id: PathId, data: JSONBody[SearchChangeIn]
    ) -> SearchResponse:
        """Replace a saved search whole; it runs again at once."""
        found = await core.replace_search.execute(caller.user_id, search_id, data.request())
        return SearchResponse.of(found)

    @delete("/{search_id:int}", status_code=200)
    async def remove(
        self, core: Core, caller: CurrentCaller, search_id: PathId
    ) -> SearchDeletedOut:
        """Delete a saved search; the notifications it made stay."""
        await core.delete_search.execute(caller.user_id, search_id)
        return SearchDeletedOut(search_id=search_id)


class NotificationController(Controller):
    path = "/notifications"
    tags = ["discovery"]

    @get("/")
    async def list_notifications(
        self,
        core: Core,
        caller: CurrentCaller,
        user_id: UserIdQuery = None,
        unread: FromQuery[bool] = False,
        skip: Skip = 0,
        limit: Limit = 20,
    ) -> NotificationsOut:
        """New matches the saved searches found, newest first, each with its job and
        score; those of dismissed jobs and blocked companies are left out."""
        page = await core.list_notifications.execute(caller.user_id, user_id, unread, skip, limit)
        return NotificationsOut(
            notifications=[NotificationOut.of(v) for v in page.items], total=page.total
        )

    @get("/webhook_deliveries")
    async def webhook_deliveries(
        self,
        core: Core,
        caller: CurrentCaller,
        user_id: UserIdQuery = None,
        pending: FromQuery[bool] = False,
        skip: Skip = 0,
        limit: Limit = 20,
    ) -> WebhookDeliveriesOut:
        """The webhook requests of the caller's searches, newest first: delivered,
        waiting for another try (``pending``: only those) or given up after the last."""
        page = await core.list_webhook_deliveries.execute(
            caller.user_id, user_id, pending, skip, limit
        )
        return WebhookDeliveriesOut(
            deliveries=[WebhookDeliveryOut.of(d) for d in page.items], total=page.total
        )

    @post("/{notification_id:int}/read", status_code=200)
    async def read(
        self, core: Core, caller: CurrentCaller, notification_id: PathId
    ) -> NotificationReadOut:
        """Mark a notification read (the first time it was read stays)."""
        n = await core.read_notification.execute(caller.user_id, notification_id)
        return NotificationReadOut(notification_id=n.id, read=n.read, read_at=n.read_at)


_DISMISSED_BEFORE: Final = {
    200: ResponseSpec(data_container=DismissedOut, description="Dismissed before: nothing changed"),
    409: documented("The person has 5,000 jobs dismissed"),
}
_BLOCKED_BEFORE: Final = {
    200: ResponseSpec(data_container=BlockedOut, description="Blocked before: nothing changed"),
    409: documented("The person has 500 companies blocked"),
}


class DismissController(Controller):
    path = "/jobs"
    tags = ["discovery"]

    @post(
        "/{job_id:int}/dismiss",
        status_code=201,
        responses=_DISMISSED_BEFORE,
        operation_class=OptionalBodyOperation,
    )
    async def dismiss(
        self,
        core: Core,
        caller: CurrentCaller,
        job_id: PathId,
        data: JSONBody[DismissIn | None] = None,
    ) -> Response[DismissedOut]:
        """Never show this job to the caller again: 201 the first time, 200 after."""
        user_id = data.user_id if data else None
        created = await core.dismiss_job.execute(caller.user_id, user_id, job_id)
        answer = DismissedOut(job_id=job_id, dismissed=True)
        return Response(answer, status_code=201 if created else 200)

    @delete("/{job_id:int}/dismiss", status_code=200)
    async def restore(
        self, core: Core, caller: CurrentCaller, job_id: PathId, user_id: UserIdQuery = None
    ) -> DismissedOut:
        """Show a dismissed job again; 404 if it was not dismissed."""
        await core.restore_job.execute(caller.user_id, user_id, job_id)
        return DismissedOut(job_id=job_id, dismissed=False)


class BlockedCompanyController(Controller):
    path = "/companies/blocked"
    tags = ["discovery"]

    @post("/", status_code=201, responses=_BLOCKED_BEFORE)
    async def block(
        self, core: Core, caller: CurrentCaller, data: JSONBody[BlockCompanyIn]
    ) -> Response[BlockedOut]:
        """Show none of this company's jobs to the caller: 201 the first time, 200 after."""
        blocked, created = await core.block_company.execute(caller.user_id, data.user_id, data.key)
        answer = BlockedOut(key=blocked.key, blocked_at=blocked.blocked_at)
        return Response(answer, status_code=201 if created else 200)

    @get("/")
    async def list_blocked(
        self,
        core: Core,
        caller: CurrentCaller,
        user_id: UserIdQuery = None,
        skip: Skip = 0,
        limit: Limit = 20,
    ) -> BlockedCompaniesOut:
        """The caller's blocked companies, most recently blocked first."""
        page = await core.list_blocked_companies.execute(caller.user_id, user_id, skip, limit)
        return BlockedCompaniesOut(
            companies=[BlockedCompanyOut.of(b) for b in page.items], total=page.total
        )

    @delete("/", status_code=200)
    async def unblock(
        self,
        core: Core,
        caller: CurrentCaller,
        key: CompanyKey,
        user_id: UserIdQuery = None,
    ) -> UnblockedOut:
        """Unblock a company (``?key=``, any letter case); 404 if it was not blocked."""
        unblocked = await core.unblock_company.execute(caller.user_id, user_id, key)
        return UnblockedOut(key=unblocked)


DISCOVERY_CONTROLLERS: Final = [
    SearchController,
    NotificationController,
    DismissController,
    BlockedCompanyController,
]
