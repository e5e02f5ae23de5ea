"""Scheduled discovery: running the saved searches that are due, within credit budgets.

A run of one search, in order:

1. claim: due searches are moved ``lease`` ahead in one unit of work, so no other
   worker takes them meanwhile (a worker that dies leaves them due again after it);
2. reserve credits: as many as the search may fetch (``per_search``) and both the day's
   global budget and the owner's allow, counted before any is spent; none left: the
   search waits for the next day;
3. fetch and store through :class:`~skael_core.usecases.jobs.FetchJobs`, asking the
   provider only for postings discovered at or after the search's watermark
   (``discovered_until``) and leaving out, as ``job_id_not``, the stored ones
   discovered since (see ``JobRepository.known_postings``), so no stored posting is
   paid for again; nothing is stored if the fetch fails, and a provider failure gives
   the credits back and the search is tried again after a back-off, its error kept on
   the search and logged;
4. settle credits (what the provider says it charged; the rest goes back), then rank
   against the owner's current profile what the fetch answered and the stored postings
   that match the search's filters and were stored since the run before (others'
   fetches, imports: the newest ``stored_window`` of them, by job id above the
   search's ``stored_after``), leave out the dismissed jobs and blocked companies, and
   record each job scoring at least ``min_score`` that the owner was never told of as
   a notification (the store keeps one per person and job); the search is due again a
   day or a week later;
5. when the search has a webhook, the new matches go into the outbox in the unit of
   work that records them, and are sent at once; a delivery that fails is tried again
   by later rounds of any worker (``deliver_due``), after ``webhook_retry_after``
   doubled for each failed try, and given up after ``webhook_tries`` (recorded on the
   delivery and in the owner's activity).

The stored postings a run looks at start at the highest job id the run *before* the
last one saw, not the last one: PostgreSQL hands a job its id when it is written, not
when its transaction commits, so a posting of an import that was still running at the
last run may carry an id below what that run saw. Looking at it twice tells nothing
twice (one notification per person and job).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

import msgspec

from ..errors import ProviderError, SkaelError
from ..matching import profile_features, score_job
from ..model import (
    ActionType,
    Job,
    Notification,
    SavedSearch,
    SearchFilters,
    WebhookDelivery,
    company_key,
)
from ..ports import Clock, UnitOfWork, UnitOfWorkFactory, WebhookSender
from .common import UseCase
from .discovery import excluding
from .jobs import FetchJobs, FetchOutcome, FetchRequest

log = logging.getLogger("skael.searches")

ALL = "all"
"""The scope of the global budget in the credit ledger."""
FIRST_WINDOW_DAYS = 30
"""How old the postings a search's first run asks for may be."""


def person_scope(user_id: int) -> str:
    return f"user:{user_id}"


class CreditBudget(msgspec.Struct, frozen=True, kw_only=True):
    """Provider credits the scheduled searches may spend per UTC day, in all (``daily``)
    and per person (``per_person``), and the most one run may fetch (``per_search``,
    one credit per posting)."""

    daily: int = 1000
    per_person: int = 100
    per_search: int = 25

    def __post_init__(self) -> None:
        if self.daily < 0 or self.per_person < 0 or not 1 <= self.per_search <= 100:
            raise ValueError("budgets are 0 or more; per_search is 1..100")


class SearchTiming(msgspec.Struct, frozen=True, kw_only=True):
    """How long a claim holds a search or a webhook delivery (``lease``: a run that
    takes longer may be run again by another worker), the first wait after a failed
    run (``retry_after``, doubled for each failure in a row, at most the search's own
    interval), the first wait after a failed webhook delivery (``webhook_retry_after``,
    doubled for each failed try) and the tries a delivery gets (``webhook_tries``), and
    the most stored postings one run looks at (``stored_window``, newest first)."""

    lease: timedelta = timedelta(minutes=10)
    retry_after: timedelta = timedelta(minutes=5)
    webhook_retry_after: timedelta = timedelta(minutes=5)
    webhook_tries: int = 6
    stored_window: int = 200

    def __post_init__(self) -> None:
        if self.webhook_tries < 1 or self.stored_window < 0:
            raise ValueError("webhook_tries is 1 or more; stored_window 0 or more")


