"""The ``skael`` command: serve the API, manage the schema, fetch and import jobs.

Every command builds from the same container as the web app and honours
``SKAEL_DATABASE_URL``. Failures end with a one-line message and a non-zero exit code.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import socket
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from skael_core.errors import SkaelError
from skael_core.model import FeedRecord, IngestReport
from skael_core.ports import PostingFeed

from .container import Container, build_container, prepare_database, shutdown
from .settings import Settings, SettingsError

if TYPE_CHECKING:
    from skael_adapters.parallel_import import ImportPool

T = TypeVar("T")


def _run(work: Callable[[Container], Awaitable[T]], container: Container | None = None) -> T:
    """Run ``work`` with a started container (the command group turns the core's errors
    into one-line exits)."""

    async def main() -> T:
        c = container or build_container()
        try:
            return await work(c)
        finally:
            await shutdown(c)

    return asyncio.run(main())


class _Skael(click.Group):
    """The command group: a setting it cannot use, an error the core raised on purpose
    (a database it cannot reach, say) and a migration that cannot be made end as one
    line, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SettingsError as error:
            raise click.ClickException(str(error)) from None
        except SkaelError as error:
            raise click.ClickException(error.detail) from None
        except Exception as error:
            from skael_adapters.sql import MigrationError

            if isinstance(error, MigrationError):
                raise click.ClickException(str(error)) from None
            raise


@click.group(cls=_Skael)
@click.version_option(package_name="skael")
@click.option("-v", "--verbose", is_flag=True, help="Log retries and progress details.")
def main(verbose: bool) -> None:
    """Skael: a backend for job seekers."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not verbose:
        logging.getLogger("stamina").setLevel(logging.ERROR)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
@click.option("--reload", is_flag=True, help="Restart on code changes (development).")
def serve(host: str, port: int, workers: int, reload: bool) -> None:
    """Start the HTTP API (the embedded SQLite default needs no set-up)."""
    import uvicorn

    settings = Settings.from_env()
    _check_can_listen(host, port)
    container = build_container(settings)
    try:
        container.tokens()  # the signing secret, read (or made) from the data folder
    except (OSError, ValueError) as error:
        raise SettingsError(f"the token signing secret cannot be used: {error}") from None
    # the database answers and its schema is current before the server starts (SQLite
    # is created or migrated here), so a bad URL or a server that is down is one line
    asyncio.run(prepare_database(container))
    uvicorn.run(
        "skael_web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers if not reload else None,
        reload=reload,
        log_level="info",
    )


def _check_can_listen(host: str, port: int) -> None:
    """``ClickException`` when ``host:port`` cannot be listened on (in use, say), so
    that failure is one line too, before anything starts."""
    if not 0 < port < 65536:
        raise click.BadParameter(f"{port} is not a port (1-65535)", param_hint="'--port'")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as error:
        reason = error.strerror or str(error)
        raise click.ClickException(f"cannot listen on {host}:{port}: {reason}") from None


# --------------------------------------------------------------------------- worker


@main.command()
@click.option("--once", is_flag=True, help="Run the searches due now, then exit (for cron).")
def worker(once: bool) -> None:
    """Run saved searches when they are due: fetch, store, rank, notify.

    Without --once it runs until stopped: with SKAEL_REDIS_URL, as a worker of a Redis
    job queue (SAQ) that every worker shares; without, looking for due searches every
    SKAEL_WORKER_INTERVAL seconds. Several workers may run on one database: each due
    search runs once.
    """
    from .worker import describe, run_due, run_forever, summary

    def report(run: Any) -> None:
        click.echo(describe(run), err=run.status == "failed")

    async def work(c: Container) -> None:
        await prepare_database(c)
        settings = c.settings()
        if once:
            click.echo(summary(await run_due(c.core(), settings.worker_batch, report)))
        elif settings.redis_url:  # several workers share the runs through a Redis queue
            from .search_queue import search_worker

            await search_worker(
                c.core(),
                settings.redis_url,
                name=f"{settings.redis_namespace}-searches",
                batch=settings.worker_batch,
                lease_seconds=settings.search_lease,
            ).start()
        else:
            await run_forever(c.core(), settings.worker_batch, settings.worker_interval)

    try:
        _run(work)
    except KeyboardInterrupt:
        click.echo("worker stopped", err=True)


# --------------------------------------------------------------------------- db


@main.group()
def db() -> None:
    """The database schema (Alembic migrations shipped with Skael)."""


def _database_url() -> str:
    return Settings.from_env().database_url


@db.command()
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Migrate the schema up to REVISION (default: head)."""
    from skael_adapters.sql import migrate

    asyncio.run(migrate.upgrade(_database_url(), revision))
    click.echo(f"schema at {asyncio.run(migrate.current(_database_url()))}")


@db.command()
@click.argument("revision")
def downgrade(revision: str) -> None:
    """Migrate the schema down to REVISION (``base`` removes every table)."""
    from skael_adapters.sql import migrate

    asyncio.run(migrate.downgrade(_database_url(), revision))
    click.echo(f"schema at {asyncio.run(migrate.current(_database_url())) or 'base'}")


@db.command()
def current() -> None:
    """Print the schema's current revision."""
    from skael_adapters.sql import migrate

    click.echo(asyncio.run(migrate.current(_database_url())) or "base")


# --------------------------------------------------------------------------- jobs


@main.group()
def jobs() -> None:
    """Job postings: fetch from the configured source, import provider exports."""


