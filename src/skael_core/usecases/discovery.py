"""Discovery: saved searches, notifications of new matches, dismissed jobs, blocked
companies, and the exclusions every list of jobs honours.

Each change logs its activity in the unit of work of the change. A search, a
notification, a dismissal and a block belong to one person: naming another's is
``Forbidden``.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from urllib.parse import urlsplit

import msgspec

from .. import normalize as norm
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..matching import canonical_skill
from ..model import (
    ActionType,
    BlockedCompany,
    DismissedJob,
    Frequency,
    Job,
    JobFilter,
    Notification,
    Page,
    SavedSearch,
    SearchFilters,
    WebhookDelivery,
)
from ..ports import Clock, CountryCatalog, UnitOfWork, UnitOfWorkFactory
from .common import UseCase, hold_user, load_job, owner

MAX_SEARCHES = 50
"""Saved searches one person may keep."""
MAX_DISMISSED = 5000
"""Jobs one person may have dismissed at a time (each list carries them all)."""
MAX_BLOCKED = 500
"""Companies one person may have blocked at a time."""
MAX_URL = 2000


async def excluding(uow: UnitOfWork, user_id: int, filters: JobFilter) -> JobFilter:
    """``filters`` leaving out the jobs ``user_id`` dismissed and their blocked companies."""
    hidden = await uow.dismissed_jobs.hidden(user_id)
    if not hidden.job_ids and not hidden.company_keys:
        return filters
    return msgspec.structs.replace(
        filters, exclude_ids=hidden.job_ids, exclude_companies=hidden.company_keys
    )


# --------------------------------------------------------------------------- searches


class SearchRequest(msgspec.Struct, frozen=True, kw_only=True):
    """A saved search as a caller typed it; the filters are those of relevant_jobs."""

    name: str | None = None
    job_title: str | None = None
    technology: str | Sequence[str] | None = None
    location: str | Sequence[str] | None = None
    experience: int | str | None = None
    remote: bool | None = None
    country_code: str | None = None
    min_salary: float | None = None
    min_score: int = 0
    frequency: str = "daily"
    webhook_url: str | None = None


def _any_of(value: str | Sequence[str] | None, field: str) -> tuple[str, ...]:
    if value is None or isinstance(value, str):
        return norm.any_of(value, field)
    return norm.split_list(value, field)


def search_filters(r: SearchRequest, countries: CountryCatalog) -> SearchFilters:
    """The canonical filters of ``r`` (``InvalidInput`` naming the field that is wrong)."""
    if r.min_salary is not None and r.min_salary < 0:
        raise InvalidInput.field("min_salary", "must be 0 or more")
    technology = (canonical_skill(t) for t in _any_of(r.technology, "technology"))
    return SearchFilters(
        job_title=norm.text(r.job_title, "job_title"),
        technology=tuple(dict.fromkeys(technology)),
        location=_any_of(r.location, "location"),
        experience=norm.years(r.experience, "experience"),
        remote=r.remote,
        country_code=norm.country_code(r.country_code, countries, "country_code"),
        min_salary=r.min_salary,
    )


def frequency(value: str) -> Frequency:
    try:
        return Frequency(value.strip().lower())
    except ValueError:
        raise InvalidInput.field("frequency", "must be daily or weekly") from None


def webhook_url(value: str | None) -> str | None:
    """An http(s) URL with a host and, if any, a port that is a number up to 65535; no
    spaces or control characters, no user name or password (the signature proves the
    sender). None when blank."""
    url = norm.text(value, "webhook_url", MAX_URL)
    if url is None:
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018  (raises for a port that is not a number in range)
    except ValueError:  # an unclosed IPv6 bracket, a port that is not a number, ...
        host = None
    if host is None or parts.scheme not in ("http", "https"):
        raise InvalidInput.field(
            "webhook_url", "must be an http or https URL, such as https://hooks.example.com/skael"
        )
    if any(c.isspace() or not c.isprintable() for c in url):
        raise InvalidInput.field("webhook_url", "must not contain spaces or control characters")
    if parts.username is not None or parts.password is not None:
        raise InvalidInput.field(
            "webhook_url", "must not carry a user name or password; the signature proves the sender"
        )
    return url


def _min_score(value: int) -> int:
    if not 0 <= value <= 100:
        raise InvalidInput.field("min_score", "must be between 0 and 100")
    return value


class _Searches(UseCase):
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, countries: CountryCatalog) -> None:
        super().__init__(uow, clock)
        self._countries = countries

    def _define(self, user_id: int, r: SearchRequest, known: SavedSearch | None) -> SavedSearch:
        """The search ``r`` defines, due now (a changed search runs at once too)."""
        now = self._clock.now()
        url = webhook_url(r.webhook_url)
        secret = None
        if url is not None:
            same = known is not None and known.webhook_url == url
            secret = known.webhook_secret if same and known else secrets.token_urlsafe(32)
        return SavedSearch(
            id=known.id if known else 0,
            user_id=user_id,
            name=norm.text(r.name, "name"),
            filters=search_filters(r, self._countries),
            min_score=_min_score(r.min_score),
            frequency=frequency(r.frequency),
            webhook_url=url,
            webhook_secret=secret,
            created_at=known.created_at if known else now,
            next_run_at=now,
            last_run_at=known.last_run_at if known else None,
            discovered_until=known.discovered_until if known else None,
            stored_after=known.stored_after if known else 0,
            stored_seen=known.stored_seen if known else 0,
        )


async def load_search(uow: UnitOfWork, actor: int, search_id: int) -> SavedSearch:
    """The search ``search_id`` of ``actor``: ``NotFound``, or ``Forbidden`` if another's."""
    search = await uow.saved_searches.get(search_id)
    if search is None:
        raise NotFound("saved search", search_id)
    if search.user_id != actor:
        raise Forbidden("you may only act on your own saved searches")
    return search