class SearchRun(msgspec.Struct, frozen=True, kw_only=True):
    """What one run of a search did: ``ran``, ``failed`` (``error`` says why; tried
    again at ``next_run_at``), ``waiting`` (no credits left today) or ``gone`` (the
    search or its owner was deleted meanwhile)."""

    search_id: int
    user_id: int
    status: str
    credits_reserved: int = 0
    credits_used: int = 0
    fetched: int = 0
    notified: tuple[Notification, ...] = ()
    error: str | None = None
    next_run_at: datetime | None = None
    webhook: str | None = None
    """``delivered``, what went wrong delivering, or None when nothing was sent."""


class WebhookAttempt(msgspec.Struct, frozen=True, kw_only=True):
    """One try of a delivery from the outbox: ``error`` None when it was delivered."""

    delivery_id: int
    error: str | None = None


class CreditStatus(msgspec.Struct, frozen=True, kw_only=True):
    day: date
    spent: int
    daily_budget: int
    per_person_budget: int


class RunDueSearches(UseCase):
    """Run the saved searches due now (at most ``limit``), one after the other."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        fetch: FetchJobs,
        budget: CreditBudget,
        timing: SearchTiming | None = None,
        webhooks: WebhookSender | None = None,
    ) -> None:
        super().__init__(uow, clock)
        self._fetch = fetch
        self._webhooks = webhooks
        self._budget = budget
        self._timing = timing or SearchTiming()
        self._lease = self._timing.lease
        self._retry_after = self._timing.retry_after

    async def execute(self, limit: int = 100) -> list[SearchRun]:
        return [await self._run(search) for search in await self.claim(limit)]

    async def claim(self, limit: int) -> list[SavedSearch]:
        """Claim up to ``limit`` due searches for this worker (each ``next_run_at`` moved
        to the end of the lease): a queue hands them out, ``run_claimed`` runs one."""
        now = self._clock.now()
        async with self._uow() as uow:
            claimed = await uow.saved_searches.claim_due(now, now + self._lease, limit)
            await uow.commit()
        return claimed

    async def run_claimed(self, search_id: int, claimed_until: datetime) -> SearchRun | None:
        """Run a search claimed until ``claimed_until``; None when that claim is stale
        (the search is gone, was changed, or its lease ran out and it was claimed anew)."""
        async with self._uow(read_only=True) as uow:
            search = await uow.saved_searches.get(search_id)
        if search is None or search.next_run_at != claimed_until:
            return None
        return await self._run(search)

    async def _run(self, search: SavedSearch) -> SearchRun:
        day = self._clock.today()
        granted = await self._reserve(search, day)
        if granted == 0:
            return await self._wait_for_credits(search)
        try:
            outcome = await self._fetch.execute(
                search.user_id, None, fetch_request(search, granted, self._clock.now())
            )
        except SkaelError as error:
            await self._settle(search.user_id, day, granted, 0)
            return await self._failed(search, error, granted)
        used = outcome.credits_used or 0
        await self._settle(search.user_id, day, granted, used)
        run, delivery = await self._notify(search, outcome, granted, used)
        if delivery is None:
            return run
        failure = await self._attempt(delivery)
        return msgspec.structs.replace(run, webhook=failure or "delivered")

    async def _reserve(self, search: SavedSearch, day: date) -> int:
        """Credits reserved for one fetch of ``search``: 0 when a budget is spent."""
        b, scope = self._budget, person_scope(search.user_id)
        async with self._uow() as uow:
            if await uow.users.get(search.user_id) is None:
                return 0
            left = min(
                b.daily - await uow.credits.spent(day, ALL),
                b.per_person - await uow.credits.spent(day, scope),
            )
            amount = min(b.per_search, left)
            if amount <= 0:
                return 0
            if not await uow.credits.reserve(day, ALL, amount, b.daily):
                return 0
            if not await uow.credits.reserve(day, scope, amount, b.per_person):
                return 0  # leaving without commit gives the first reservation back
            await uow.commit()
        return amount

    async def _settle(self, user_id: int, day: date, reserved: int, used: int) -> None:
        """Keep what was spent of a reservation, give the rest back; a charge above the
        reservation (a source that does not honour the limit) is counted as it is."""
        if used == reserved:
            return
        async with self._uow() as uow:
            for scope in (ALL, person_scope(user_id)):
                if used < reserved:
                    await uow.credits.release(day, scope, reserved - used)
                else:
                    await uow.credits.reserve(day, scope, used - reserved, 2**31 - 1)
            await uow.commit()

    async def _wait_for_credits(self, search: SavedSearch) -> SearchRun:
        tomorrow = datetime.combine(
            self._clock.today() + timedelta(days=1), time(), tzinfo=self._clock.now().tzinfo
        )
        async with self._uow() as uow:
            fresh = await self._still_claimed(uow, search)
            if fresh is None:
                return SearchRun(search_id=search.id, user_id=search.user_id, status="gone")
            await uow.saved_searches.update(msgspec.structs.replace(fresh, next_run_at=tomorrow))
            await uow.commit()
        log.info("search %d waits for credits until %s", search.id, tomorrow)
        return SearchRun(
            search_id=search.id, user_id=search.user_id, status="waiting", next_run_at=tomorrow
        )

    async def _failed(self, search: SavedSearch, error: SkaelError, granted: int) -> SearchRun:
        async with self._uow() as uow:
            fresh = await self._still_claimed(uow, search)
            if fresh is None:
                return SearchRun(search_id=search.id, user_id=search.user_id, status="gone")
            failures = fresh.failures + 1
            wait = min(
                self._retry_after * 2 ** (failures - 1), timedelta(days=fresh.frequency.days)
            )
            changed = msgspec.structs.replace(
                fresh,
                failures=failures,
                last_error=error.detail,
                next_run_at=self._next(fresh, search, self._clock.now() + wait),
            )
            await uow.saved_searches.update(changed)
            meta = {"search_id": search.id, "error": error.detail, "failures": failures}
            if isinstance(error, ProviderError):
                meta["provider"] = error.provider
            await self._log(uow, search.user_id, ActionType.SEARCH_FAILED, metadata=meta)
            await uow.commit()
        log.warning("search %d failed (%d in a row): %s", search.id, failures, error.detail)
        return SearchRun(
            search_id=search.id,
            user_id=search.user_id,
            status="failed",
            credits_reserved=granted,
            error=error.detail,
            next_run_at=changed.next_run_at,
        )

    async def _notify(
        self, search: SavedSearch, outcome: FetchOutcome, granted: int, used: int
    ) -> tuple[SearchRun, WebhookDelivery | None]:
        now, today = self._clock.now(), self._clock.today()
        async with self._uow() as uow:
            fresh = await self._still_claimed(uow, search)
            user = await uow.users.get(search.user_id)
            if fresh is None or user is None:
                gone = SearchRun(search_id=search.id, user_id=search.user_id, status="gone")
                return gone, None
            f = fresh.filters
            profile = msgspec.structs.replace(
                user.profile,
                desired_job_role=f.job_title or user.profile.desired_job_role,
                experience=f.experience if f.experience is not None else user.profile.experience,
            )
            person = profile_features(profile)
            exclusions = await excluding(uow, search.user_id, f.job_filter())
            upto = await uow.jobs.latest_id()
            wanted = msgspec.structs.replace(
                exclusions, job_title=f.job_title, experience=f.experience
            )
            stored = await uow.jobs.stored_between(
                wanted, fresh.stored_after, upto, self._timing.stored_window
            )
            fetched = {job.id for job in outcome.jobs}
            jobs = [*outcome.jobs, *(job for job in stored if job.id not in fetched)]
            matches = [
                Notification(
                    user_id=search.user_id,
                    job_id=job.id,
                    search_id=search.id,
                    score=match.score,
                    company=company_key(job.company) or None,
                    created_at=now,
                )
                for job in kept(jobs, f, exclusions.exclude_ids, exclusions.exclude_companies)
                if (match := score_job(person, job, today)).score >= fresh.min_score
            ]
            notified = await uow.notifications.add_many(matches)
            newest = outcome.newest_discovered
            if fresh.discovered_until is not None and (
                newest is None or newest < fresh.discovered_until
            ):
                newest = fresh.discovered_until
            changed = msgspec.structs.replace(
                fresh,
                last_run_at=now,
                failures=0,
                last_error=None,
                next_run_at=self._next(fresh, search, now + timedelta(days=fresh.frequency.days)),
                discovered_until=newest,
                stored_after=fresh.stored_seen,
                stored_seen=max(upto, fresh.stored_seen),
            )
            await uow.saved_searches.update(changed)
            delivery = None
            if notified and fresh.webhook_url and fresh.webhook_secret:
                body = webhook_body(fresh, notified, jobs).decode()
                delivery = await uow.webhook_outbox.add(
                    WebhookDelivery(
                        user_id=fresh.user_id,
                        search_id=fresh.id,
                        body=body,
                        created_at=now,
                        next_attempt_at=now + self._lease,  # this run holds it
                    )
                )
            meta = {
                "search_id": search.id,
                "fetched": outcome.fetched,
                "stored_considered": len(stored),
                "new_matches": len(notified),
                "credits_used": used,
            }
            await self._log(uow, search.user_id, ActionType.SEARCH_RAN, metadata=meta)
            await uow.commit()
        run = SearchRun(
            search_id=search.id,
            user_id=search.user_id,
            status="ran",
            credits_reserved=granted,
            credits_used=used,
            fetched=outcome.fetched,
            notified=tuple(notified),
            next_run_at=changed.next_run_at,
        )
        return run, delivery

    async def deliver_due(self, limit: int = 100) -> list[WebhookAttempt]:
        """Try again the webhook deliveries that are due (at most ``limit``): those that
        failed before, and those a worker that stopped had claimed."""
        now = self._clock.now()
        async with self._uow() as uow:
            claimed = await uow.webhook_outbox.claim_due(now, now + self._lease, limit)
            await uow.commit()
        attempts = []
        for delivery in claimed:
            error = await self._attempt(delivery)
            attempts.append(WebhookAttempt(delivery_id=delivery.id, error=error))
        return attempts

    async def _attempt(self, delivery: WebhookDelivery) -> str | None:
        """Send one claimed delivery and record what came of it; None once delivered,
        else what went wrong (it is tried again later, or given up after the last try)."""
        async with self._uow(read_only=True) as uow:
            search = (
                None
                if delivery.search_id is None
                else await uow.saved_searches.get(delivery.search_id)
            )
        error: str | None
        if self._webhooks is None:
            error = "no webhook sender is configured"
        elif search is None or not search.webhook_url or not search.webhook_secret:
            error = "the search or its webhook was removed"
        else:
            body = delivery.body.encode()
            error = await self._webhooks.send(search.webhook_url, search.webhook_secret, body)
        now = self._clock.now()
        tries = delivery.attempts + 1
        final = error is not None and (search is None or tries >= self._timing.webhook_tries)
        async with self._uow() as uow:
            current = await uow.webhook_outbox.get(delivery.id)
            if current is None or current.next_attempt_at != delivery.next_attempt_at:
                return error  # gone, or claimed anew after this claim ran out
            if error is None:
                changed = msgspec.structs.replace(
                    current, attempts=tries, last_error=None, delivered_at=now
                )
            elif final:
                changed = msgspec.structs.replace(
                    current, attempts=tries, last_error=error, gave_up_at=now
                )
                meta = {
                    "delivery_id": delivery.id,
                    "search_id": delivery.search_id,
                    "attempts": tries,
                    "error": error,
                }
                await self._log(uow, delivery.user_id, ActionType.WEBHOOK_ABANDONED, metadata=meta)
            else:
                wait = self._timing.webhook_retry_after * 2 ** (tries - 1)
                changed = msgspec.structs.replace(
                    current, attempts=tries, last_error=error, next_attempt_at=now + wait
                )
            await uow.webhook_outbox.update(changed)
            await uow.commit()
        if error is not None:
            log.warning(
                "webhook delivery %d (search %s) failed, try %d: %s%s",
                delivery.id,
                delivery.search_id,
                tries,
                error,
                "; given up" if final else "",
            )
        return error

    @staticmethod
    async def _still_claimed(uow: UnitOfWork, search: SavedSearch) -> SavedSearch | None:
        return await uow.saved_searches.get(search.id)

    @staticmethod
    def _next(fresh: SavedSearch, claimed: SavedSearch, planned: datetime) -> datetime:
        """``planned``, unless the search was changed during the run (then it is due
        when the change made it due)."""
        return planned if fresh.next_run_at == claimed.next_run_at else fresh.next_run_at


def fetch_request(search: SavedSearch, limit: int, now: datetime) -> FetchRequest:
    """The fetch of one run: the search's filters, the owner's profile for the rest,
    postings no older than the time since the last run (a day at least)."""
    f = search.filters
    if search.last_run_at is None:
        window = FIRST_WINDOW_DAYS
    else:
        window = min(FIRST_WINDOW_DAYS, max(1, (now - search.last_run_at).days + 1))
    return FetchRequest(
        discovered_at_gte=search.discovered_until,
        job_titles=f.job_title,
        skills=list(f.technology) or None,
        experience=f.experience,
        locations=list(f.location) or None,
        countries=f.country_code,
        remote=f.remote,
        limit=limit,
        posted_at_max_age_days=window,
    )


def kept(
    jobs: Sequence[Job], f: SearchFilters, excluded_ids: Sequence[int], excluded: Sequence[str]
) -> list[Job]:
    """The jobs a run may tell of: not dismissed, not of a blocked company, and within
    the filters the provider's search does not apply itself (country, remote, salary)."""
    ids, companies = set(excluded_ids), set(excluded)
    found = []
    for job in jobs:
        if job.id in ids or company_key(job.company) in companies:
            continue
        if f.country_code and job.country_code != f.country_code:
            continue
        if f.remote is not None and bool(job.remote) != f.remote:
            continue
        if f.min_salary is not None:
            offered = job.max_salary if job.max_salary is not None else job.min_salary
            if offered is None or offered < f.min_salary:
                continue
        found.append(job)
    return found