@jobs.command()
@click.option("--title", "titles", multiple=True, help="A job title to search (repeatable).")
@click.option("--skill", "skills", multiple=True, help="A skill or technology (repeatable).")
@click.option("--country", "countries", multiple=True, help="A country code or name.")
@click.option("--remote/--no-remote", default=None, help="Only remote (or only on-site) jobs.")
@click.option("--limit", default=25, show_default=True, type=click.IntRange(1, 500))
@click.option("--max-age-days", default=30, show_default=True, type=click.IntRange(1, 3650))
def fetch(
    titles: tuple[str, ...],
    skills: tuple[str, ...],
    countries: tuple[str, ...],
    remote: bool | None,
    limit: int,
    max_age_days: int,
) -> None:
    """Fetch postings through the configured source and store them."""
    from skael_core.model import FetchQuery
    from skael_core.normalize import country_codes
    from skael_core.usecases.jobs import plural

    async def work(c: Container) -> None:
        await prepare_database(c)
        core = c.core()
        query = FetchQuery(
            job_titles=titles,
            skills=skills,
            countries=country_codes(list(countries), c.countries()),
            remote=remote,
            limit=limit,
            posted_at_max_age_days=max_age_days,
        )
        outcome = await core.collect_jobs.execute(query)
        note = f", {outcome.truncated} withheld by the provider" if outcome.truncated else ""
        if outcome.credits_used:
            note += f"; {plural(outcome.credits_used, 'API credit')} used"
        click.echo(
            f"fetched {plural(outcome.fetched, 'posting')} from {outcome.source}: "
            f"{outcome.new} new, {outcome.already_stored} already stored{note}"
        )

    _run(work)


@jobs.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Abort on the first bad record; write nothing.")
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=None,
    help="Processes that decode and prepare postings while this one stores them "
    "(default: one per available CPU; 0: none). Used only when more than one CPU is "
    "available and the files hold a few MB or more.",
)
def import_(paths: Sequence[Path], strict: bool, workers: int | None) -> None:
    """Import provider exports: a search response, a JSON list or JSON Lines (gzip too).

    Everything is stored in one transaction: an import that fails or is interrupted
    stores nothing. Bad records are skipped and counted (with --strict, the first one
    aborts the import). Large files are decoded and prepared by worker processes
    (--workers) while this process stores the postings.
    """
    from skael_adapters import parallel_import as parallel
    from skael_adapters.importer import ExportFeed, ImportFileError
    from skael_core.model import BadRecordPolicy

    settings = Settings.from_env()
    wanted = parallel.default_workers() if workers is None else workers
    pool = _import_pool(paths, wanted, settings.import_block_bytes)
    chunk = settings.import_batch_size
    feed: PostingFeed = (
        ExportFeed(paths, chunk_size=chunk)
        if pool is None
        else parallel.ParallelExportFeed(pool, paths, chunk_size=chunk)
    )
    policy = BadRecordPolicy.STRICT if strict else BadRecordPolicy.SKIP

    async def work(c: Container) -> IngestReport:
        await prepare_database(c)
        with _few_collections():
            return await c.core().ingest_postings.execute(_progress(feed), policy)

    with pool if pool is not None else nullcontext():
        try:
            report = _run(work, build_container(settings))
        except (ImportFileError, parallel.ImportWorkerError) as error:
            raise click.ClickException(str(error)) from None
    for skipped in report.skipped[:20]:
        click.echo(f"skipped {skipped.where}: {skipped.error}", err=True)
    merged = f", {report.merged} merged into stored jobs" if report.merged else ""
    click.echo(
        f"imported {report.read} postings: {report.new} new, {report.updated} updated"
        f"{merged}, {report.bad} bad records skipped"
    )


def _import_pool(paths: Sequence[Path], workers: int, block_bytes: int) -> ImportPool | None:
    """Worker processes for the import when they pay (see ``parallel_import.pays_off``),
    started now so that they start up while the database is prepared; None for an
    import in this process alone, also when they cannot be started."""
    from skael_adapters import parallel_import as parallel

    if not parallel.pays_off(paths, workers):
        return None
    try:
        return parallel.ImportPool(workers, block_bytes=block_bytes)
    except OSError as error:
        logging.getLogger(__name__).warning("importing in one process: %s", error)
        return None


IMPORT_GC_THRESHOLD = 50_000
"""Container allocations between two young garbage collections while importing."""


@contextmanager
def _few_collections() -> Iterator[None]:
    """Fewer garbage collections for the block: the objects made so far (modules, the
    container) are left out of every collection, and young ones are collected every
    ``IMPORT_GC_THRESHOLD`` allocations instead of the default 700. An import makes
    millions of short-lived containers (postings, rows) and next to no reference
    cycles; with the defaults, collecting took about 12% of its time."""
    thresholds, frozen = gc.get_threshold(), gc.get_freeze_count()
    gc.freeze()
    gc.set_threshold(IMPORT_GC_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if not frozen:  # a freeze made before is someone else's
            gc.unfreeze()


class _Progress(PostingFeed):
    """A feed shown as it is read, on a terminal."""

    def __init__(self, feed: PostingFeed) -> None:
        self.name = feed.name
        self._feed = feed

    async def chunks(self) -> AsyncIterator[Sequence[FeedRecord]]:
        from rich.progress import Progress, SpinnerColumn, TextColumn

        with Progress(
            SpinnerColumn(), TextColumn("{task.description} {task.completed} records")
        ) as bar:
            task = bar.add_task(f"importing {self.name}", total=None)
            done = 0
            async for chunk in self._feed.chunks():
                done += len(chunk)
                bar.update(task, completed=done)
                yield chunk


def _progress(feed: PostingFeed) -> PostingFeed:
    """``feed`` with a progress display on a terminal; unchanged otherwise."""
    return _Progress(feed) if sys.stderr.isatty() else feed


if __name__ == "__main__":  # pragma: no cover
    main()