class CreateSearch(_Searches):
    """A new saved search is due at once; a person keeps at most ``MAX_SEARCHES``. Its
    runs tell of the stored postings stored after it was created (and of what its own
    fetches bring, of any age)."""

    async def execute(self, actor: int, user_id: int | None, r: SearchRequest) -> SavedSearch:
        target = owner(actor, user_id)
        search = self._define(target, r, None)
        async with self._uow() as uow:
            await hold_user(uow, target)  # the count below stays true until the commit
            latest = await uow.jobs.latest_id()
            search = msgspec.structs.replace(search, stored_after=latest, stored_seen=latest)
            kept = (await uow.saved_searches.list(target, 0, 1)).total or 0
            if kept >= MAX_SEARCHES:
                raise Conflict(f"a person keeps at most {MAX_SEARCHES} saved searches")
            stored = await uow.saved_searches.add(search)
            meta = {"search_id": stored.id}
            await self._log(uow, target, ActionType.SEARCH_SAVED, metadata=meta)
            await uow.commit()
        return stored


class ReplaceSearch(_Searches):
    """A search is replaced whole by what the request defines, and is due at once."""

    async def execute(self, actor: int, search_id: int, r: SearchRequest) -> SavedSearch:
        async with self._uow() as uow:
            known = await load_search(uow, actor, search_id)
            search = self._define(actor, r, known)
            if not await uow.saved_searches.update(search):  # deleted meanwhile
                raise NotFound("saved search", search_id)
            meta = {"search_id": search_id}
            await self._log(uow, actor, ActionType.SEARCH_UPDATED, metadata=meta)
            await uow.commit()
        return search


class DeleteSearch(UseCase):
    """Deleting a search keeps the notifications it made (with no search)."""

    async def execute(self, actor: int, search_id: int) -> None:
        async with self._uow() as uow:
            await load_search(uow, actor, search_id)
            if not await uow.saved_searches.remove(search_id):  # deleted meanwhile
                raise NotFound("saved search", search_id)
            meta = {"search_id": search_id}
            await self._log(uow, actor, ActionType.SEARCH_DELETED, metadata=meta)
            await uow.commit()


class GetSearch(UseCase):
    """One of the caller's searches."""

    async def execute(self, actor: int, search_id: int) -> SavedSearch:
        async with self._uow(read_only=True) as uow:
            return await load_search(uow, actor, search_id)


class ListSearches(UseCase):
    """The caller's searches, most recently created first."""

    async def execute(
        self, actor: int, user_id: int | None, skip: int = 0, limit: int = 20
    ) -> Page[SavedSearch]:
        target = owner(actor, user_id)
        skip, limit = norm.page(skip, limit)
        async with self._uow(read_only=True) as uow:
            return await uow.saved_searches.list(target, skip, limit)


# --------------------------------------------------------------------------- notifications


class NotificationView(msgspec.Struct, frozen=True, kw_only=True):
    notification: Notification
    job: Job


class ListNotifications(UseCase):
    """The caller's notifications, newest first, with their jobs; those of dismissed
    jobs and blocked companies are left out."""

    async def execute(
        self,
        actor: int,
        user_id: int | None,
        unread_only: bool = False,
        skip: int = 0,
        limit: int = 20,
    ) -> Page[NotificationView]:
        target = owner(actor, user_id)
        skip, limit = norm.page(skip, limit)
        async with self._uow(read_only=True) as uow:
            filters = await excluding(uow, target, JobFilter())
            page = await uow.notifications.list(target, filters, unread_only, skip, limit)
            jobs = {j.id: j for j in await uow.jobs.get_many([n.job_id for n in page.items])}
        views = [
            NotificationView(notification=n, job=jobs[n.job_id])
            for n in page.items
            if n.job_id in jobs
        ]
        return Page(items=views, total=page.total)


