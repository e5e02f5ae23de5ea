"""The composition root: the one place that chooses adapters, from :class:`Settings`.

The web app and the CLI both build from :func:`build_container`. Construction is
synchronous; async resources (database engine, HTTP client, Redis) are started and
released by ``startup()`` and ``shutdown()``, which the Litestar lifespan and the CLI call.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any, Protocol

import httpx
from dependency_injector import containers, providers
from litestar.stores.base import Store

from skael_adapters.caches import MemoryRankingCache, MemoryScoredPageCache
from skael_adapters.memory import MemoryDatabase
from skael_adapters.ranking_index import NumpyRankingIndex
from skael_adapters.sample import SampleJobSource
from skael_adapters.security import Argon2PasswordHasher, HmacTokenService
from skael_adapters.stores import (
    FallbackStore,
    LocalStore,
    StoreLoginThrottle,
    StoreRevokedTokens,
    redis_with_fallback,
)
from skael_adapters.system import PycountryCatalog, SystemClock
from skael_adapters.webhooks import HttpWebhookSender
from skael_core.ports import (
    Clock,
    DocumentReader,
    DocumentRenderer,
    DocumentWriter,
    IdentityTokenVerifier,
    JobSource,
    UnitOfWork,
)
from skael_core.service import Ports, Skael
from skael_core.usecases.scheduling import CreditBudget, SearchTiming
from skael_core.usecases.throttling import BackOff, ThrottlePolicy

from .settings import Settings
from .wire import JobJson

log = logging.getLogger("skael")


class Database(Protocol):
    """What the composition root needs of a store of record."""

    def unit_of_work(self) -> UnitOfWork: ...

    async def ping(self) -> bool: ...

    async def dispose(self) -> None: ...


def _database(settings: Settings) -> Any:
    if settings.database_url.startswith("memory"):
        return MemoryDatabase()
    from skael_adapters.sql import SqlDatabase

    return SqlDatabase.from_url(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        ping_after=settings.db_ping_after,
        batch_size=settings.import_batch_size,
        plan_cache_size=settings.prepared_plans_size,
        decoded_jobs_size=settings.decoded_jobs_size,
        decoded_candidates_size=settings.decoded_candidates_size,
    )


def _store(settings: Settings) -> Store:
    if settings.redis_url:
        return redis_with_fallback(settings.redis_url, namespace=settings.redis_namespace)
    return LocalStore()


def _rankings(settings: Settings) -> MemoryRankingCache | None:
    """The ranking cache, or none when ``SKAEL_RANKING_CACHE_TTL`` is 0 (every request
    ranks anew, and reads nothing to key a cache with)."""
    if settings.ranking_cache_ttl == 0:
        return None
    return MemoryRankingCache(size=settings.ranking_cache_size, ttl=settings.ranking_cache_ttl)


def _scored_pages(settings: Settings) -> MemoryScoredPageCache | None:
    size = settings.scored_page_cache_size
    return MemoryScoredPageCache(size) if size else None


def _throttling(settings: Settings) -> ThrottlePolicy:
    """The back-offs of ``docs/api.md`` with the numbers of ``settings``: each waits
    from 5 s up to ``login_window`` and is forgotten after four times that."""

    def backoff(limit: int) -> BackOff:
        longest = max(5, settings.login_window)
        return BackOff(limit=limit, longest=longest, forget_after=4 * longest)

    return ThrottlePolicy(
        account_and_address=backoff(settings.login_limit),
        address=backoff(settings.login_address_limit),
        password_check=backoff(settings.login_limit),
        registration=backoff(settings.register_limit),
    )


def _http_client(settings: Settings) -> httpx.AsyncClient:
    timeout = httpx.Timeout(
        settings.theirstack_read_timeout, connect=settings.theirstack_connect_timeout
    )
    return httpx.AsyncClient(timeout=timeout, headers={"User-Agent": "skael/0.1"})


def _job_source(
    settings: Settings, client: httpx.AsyncClient, sample: SampleJobSource
) -> JobSource:
    if settings.theirstack_api_key:
        from skael_adapters.theirstack import TheirstackJobSource

        return TheirstackJobSource(
            api_key=settings.theirstack_api_key,
            base_url=settings.theirstack_url,
            client=client,
            deadline=settings.theirstack_deadline,
        )
    return sample


def _writer(settings: Settings, client: httpx.AsyncClient) -> DocumentWriter:
    from skael_adapters.writers import LlmDocumentWriter, TemplateDocumentWriter

    if settings.llm_url and settings.llm_model:
        return LlmDocumentWriter(
            base_url=settings.llm_url,
            model=settings.llm_model,
            api_key=settings.llm_api_key,
            timeout=settings.llm_timeout,
            client=client,
        )
    return TemplateDocumentWriter()


def _reader() -> DocumentReader:
    from skael_adapters.files import PdfDocxReader

    return PdfDocxReader()


def _renderer() -> DocumentRenderer:
    from skael_adapters.files import PdfDocxRenderer

    return PdfDocxRenderer()


def _identity_verifier(
    settings: Settings, client: httpx.AsyncClient, clock: Clock
) -> IdentityTokenVerifier | None:
    """The identity provider's token verifier, owning its key cache; None when off."""
    oidc = settings.oidc()
    if oidc is None:
        return None
    from skael_adapters.oidc import JwksKeys, OidcTokenVerifier

    keys = JwksKeys(oidc.jwks_url, client, clock, refresh_interval=settings.oidc_refresh_interval)
    return OidcTokenVerifier(
        issuer=oidc.issuer,
        audience=oidc.audience,
        keys=keys,
        clock=clock,
        algorithms=settings.oidc_algorithms,
        leeway=settings.oidc_clock_skew,
        verified_size=settings.verified_tokens_size,
    )


