"""In-memory repositories of discovery: saved searches, notifications, dismissed jobs,
blocked companies and the credit ledger.

They keep their tables in the :class:`~skael_adapters.memory.MemoryUnitOfWork` that
made them, with the same all-or-nothing commit as every memory repository; a writing
unit of work holds the database's lock all its life, so a claim or a reservation is
atomic by construction.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

import msgspec

from skael_core.model import (
    BlockedCompany,
    DismissedJob,
    Hidden,
    JobFilter,
    Notification,
    Page,
    SavedSearch,
    WebhookDelivery,
    company_key,
)
from skael_core.ports import (
    LIST_COUNT_LIMIT,
    BlockedCompanyRepository,
    CreditLedger,
    DismissedJobRepository,
    NotificationRepository,
    SavedSearchRepository,
    WebhookOutbox,
    page_reaches_end,
)

T = TypeVar("T")

DISCOVERY_TABLES = (
    "saved_searches",
    "notifications",
    "notified",
    "dismissed_jobs",
    "blocked_companies",
    "credits",
    "webhook_outbox",
)
"""The tables these repositories keep (``notified``: notification id by (user, job))."""

USER_OWNED = (
    "saved_searches",
    "notifications",
    "dismissed_jobs",
    "blocked_companies",
    "webhook_outbox",
)


class Tables(Protocol):
    """What these repositories need of their unit of work."""

    def read(self, name: str) -> dict[Any, Any]: ...

    def write(self, name: str) -> dict[Any, Any]: ...

    def next_id(self, name: str) -> int: ...


def _page(items: Sequence[T], skip: int, limit: int) -> Page[T]:
    page = list(items[skip : skip + limit])
    known = page_reaches_end(skip, limit, len(page)) or len(items) <= LIST_COUNT_LIMIT
    return Page(items=page, total=len(items) if known else None)


class _Repository:
    def __init__(self, uow: Tables) -> None:
        self._uow = uow


class MemorySavedSearchRepository(_Repository, SavedSearchRepository):
    async def add(self, search: SavedSearch) -> SavedSearch:
        stored = msgspec.structs.replace(search, id=self._uow.next_id("saved_searches"))
        self._uow.write("saved_searches")[stored.id] = stored
        return stored

    async def get(self, search_id: int) -> SavedSearch | None:
        found: SavedSearch | None = self._uow.read("saved_searches").get(search_id)
        return found

    async def update(self, search: SavedSearch) -> bool:
        if search.id not in self._uow.read("saved_searches"):
            return False
        self._uow.write("saved_searches")[search.id] = search
        return True

    async def remove(self, search_id: int) -> bool:
        """Delete the search; its notifications stay, with no search."""
        if self._uow.write("saved_searches").pop(search_id, None) is None:
            return False
        for name in ("notifications", "webhook_outbox"):
            table = self._uow.write(name)
            for key, row in list(table.items()):
                if row.search_id == search_id:
                    table[key] = msgspec.structs.replace(row, search_id=None)
        return True

    async def list(self, user_id: int, skip: int, limit: int) -> Page[SavedSearch]:
        mine = [s for s in self._uow.read("saved_searches").values() if s.user_id == user_id]
        mine.sort(key=lambda s: (s.created_at, s.id), reverse=True)
        return _page(mine, skip, limit)

    async def claim_due(
        self, now: datetime, until: datetime, limit: int
    ) -> builtins.list[SavedSearch]:
        due = [s for s in self._uow.read("saved_searches").values() if s.next_run_at <= now]
        due.sort(key=lambda s: (s.next_run_at, s.id))
        claimed = [msgspec.structs.replace(s, next_run_at=until) for s in due[: max(0, limit)]]
        if claimed:
            table = self._uow.write("saved_searches")
            for search in claimed:
                table[search.id] = search
        return claimed

    async def count_due(self, now: datetime) -> int:
        return sum(1 for s in self._uow.read("saved_searches").values() if s.next_run_at <= now)


class MemoryWebhookOutbox(_Repository, WebhookOutbox):
    async def add(self, delivery: WebhookDelivery) -> WebhookDelivery:
        stored = msgspec.structs.replace(delivery, id=self._uow.next_id("webhook_outbox"))
        self._uow.write("webhook_outbox")[stored.id] = stored
        return stored

    async def get(self, delivery_id: int) -> WebhookDelivery | None:
        found: WebhookDelivery | None = self._uow.read("webhook_outbox").get(delivery_id)
        return found

    async def update(self, delivery: WebhookDelivery) -> bool:
        if delivery.id not in self._uow.read("webhook_outbox"):
            return False
        self._uow.write("webhook_outbox")[delivery.id] = delivery
        return True

    async def claim_due(
        self, now: datetime, until: datetime, limit: int
    ) -> builtins.list[WebhookDelivery]:
        due = [
            d
            for d in self._uow.read("webhook_outbox").values()
            if d.pending and d.next_attempt_at <= now
        ]
        due.sort(key=lambda d: (d.next_attempt_at, d.id))
        claimed = [msgspec.structs.replace(d, next_attempt_at=until) for d in due[: max(0, limit)]]
        if claimed:
            table = self._uow.write("webhook_outbox")
            for delivery in claimed:
                table[delivery.id] = delivery
        return claimed

    async def list(
        self, user_id: int, pending_only: bool, skip: int, limit: int
    ) -> Page[WebhookDelivery]:
        mine = [
            d
            for d in self._uow.read("webhook_outbox").values()
            if d.user_id == user_id and (d.pending or not pending_only)
        ]
        mine.sort(key=lambda d: (d.created_at, d.id), reverse=True)
        return _page(mine, skip, limit)


def _shown(n: Notification, excluded_ids: set[int], excluded_companies: set[str]) -> bool:
    return n.job_id not in excluded_ids and company_key(n.company) not in excluded_companies


class MemoryNotificationRepository(_Repository, NotificationRepository):
    async def add_many(self, notifications: Sequence[Notification]) -> builtins.list[Notification]:
        notified = self._uow.write("notified")
        table = self._uow.write("notifications")
        added = []
        for notification in notifications:
            key = (notification.user_id, notification.job_id)
            if key in notified:
                continue
            stored = msgspec.structs.replace(notification, id=self._uow.next_id("notifications"))
            table[stored.id] = stored
            notified[key] = stored.id
            added.append(stored)
        return added

    async def get(self, notification_id: int) -> Notification | None:
        found: Notification | None = self._uow.read("notifications").get(notification_id)
        return found

    async def mark_read(self, notification_id: int, at: datetime) -> datetime | None:
        known = await self.get(notification_id)
        if known is None:
            return None
        if known.read_at is None:
            self._uow.write("notifications")[notification_id] = msgspec.structs.replace(
                known, read_at=at
            )
        return known.read_at or at

    async def list(
        self, user_id: int, filters: JobFilter, unread_only: bool, skip: int, limit: int
    ) -> Page[Notification]:
        ids, companies = set(filters.exclude_ids), set(filters.exclude_companies)
        mine = [
            n
            for n in self._uow.read("notifications").values()
            if n.user_id == user_id and not (unread_only and n.read) and _shown(n, ids, companies)
        ]
        mine.sort(key=lambda n: (n.created_at, n.id), reverse=True)
        return _page(mine, skip, limit)


class MemoryDismissedJobRepository(_Repository, DismissedJobRepository):
    async def add(self, dismissed: DismissedJob) -> bool:
        table = self._uow.write("dismissed_jobs")
        key = (dismissed.user_id, dismissed.job_id)
        if key in table:
            return False
        table[key] = dismissed
        return True

    async def remove(self, user_id: int, job_id: int) -> bool:
        return self._uow.write("dismissed_jobs").pop((user_id, job_id), None) is not None

    async def job_ids(self, user_id: int) -> builtins.list[int]:
        mine = [d for d in self._uow.read("dismissed_jobs").values() if d.user_id == user_id]
        mine.sort(key=lambda d: (d.dismissed_at, d.job_id), reverse=True)
        return [d.job_id for d in mine]

    async def hidden(self, user_id: int) -> Hidden:
        dismissed = self._uow.read("dismissed_jobs")
        blocked = self._uow.read("blocked_companies")
        return Hidden(
            job_ids=tuple(sorted(job for user, job in dismissed if user == user_id)),
            company_keys=tuple(sorted(key for user, key in blocked if user == user_id)),
        )


class MemoryBlockedCompanyRepository(_Repository, BlockedCompanyRepository):
    async def add(self, blocked: BlockedCompany) -> bool:
        table = self._uow.write("blocked_companies")
        key = (blocked.user_id, company_key(blocked.key))
        if key in table:
            return False
        table[key] = blocked
        return True

    async def remove(self, user_id: int, key: str) -> bool:
        found = self._uow.write("blocked_companies").pop((user_id, company_key(key)), None)
        return found is not None

    async def list(self, user_id: int, skip: int, limit: int) -> Page[BlockedCompany]:
        mine = [b for b in self._uow.read("blocked_companies").values() if b.user_id == user_id]
        mine.sort(key=lambda b: (b.blocked_at, company_key(b.key)), reverse=True)
        return _page(mine, skip, limit)


class MemoryCreditLedger(_Repository, CreditLedger):
    async def reserve(self, day: date, scope: str, amount: int, cap: int) -> bool:
        spent = await self.spent(day, scope)
        if spent + amount > cap:
            return False
        self._uow.write("credits")[(day, scope)] = spent + amount
        return True

    async def release(self, day: date, scope: str, amount: int) -> None:
        spent = await self.spent(day, scope)
        self._uow.write("credits")[(day, scope)] = max(0, spent - amount)

    async def spent(self, day: date, scope: str) -> int:
        value: int = self._uow.read("credits").get((day, scope), 0)
        return value