class ListWebhookDeliveries(UseCase):
    """The caller's webhook deliveries (the requests of their searches' new matches),
    newest first: delivered, waiting for another try, or given up."""

    async def execute(
        self,
        actor: int,
        user_id: int | None,
        pending_only: bool = False,
        skip: int = 0,
        limit: int = 20,
    ) -> Page[WebhookDelivery]:
        target = owner(actor, user_id)
        skip, limit = norm.page(skip, limit)
        async with self._uow(read_only=True) as uow:
            return await uow.webhook_outbox.list(target, pending_only, skip, limit)


class ReadNotification(UseCase):
    """Marking a notification read keeps the first time it was read."""

    async def execute(self, actor: int, notification_id: int) -> Notification:
        async with self._uow() as uow:
            found = await uow.notifications.get(notification_id)
            if found is None:
                raise NotFound("notification", notification_id)
            if found.user_id != actor:
                raise Forbidden("you may only act on your own notifications")
            if found.read_at is None:
                # another call may mark it first: the answer is the time that stands
                at = await uow.notifications.mark_read(notification_id, self._clock.now())
                await uow.commit()
                found = msgspec.structs.replace(found, read_at=at)
        return found


# --------------------------------------------------------------------------- exclusions


class DismissJob(UseCase):
    """A dismissed job is never shown to that person again (lists, rankings,
    notifications); dismissing it again changes and logs nothing. True when new."""

    async def execute(self, actor: int, user_id: int | None, job_id: int) -> bool:
        target = owner(actor, user_id)
        async with self._uow() as uow:
            await load_job(uow, job_id)
            await hold_user(uow, target)
            if len(await uow.dismissed_jobs.job_ids(target)) >= MAX_DISMISSED:
                raise Conflict(
                    f"a person dismisses at most {MAX_DISMISSED} jobs; restore some first"
                )
            dismissed = DismissedJob(user_id=target, job_id=job_id, dismissed_at=self._clock.now())
            if not await uow.dismissed_jobs.add(dismissed):
                return False
            await self._log(uow, target, ActionType.JOB_DISMISSED, job_id)
            await uow.commit()
        return True


class RestoreJob(UseCase):
    """Undo a dismissal; ``NotFound`` if the job was not dismissed."""

    async def execute(self, actor: int, user_id: int | None, job_id: int) -> None:
        target = owner(actor, user_id)
        async with self._uow() as uow:
            if not await uow.dismissed_jobs.remove(target, job_id):
                raise NotFound("dismissed job", job_id)
            await self._log(uow, target, ActionType.JOB_RESTORED, job_id)
            await uow.commit()


def _key(value: str | None) -> str:
    return norm.required_text(value, "key")


class BlockCompany(UseCase):
    """None of a blocked company's jobs is shown to that person (its key as the company
    catalog gives it, in any letter case); blocking it again changes nothing."""

    async def execute(
        self, actor: int, user_id: int | None, key: str
    ) -> tuple[BlockedCompany, bool]:
        target = owner(actor, user_id)
        blocked = BlockedCompany(user_id=target, key=_key(key), blocked_at=self._clock.now())
        async with self._uow() as uow:
            await hold_user(uow, target)
            if ((await uow.blocked_companies.list(target, 0, 1)).total or 0) >= MAX_BLOCKED:
                raise Conflict(f"a person blocks at most {MAX_BLOCKED} companies")
            if not await uow.blocked_companies.add(blocked):
                return blocked, False
            meta = {"company": blocked.key}
            await self._log(uow, target, ActionType.COMPANY_BLOCKED, metadata=meta)
            await uow.commit()
        return blocked, True


class UnblockCompany(UseCase):
    """Unblock a company (its key as blocked, in any letter case); ``NotFound`` if it was
    not blocked."""

    async def execute(self, actor: int, user_id: int | None, key: str | None) -> str:
        target = owner(actor, user_id)
        company = _key(key)
        async with self._uow() as uow:
            if not await uow.blocked_companies.remove(target, company):
                raise NotFound("blocked company", company)
            meta = {"company": company}
            await self._log(uow, target, ActionType.COMPANY_UNBLOCKED, metadata=meta)
            await uow.commit()
        return company


class ListBlockedCompanies(UseCase):
    """The caller's blocked companies, most recently blocked first."""

    async def execute(
        self, actor: int, user_id: int | None, skip: int = 0, limit: int = 20
    ) -> Page[BlockedCompany]:
        target = owner(actor, user_id)
        skip, limit = norm.page(skip, limit)
        async with self._uow(read_only=True) as uow:
            return await uow.blocked_companies.list(target, skip, limit)