def _ranking_index(settings: Settings, database: Any) -> NumpyRankingIndex | None:
    if not settings.ranking_index:
        return None
    return NumpyRankingIndex(
        database.unit_of_work,
        max_jobs=settings.ranking_index_max_jobs,
        max_changed=settings.ranking_index_max_changed,
    )


def _budget(settings: Settings) -> CreditBudget:
    return CreditBudget(
        daily=settings.credit_budget_daily,
        per_person=settings.credit_budget_per_person,
        per_search=settings.search_fetch_limit,
    )


def _timing(settings: Settings) -> SearchTiming:
    return SearchTiming(
        lease=timedelta(seconds=settings.search_lease),
        retry_after=timedelta(seconds=settings.search_retry_after),
        webhook_retry_after=timedelta(seconds=settings.webhook_retry_after),
        webhook_tries=settings.webhook_tries,
        stored_window=settings.search_stored_window,
    )


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    clock = providers.Singleton(SystemClock)
    countries = providers.Singleton(PycountryCatalog)
    database = providers.Singleton(_database, settings)
    store = providers.Singleton(_store, settings)
    http_client = providers.Singleton(_http_client, settings)
    sample_source = providers.Singleton(SampleJobSource)
    job_source = providers.Singleton(_job_source, settings, http_client, sample_source)
    writer = providers.Singleton(_writer, settings, http_client)
    reader = providers.Singleton(_reader)
    renderer = providers.Singleton(_renderer)
    hasher = providers.Singleton(Argon2PasswordHasher)
    tokens = providers.Singleton(
        HmacTokenService,
        secret=providers.Callable(lambda s: s.signing_secret(), settings),
        clock=clock,
        lifetime_seconds=providers.Callable(lambda s: s.token_lifetime, settings),
        verified_size=providers.Callable(lambda s: s.verified_tokens_size, settings),
    )
    revoked = providers.Singleton(
        StoreRevokedTokens,
        store,
        clock,
        token_lifetime=providers.Callable(lambda s: s.token_lifetime, settings),
    )
    throttle = providers.Singleton(StoreLoginThrottle, store)
    throttling = providers.Singleton(_throttling, settings)
    rankings = providers.Singleton(_rankings, settings)
    ranking_index = providers.Singleton(_ranking_index, settings, database)
    scored_pages = providers.Singleton(_scored_pages, settings)
    job_json = providers.Singleton(
        JobJson,
        size=providers.Callable(lambda s: s.job_json_cache_size, settings),
        pages=providers.Callable(lambda s: s.scored_page_cache_size, settings),
    )
    identities = providers.Singleton(_identity_verifier, settings, http_client, clock)
    webhooks = providers.Singleton(
        HttpWebhookSender,
        http_client,
        clock,
        attempts=providers.Callable(lambda s: s.webhook_attempts, settings),
        deadline=providers.Callable(lambda s: s.webhook_deadline, settings),
        allow_private=providers.Callable(lambda s: s.webhook_allow_private, settings),
    )
    ports = providers.Singleton(
        Ports,
        uow=database.provided.unit_of_work,
        clock=clock,
        hasher=hasher,
        tokens=tokens,
        revoked=revoked,
        throttle=throttle,
        source=job_source,
        writer=writer,
        countries=countries,
        rankings=rankings,
        ranking_index=ranking_index,
        scored_pages=scored_pages,
        identities=identities,
        webhooks=webhooks,
        reader=reader,
        renderer=renderer,
    )
    core = providers.Singleton(
        Skael,
        ports,
        max_candidates=providers.Callable(lambda s: s.max_candidates, settings),
        auto_register_identities=providers.Callable(lambda s: s.oidc_auto_register, settings),
        throttling=throttling,
        budget=providers.Callable(_budget, settings),
        timing=providers.Callable(_timing, settings),
        memo_size=providers.Callable(lambda s: s.caller_memo_size, settings),
    )


def build_container(settings: Settings | None = None) -> Container:
    """A container for ``settings`` (the environment's by default)."""
    return Container(settings=settings or Settings.from_env())


async def prepare_database(container: Container) -> None:
    """Create or check the schema: the embedded default migrates itself on first start;
    a server database that is behind stops the start with a one-line message."""
    settings = container.settings()
    if settings.database_url.startswith("memory"):
        return
    from skael_adapters.sql import migrate

    if settings.is_sqlite:
        await migrate.ensure_schema(settings.database_url)
    elif not await migrate.is_current(settings.database_url):
        raise SystemExit(
            "skael: the database schema is behind this version; run `skael db upgrade`"
        )


async def seed_sample_jobs(container: Container) -> int:
    """Fill an empty store from the bundled sample source; the number of jobs added."""
    settings = container.settings()
    if not settings.seed_sample or settings.theirstack_api_key:
        return 0
    core = container.core()
    async with core.ports.uow() as uow:
        if await uow.jobs.count() > 0:
            return 0
    report = await core.ingest_postings.execute(container.sample_source().feed())
    log.info("seeded %d sample jobs", report.new)
    return report.new


async def startup(container: Container) -> None:
    await prepare_database(container)
    await seed_sample_jobs(container)
    index = container.ranking_index()
    if index is not None:
        index.start()  # relevant_jobs takes the candidates path until it is loaded


async def shutdown(container: Container) -> None:
    index = container.ranking_index()
    if index is not None:
        await index.stop()
    await container.http_client().aclose()
    await container.database().dispose()
    store = container.store()
    if isinstance(store, FallbackStore):
        await store.aclose()