class WebhookMatch(msgspec.Struct, frozen=True, kw_only=True):
    notification_id: int
    job_id: int
    score: int
    job_title: str
    company: str | None
    url: str | None


class WebhookBody(msgspec.Struct, frozen=True, kw_only=True):
    """What a search's webhook receives: the search, its owner and the new matches."""

    event: str = "new_matches"
    search_id: int
    user_id: int
    matches: list[WebhookMatch]


def webhook_body(
    search: SavedSearch, notified: Sequence[Notification], jobs: Sequence[Job]
) -> bytes:
    by_id = {job.id: job for job in jobs}
    matches = [
        WebhookMatch(
            notification_id=n.id,
            job_id=n.job_id,
            score=n.score,
            job_title=by_id[n.job_id].job_title,
            company=by_id[n.job_id].company,
            url=by_id[n.job_id].apply_url,
        )
        for n in notified
        if n.job_id in by_id
    ]
    body = WebhookBody(search_id=search.id, user_id=search.user_id, matches=matches)
    return msgspec.json.encode(body)


class ReportCredits(UseCase):
    """What the scheduled searches spent today of the global budget."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, budget: CreditBudget) -> None:
        super().__init__(uow, clock)
        self._budget = budget

    async def execute(self) -> CreditStatus:
        day = self._clock.today()
        async with self._uow(read_only=True) as uow:
            spent = await uow.credits.spent(day, ALL)
        return CreditStatus(
            day=day,
            spent=spent,
            daily_budget=self._budget.daily,
            per_person_budget=self._budget.per_person,
        )
