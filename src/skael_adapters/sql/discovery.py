"""Repositories of discovery over SQLAlchemy Core: saved searches, notifications,
dismissed jobs, blocked companies and the credit ledger.

The rules that must hold across processes are the database's: a notification is unique
per (user, job) and inserted with ``ON CONFLICT DO NOTHING``; a claim on due searches
takes their rows with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (on SQLite a writing unit
of work holds the write lock from its start); a credit reservation is one conditional
``UPDATE``, which PostgreSQL runs under the row's lock.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import msgspec
import sqlalchemy as sa

from skael_core.model import (
    BlockedCompany,
    DismissedJob,
    Frequency,
    Hidden,
    JobFilter,
    Notification,
    Page,
    SavedSearch,
    SearchFilters,
    WebhookDelivery,
    company_key,
)
from skael_core.ports import (
    BlockedCompanyRepository,
    CreditLedger,
    DismissedJobRepository,
    NotificationRepository,
    SavedSearchRepository,
    WebhookOutbox,
)

from .base import SqlRepository, batched
from .engine import prepared
from .tables import (
    blocked_companies,
    credit_spending,
    dismissed_jobs,
    notifications,
    saved_searches,
    webhook_outbox,
)

_encode = msgspec.json.Encoder().encode
_decode_filters = msgspec.json.Decoder(SearchFilters).decode


# --------------------------------------------------------------------------- mapping


def search_to_row(search: SavedSearch) -> dict[str, Any]:
    return {
        "user_id": search.user_id,
        "name": search.name,
        "filters": _encode(search.filters).decode(),
        "min_score": search.min_score,
        "frequency": search.frequency.value,
        "webhook_url": search.webhook_url,
        "webhook_secret": search.webhook_secret,
        "created_at": search.created_at,
        "next_run_at": search.next_run_at,
        "last_run_at": search.last_run_at,
        "last_error": search.last_error,
        "failures": search.failures,
        "discovered_until": search.discovered_until,
        "stored_after": search.stored_after,
        "stored_seen": search.stored_seen,
    }


def search_to_domain(row: sa.Row[Any]) -> SavedSearch:
    return SavedSearch(
        id=row.id,
        user_id=row.user_id,
        name=row.name,
        filters=_decode_filters(row.filters),
        min_score=row.min_score,
        frequency=Frequency(row.frequency),
        webhook_url=row.webhook_url,
        webhook_secret=row.webhook_secret,
        created_at=row.created_at,
        next_run_at=row.next_run_at,
        last_run_at=row.last_run_at,
        last_error=row.last_error,
        failures=row.failures,
        discovered_until=row.discovered_until,
        stored_after=row.stored_after,
        stored_seen=row.stored_seen,
    )


def notification_to_row(n: Notification) -> dict[str, Any]:
    return {
        "user_id": n.user_id,
        "job_id": n.job_id,
        "search_id": n.search_id,
        "score": n.score,
        "company_lc": None if n.company is None else company_key(n.company),
        "created_at": n.created_at,
        "read_at": n.read_at,
    }


def notification_to_domain(row: sa.Row[Any]) -> Notification:
    return Notification(
        id=row.id,
        user_id=row.user_id,
        job_id=row.job_id,
        search_id=row.search_id,
        score=row.score,
        company=row.company_lc,
        created_at=row.created_at,
        read_at=row.read_at,
    )


def delivery_to_row(d: WebhookDelivery) -> dict[str, Any]:
    return {
        "user_id": d.user_id,
        "search_id": d.search_id,
        "body": d.body,
        "created_at": d.created_at,
        "next_attempt_at": d.next_attempt_at,
        "attempts": d.attempts,
        "last_error": d.last_error,
        "delivered_at": d.delivered_at,
        "gave_up_at": d.gave_up_at,
        "pending": d.pending,
    }


def delivery_to_domain(row: sa.Row[Any]) -> WebhookDelivery:
    return WebhookDelivery(
        id=row.id,
        user_id=row.user_id,
        search_id=row.search_id,
        body=row.body,
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        attempts=row.attempts,
        last_error=row.last_error,
        delivered_at=row.delivered_at,
        gave_up_at=row.gave_up_at,
    )


def blocked_to_domain(row: sa.Row[Any]) -> BlockedCompany:
    return BlockedCompany(user_id=row.user_id, key=row.key, blocked_at=row.blocked_at)


# --------------------------------------------------------------------------- repositories


class SqlSavedSearchRepository(SqlRepository, SavedSearchRepository):
    async def add(self, search: SavedSearch) -> SavedSearch:
        statement = (
            sa.insert(saved_searches).values(search_to_row(search)).returning(saved_searches.c.id)
        )
        new_id = (await self._conn.execute(statement)).scalar_one()
        return msgspec.structs.replace(search, id=new_id)

    async def get(self, search_id: int) -> SavedSearch | None:
        query = sa.select(saved_searches).where(saved_searches.c.id == search_id)
        row = (await self._conn.execute(query)).first()
        return None if row is None else search_to_domain(row)

    async def update(self, search: SavedSearch) -> bool:
        statement = (
            sa.update(saved_searches)
            .where(saved_searches.c.id == search.id)
            .values(search_to_row(search))
        )
        return (await self._conn.execute(statement)).rowcount > 0

    async def remove(self, search_id: int) -> bool:
        statement = sa.delete(saved_searches).where(saved_searches.c.id == search_id)
        return (await self._conn.execute(statement)).rowcount > 0

    async def list(self, user_id: int, skip: int, limit: int) -> Page[SavedSearch]:
        s = saved_searches
        query = (
            sa.select(s)
            .where(s.c.user_id == user_id)
            .order_by(s.c.created_at.desc(), s.c.id.desc())
        )
        return await self._page(query, skip, limit, search_to_domain)

    async def claim_due(
        self, now: datetime, until: datetime, limit: int
    ) -> builtins.list[SavedSearch]:
        if limit <= 0:
            return []
        s = saved_searches
        query = (
            sa.select(s)
            .where(s.c.next_run_at <= now)
            .order_by(s.c.next_run_at, s.c.id)
            .limit(limit)
        )
        if self._conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        due = [search_to_domain(row) for row in await self._conn.execute(query)]
        if due:
            await self._conn.execute(
                sa.update(s).where(s.c.id.in_([d.id for d in due])).values(next_run_at=until)
            )
        return [msgspec.structs.replace(d, next_run_at=until) for d in due]

    async def count_due(self, now: datetime) -> int:
        s = saved_searches
        query = sa.select(sa.func.count()).select_from(s).where(s.c.next_run_at <= now)
        return int((await self._conn.execute(query)).scalar_one())


class SqlNotificationRepository(SqlRepository, NotificationRepository):
    async def add_many(self, items: Sequence[Notification]) -> builtins.list[Notification]:
        n = notifications
        stored: dict[tuple[int, int], int] = {}
        for chunk in batched(items, 500):  # within SQLite's bound parameters per statement
            statement = (
                self._insert(n)
                .values([notification_to_row(item) for item in chunk])
                .on_conflict_do_nothing(index_elements=[n.c.user_id, n.c.job_id])
                .returning(n.c.id, n.c.user_id, n.c.job_id)
            )
            for new_id, user_id, job_id in (await self._conn.execute(statement)).all():
                stored[(user_id, job_id)] = new_id
        added = []
        for item in items:
            new_id = stored.pop((item.user_id, item.job_id), None)
            if new_id is not None:
                added.append(msgspec.structs.replace(item, id=new_id))
        return added

    async def get(self, notification_id: int) -> Notification | None:
        query = sa.select(notifications).where(notifications.c.id == notification_id)
        row = (await self._conn.execute(query)).first()
        return None if row is None else notification_to_domain(row)

    async def mark_read(self, notification_id: int, at: datetime) -> datetime | None:
        n = notifications
        await self._conn.execute(
            sa.update(n).where(n.c.id == notification_id, n.c.read_at.is_(None)).values(read_at=at)
        )
        # on PostgreSQL an update held up by another's waits for it and then finds the
        # row read; this read, a statement of its own, sees what that one committed
        found = await self.get(notification_id)
        return None if found is None else found.read_at

    async def list(
        self, user_id: int, filters: JobFilter, unread_only: bool, skip: int, limit: int
    ) -> Page[Notification]:
        n = notifications
        where: list[sa.ColumnElement[bool]] = [n.c.user_id == user_id]
        if unread_only:
            where.append(n.c.read_at.is_(None))
        if filters.exclude_ids:
            where.append(n.c.job_id.not_in(filters.exclude_ids))
        if filters.exclude_companies:
            companies = filters.exclude_companies
            where.append(sa.or_(n.c.company_lc.is_(None), n.c.company_lc.not_in(companies)))
        query = sa.select(n).where(*where).order_by(n.c.created_at.desc(), n.c.id.desc())
        return await self._page(query, skip, limit, notification_to_domain)


class SqlWebhookOutbox(SqlRepository, WebhookOutbox):
    async def add(self, delivery: WebhookDelivery) -> WebhookDelivery:
        w = webhook_outbox
        statement = sa.insert(w).values(delivery_to_row(delivery)).returning(w.c.id)
        new_id = (await self._conn.execute(statement)).scalar_one()
        return msgspec.structs.replace(delivery, id=new_id)

    async def get(self, delivery_id: int) -> WebhookDelivery | None:
        query = sa.select(webhook_outbox).where(webhook_outbox.c.id == delivery_id)
        row = (await self._conn.execute(query)).first()
        return None if row is None else delivery_to_domain(row)

    async def update(self, delivery: WebhookDelivery) -> bool:
        w = webhook_outbox
        statement = sa.update(w).where(w.c.id == delivery.id).values(delivery_to_row(delivery))
        return (await self._conn.execute(statement)).rowcount > 0

    async def claim_due(
        self, now: datetime, until: datetime, limit: int
    ) -> builtins.list[WebhookDelivery]:
        if limit <= 0:
            return []
        w = webhook_outbox
        query = (
            sa.select(w)
            .where(w.c.pending.is_(True), w.c.next_attempt_at <= now)
            .order_by(w.c.next_attempt_at, w.c.id)
            .limit(limit)
        )
        if self._conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        due = [delivery_to_domain(row) for row in await self._conn.execute(query)]
        if due:
            await self._conn.execute(
                sa.update(w).where(w.c.id.in_([d.id for d in due])).values(next_attempt_at=until)
            )
        return [msgspec.structs.replace(d, next_attempt_at=until) for d in due]

    async def list(
        self, user_id: int, pending_only: bool, skip: int, limit: int
    ) -> Page[WebhookDelivery]:
        w = webhook_outbox
        where = [w.c.user_id == user_id]
        if pending_only:
            where.append(w.c.pending.is_(True))
        query = sa.select(w).where(*where).order_by(w.c.created_at.desc(), w.c.id.desc())
        return await self._page(query, skip, limit, delivery_to_domain)


_DISMISSED_IDS = prepared(
    sa.select(dismissed_jobs.c.job_id)
    .where(dismissed_jobs.c.user_id == sa.bindparam("user_id"))
    .order_by(dismissed_jobs.c.dismissed_at.desc(), dismissed_jobs.c.job_id.desc())
)
_HIDDEN = prepared(
    sa.union_all(
        sa.select(
            dismissed_jobs.c.job_id, sa.cast(sa.null(), blocked_companies.c.key_lc.type)
        ).where(dismissed_jobs.c.user_id == sa.bindparam("user_id")),
        sa.select(
            sa.cast(sa.null(), dismissed_jobs.c.job_id.type), blocked_companies.c.key_lc
        ).where(blocked_companies.c.user_id == sa.bindparam("user_id")),
    )
)
_SPENT = prepared(
    sa.select(credit_spending.c.spent).where(
        credit_spending.c.day == sa.bindparam("day"),
        credit_spending.c.scope == sa.bindparam("scope"),
    )
)
"""The reads of every list (the viewer's dismissals) and of every health check (the
credits spent today), compiled once on SQLite (``engine.prepared``)."""


class SqlDismissedJobRepository(SqlRepository, DismissedJobRepository):
    async def add(self, dismissed: DismissedJob) -> bool:
        d = dismissed_jobs
        row = {
            "user_id": dismissed.user_id,
            "job_id": dismissed.job_id,
            "dismissed_at": dismissed.dismissed_at,
        }
        statement = (
            self._insert(d)
            .values(row)
            .on_conflict_do_nothing(index_elements=[d.c.user_id, d.c.job_id])
            .returning(d.c.job_id)
        )
        return (await self._conn.execute(statement)).first() is not None

    async def remove(self, user_id: int, job_id: int) -> bool:
        d = dismissed_jobs
        statement = sa.delete(d).where(d.c.user_id == user_id, d.c.job_id == job_id)
        return (await self._conn.execute(statement)).rowcount > 0

    async def job_ids(self, user_id: int) -> builtins.list[int]:
        return list((await self._conn.execute(_DISMISSED_IDS, {"user_id": user_id})).scalars())

    async def hidden(self, user_id: int) -> Hidden:
        rows = (await self._conn.execute(_HIDDEN, {"user_id": user_id})).all()
        return Hidden(
            job_ids=tuple(sorted(job for job, _ in rows if job is not None)),
            company_keys=tuple(sorted(key for _, key in rows if key is not None)),
        )


class SqlBlockedCompanyRepository(SqlRepository, BlockedCompanyRepository):
    async def add(self, blocked: BlockedCompany) -> bool:
        b = blocked_companies
        row = {
            "user_id": blocked.user_id,
            "key_lc": company_key(blocked.key),
            "key": blocked.key,
            "blocked_at": blocked.blocked_at,
        }
        statement = (
            self._insert(b)
            .values(row)
            .on_conflict_do_nothing(index_elements=[b.c.user_id, b.c.key_lc])
            .returning(b.c.key_lc)
        )
        return (await self._conn.execute(statement)).first() is not None

    async def remove(self, user_id: int, key: str) -> bool:
        b = blocked_companies
        statement = sa.delete(b).where(b.c.user_id == user_id, b.c.key_lc == company_key(key))
        return (await self._conn.execute(statement)).rowcount > 0

    async def list(self, user_id: int, skip: int, limit: int) -> Page[BlockedCompany]:
        b = blocked_companies
        query = (
            sa.select(b)
            .where(b.c.user_id == user_id)
            .order_by(b.c.blocked_at.desc(), b.c.key_lc.desc())
        )
        return await self._page(query, skip, limit, blocked_to_domain)


class SqlCreditLedger(SqlRepository, CreditLedger):
    async def reserve(self, day: date, scope: str, amount: int, cap: int) -> bool:
        c = credit_spending
        if amount > cap:
            return False
        await self._conn.execute(
            self._insert(c)
            .values(day=day, scope=scope, spent=0)
            .on_conflict_do_nothing(index_elements=[c.c.day, c.c.scope])
        )
        statement = (
            sa.update(c)
            .where(c.c.day == day, c.c.scope == scope, c.c.spent + amount <= cap)
            .values(spent=c.c.spent + amount)
        )
        return (await self._conn.execute(statement)).rowcount > 0

    async def release(self, day: date, scope: str, amount: int) -> None:
        c = credit_spending
        await self._conn.execute(
            sa.update(c)
            .where(c.c.day == day, c.c.scope == scope)
            .values(spent=sa.case((c.c.spent > amount, c.c.spent - amount), else_=0))
        )

    async def spent(self, day: date, scope: str) -> int:
        found = (
            await self._conn.execute(_SPENT, {"day": day, "scope": scope})
        ).scalar_one_or_none()
        return int(found or 0)
