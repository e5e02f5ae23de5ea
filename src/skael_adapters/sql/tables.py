"""The relational schema: SQLAlchemy Core tables, identical on SQLite and PostgreSQL.

Jobs keep in columns what the list filters and orders need, plus a few derived columns
so that every filter means exactly what the in-memory adapter means: lower-cased copies
(``*_lc``, lowered by Python, since SQL ``lower()`` only folds ASCII on SQLite; the
description's only where that makes a difference, see ``mapping.search_copy``),
``is_remote`` (``bool(remote)``) and ``offered_salary`` (the maximum, else the
minimum). What ranking reads of a job (a few columns and fields, and the matching
features) is one short JSON document (``rank_data``), so that ranking reads and decodes
one column per job; everything else is another (``data``). A whole job is read from the
columns, ``data`` and the features in ``rank_data``: nothing is stored twice but the
few columns ranking needs. ``job_technologies``
holds one row per (job, slug) for the technology filter and catalog, repeating the
job's date and facet columns so that a technology list is read in order from its index.

Every "recent first" index carries the facet columns (``FACETS``): counting a page's
total then reads index entries only, never the (large) job rows.

Ids never come back after a delete (``AUTOINCREMENT`` on SQLite, sequences on
PostgreSQL): a deleted user's id must not name a new user. Text that catalogs sort on
uses the "C" collation on PostgreSQL, so ties sort by code point as in Python.
Everything a user owns goes with them (``ON DELETE CASCADE``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(sa.TypeDecorator[datetime]):
    """A point in time stored in UTC and read back timezone-aware (naive means UTC)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        # SQLite keeps text without an offset: store the UTC wall time.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]


Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
"""Primary keys: BIGINT on PostgreSQL, the rowid alias (INTEGER) on SQLite."""

SortedText = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")
"""Text sorted by code point on both databases (SQLite's BINARY does so already)."""

Json = sa.Text
"""JSON documents, encoded and decoded by msgspec in :mod:`.mapping`."""


ONLY_ON = "skael_only_on"
"""Key in ``Index.info`` naming the one dialect an index exists on."""


def _pk() -> sa.Column[int]:
    return sa.Column("id", Id, primary_key=True, autoincrement=True)


def _owner() -> sa.Column[int]:
    return sa.Column("user_id", Id, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)


FACETS = ("country_code", "is_remote", "seniority_lc", "offered_salary")
"""Job columns that equality/range filters test; every "recent first" index carries them,
so that counting the matches of a filter never reads the (large) job rows."""


def _recent_indexes(
    table: str, *leading: str, at: str = "date_posted", carry: Sequence[str] = FACETS
) -> list[sa.Index]:
    """An index per dialect serving ``WHERE leading.. ORDER BY at DESC NULLS LAST, id DESC``.

    SQLite puts NULLs first in ascending order, so a plain index read backwards already
    gives "DESC NULLS LAST". PostgreSQL puts them last: its index says ``NULLS FIRST``.
    ``carry`` columns follow, to filter and count from the index alone.
    """
    carried = [name for name in carry if name not in leading]
    key = "id" if table == "jobs" else "job_id"
    suffix = "_".join((*leading, at))
    sqlite_index = sa.Index(
        f"ix_{table}_{suffix}_sqlite", *leading, at, key, *carried, info={ONLY_ON: "sqlite"}
    )
    pg_index = sa.Index(
        f"ix_{table}_{suffix}_pg",
        *leading,
        sa.text(f"{at} NULLS FIRST"),
        key,
        *carried,
        info={ONLY_ON: "postgresql"},
    )
    return [sqlite_index.ddl_if(dialect="sqlite"), pg_index.ddl_if(dialect="postgresql")]


def include_object(dialect: str) -> Callable[..., bool]:
    """An Alembic ``include_object`` hook: compare only what exists on ``dialect``."""

    def include(item: Any, name: str | None, kind: str, reflected: bool, other: Any) -> bool:
        only_on = getattr(item, "info", {}).get(ONLY_ON)
        return reflected or only_on is None or only_on == dialect

    return include


users = sa.Table(
    "users",
    metadata,
    _pk(),
    sa.Column("email", sa.Text, nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("token_version", sa.Integer, nullable=False, server_default="0"),
    sa.Column("has_agreed_terms", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("joined_at", UtcDateTime, nullable=False),
    sa.Column("profile", Json, nullable=False),
    sa.UniqueConstraint("email"),
    sqlite_autoincrement=True,
)

jobs = sa.Table(
    "jobs",
    metadata,
    _pk(),
    # The slim job ranking reads (mapping.RANK_FIELDS), first: on SQLite a row is read
    # from its start, and the long text behind it may lie in overflow pages.
    sa.Column("rank_data", Json, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("source_id", sa.BigInteger, nullable=False),
    sa.Column("job_title", sa.Text, nullable=False),
    sa.Column("title_lc", sa.Text, nullable=False),
    sa.Column("date_posted", sa.Date),
    sa.Column("discovered_at", UtcDateTime),
    sa.Column("company", SortedText),
    sa.Column("company_lc", sa.Text),
    sa.Column("location", SortedText),
    sa.Column("location_lc", sa.Text),
    sa.Column("country", sa.Text),
    sa.Column("country_lc", sa.Text),
    sa.Column("country_code", sa.String(2)),
    sa.Column("remote", sa.Boolean),
    sa.Column("is_remote", sa.Boolean, nullable=False),
    sa.Column("seniority", sa.Text),
    sa.Column("seniority_lc", sa.Text),
    sa.Column("min_salary", sa.Float),
    sa.Column("max_salary", sa.Float),
    sa.Column("offered_salary", sa.Float),
    sa.Column("description", sa.Text),
    sa.Column("description_lc", sa.Text),
    sa.Column("data", Json, nullable=False),
    # skael_core.sameness: the key postings of one job share, and the other sources
    # and reposts merged into this job (JSON, NULL for none; only merges write it)
    sa.Column("same_key", sa.Text),
    sa.Column("also_posted", Json),
    # the write that last stored the job: PostgreSQL's transaction id, SQLite's count
    # of writes (the ranking index reads the jobs written since it last looked)
    sa.Column("revision", sa.BigInteger, nullable=False, server_default="0"),
    sa.UniqueConstraint("source", "source_id"),
    *_recent_indexes("jobs"),
    *_recent_indexes("jobs", "country_code"),
    *_recent_indexes("jobs", "is_remote"),
    *_recent_indexes("jobs", "seniority_lc"),
    *_recent_indexes("jobs", "source", at="discovered_at", carry=()),
    sa.Index(None, "offered_salary", *FACETS[:-1]),
    sa.Index(None, "company"),  # catalogs group on these from the index alone
    sa.Index(None, "location"),
    # looked up by equality only: a hash index on PostgreSQL (cheaper to keep up than a
    # b-tree of text; no NULL entries), SQLite's b-tree elsewhere (migration 0013)
    sa.Index(None, "same_key", postgresql_using="hash"),
    sa.Index(None, "revision"),
    sqlite_autoincrement=True,
)

job_sources = sa.Table(
    "job_sources",
    metadata,
    # A posting merged into another job (another source, a repost): its provider key
    # names that job from now on, so it is never stored as a job of its own.
    sa.Column("source", sa.Text, primary_key=True),
    sa.Column("source_id", sa.BigInteger, primary_key=True),
    sa.Column("job_id", Id, sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
    sa.Column("url", sa.Text),
    sa.Column("date_posted", sa.Date),
    # when the provider discovered this posting (its job's may be older): a fetch names
    # it as known from then on (NULL for links made before migration 0012)
    sa.Column("discovered_at", UtcDateTime),
    sa.Index(None, "job_id"),
)

job_technologies = sa.Table(
    "job_technologies",
    metadata,
    # The job's id, with no foreign key: the database would look the job up for every
    # row written (about twice the cost of the row on PostgreSQL), and only the job
    # writer writes these rows, for jobs of its own transaction. A trigger on ``jobs``
    # (migration 0013, ``jobs_delete_technologies``) removes them with their job.
    sa.Column("job_id", Id, primary_key=True),
    sa.Column("slug", SortedText, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    # Copies of the job's columns (kept in step by every upsert): a technology filter,
    # alone or with the facets, is answered from this table's index alone.
    sa.Column("date_posted", sa.Date),
    sa.Column("country_code", sa.String(2)),
    sa.Column("is_remote", sa.Boolean, nullable=False),
    sa.Column("seniority_lc", sa.Text),
    sa.Column("offered_salary", sa.Float),
    *_recent_indexes("job_technologies", "slug"),
    # On SQLite the primary key is the table itself: one b-tree less to write.
    sqlite_with_rowid=False,
)

saved_jobs = sa.Table(
    "saved_jobs",
    metadata,
    _pk(),
    _owner(),
    sa.Column("job_id", Id, sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
    sa.Column("saved_at", UtcDateTime, nullable=False),
    sa.Column("activity_id", Id),  # the activity that recorded the save (see below)
    sa.UniqueConstraint("user_id", "job_id"),
    sa.Index(None, "user_id", "saved_at", "id"),
    sa.Index(None, "job_id"),
    sqlite_autoincrement=True,
)

analyses = sa.Table(
    "analyses",
    metadata,
    _pk(),
    _owner(),
    sa.Column("job_id", Id, sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("explanation", sa.Text, nullable=False),
    sa.Column("breakdown", Json, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Index(None, "user_id", "job_id", "created_at", "id"),
    sa.Index(None, "job_id"),
    sqlite_autoincrement=True,
)

documents = sa.Table(
    "documents",
    metadata,
    _pk(),
    _owner(),
    sa.Column("job_id", Id, sa.ForeignKey("jobs.id", ondelete="SET NULL")),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Index(None, "user_id", "created_at", "id"),
    sa.Index(None, "user_id", "kind", "created_at", "id"),
    sa.Index(None, "job_id"),
    sqlite_autoincrement=True,
)

applications = sa.Table(
    "applications",
    metadata,
    _pk(),
    _owner(),
    sa.Column("job_id", Id, sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("notes", sa.Text),
    sa.Column("resume_id", Id, sa.ForeignKey("documents.id", ondelete="SET NULL")),
    sa.Column("applied_date", UtcDateTime),
    sa.Column("last_updated", UtcDateTime, nullable=False),
    sa.Column("applied_activity_id", Id),  # the activity that recorded applying
    sa.UniqueConstraint("user_id", "job_id"),
    sa.Index(None, "user_id", "last_updated", "id"),
    sa.Index(None, "user_id", "status", "last_updated", "id"),
    sa.Index(None, "job_id"),
    sa.Index(None, "resume_id"),
    sqlite_autoincrement=True,
)

application_history = sa.Table(
    "application_history",
    metadata,
    _pk(),
    sa.Column(
        "application_id",
        Id,
        sa.ForeignKey("applications.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Index(None, "application_id", "id"),
    sqlite_autoincrement=True,
)
"""One row per status change of an application, appended in the unit of work of the
change (never a rewritten list, which concurrent changes would overwrite)."""

activities = sa.Table(
    "activities",
    metadata,
    _pk(),
    _owner(),
    sa.Column("job_id", Id, sa.ForeignKey("jobs.id", ondelete="SET NULL")),
    sa.Column("action_type", sa.Text, nullable=False),
    sa.Column("data", Json, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Index(None, "user_id", "created_at", "id"),
    sa.Index(None, "user_id", "action_type", "created_at", "id"),
    sa.Index(None, "job_id"),
    sqlite_autoincrement=True,
)

identity_links = sa.Table(
    "identity_links",
    metadata,
    sa.Column("issuer", sa.Text, primary_key=True),
    sa.Column("subject", sa.Text, primary_key=True),
    _owner(),
    sa.Column("linked_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("user_id", "issuer"),
)
"""Which account a subject of an identity provider reaches; one subject per (user, issuer)."""

interviews = sa.Table(
    "interviews",
    metadata,
    _pk(),
    _owner(),
    sa.Column("job_id", Id, sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
    sa.Column("round", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("starts_at", UtcDateTime, nullable=False),
    sa.Column("utc_offset_minutes", sa.Integer, nullable=False),
    sa.Column("time_zone", sa.Text),
    sa.Column("duration_minutes", sa.Integer, nullable=False),
    sa.Column("place", sa.Text),
    sa.Column("link", sa.Text),
    sa.Column("notes", sa.Text),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Index(None, "user_id", "starts_at", "id"),
    sa.Index(None, "user_id", "job_id", "starts_at", "id"),
    sa.Index(None, "job_id"),
    sqlite_autoincrement=True,
)
"""Interviews of applications: the start in UTC and the offset it was given at (minutes
east of UTC), so that an answer shows the time as it was given."""

reminders = sa.Table(
    "reminders",
    metadata,
    _pk(),
    _owner(),
    sa.Column("job_id", Id, sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
    sa.Column("due_date", sa.Date, nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("done", sa.Boolean, nullable=False),
    sa.Column("done_at", UtcDateTime),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Index(None, "user_id", "due_date", "id"),
    sa.Index(None, "user_id", "job_id", "due_date", "id"),
    sa.Index(None, "job_id"),
    sqlite_autoincrement=True,
)
"""Follow-up reminders of applications."""

calendar_tokens = sa.Table(
    "calendar_tokens",
    metadata,
    sa.Column("user_id", Id, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("token", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("token"),
)
"""The secret token of each person's calendar feed address (one at most)."""

USER_OWNED: tuple[sa.Table, ...] = (
    saved_jobs,
    analyses,
    documents,
    applications,
    activities,
    identity_links,
    interviews,
    reminders,
    calendar_tokens,
)
"""Tables whose rows belong to one user and go when the user goes (an application's
history goes with the application).

``saved_jobs.activity_id`` and ``applications.applied_activity_id`` name the activity
that recorded the save or the application, which a repeated save or application
answers. They are plain columns, not foreign keys: activities go only with their user,
and the rows that name them go then too."""

revoked_tokens = sa.Table(
    "revoked_tokens",
    metadata,
    sa.Column("token_id", sa.String(64), primary_key=True),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Index(None, "expires_at"),
)
"""Tokens logged out before they expire (by the token's id), kept until they expire."""

saved_searches = sa.Table(
    "saved_searches",
    metadata,
    _pk(),
    _owner(),
    sa.Column("name", sa.Text),
    sa.Column("filters", Json, nullable=False),
    sa.Column("min_score", sa.Integer, nullable=False),
    sa.Column("frequency", sa.String(16), nullable=False),
    sa.Column("webhook_url", sa.Text),
    sa.Column("webhook_secret", sa.Text),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("next_run_at", UtcDateTime, nullable=False),
    sa.Column("last_run_at", UtcDateTime),
    sa.Column("last_error", sa.Text),
    sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
    # watermarks (SavedSearch): the newest provider discovery time its fetches saw, and
    # the job ids its runs looked at the stored jobs from and up to
    sa.Column("discovered_until", UtcDateTime),
    sa.Column("stored_after", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("stored_seen", sa.BigInteger, nullable=False, server_default="0"),
    sa.Index(None, "user_id", "created_at", "id"),
    sa.Index(None, "next_run_at", "id"),
    sqlite_autoincrement=True,
)
"""The searches people keep; the worker claims those whose ``next_run_at`` has come."""

webhook_outbox = sa.Table(
    "webhook_outbox",
    metadata,
    _pk(),
    _owner(),
    sa.Column(
        "search_id", Id, sa.ForeignKey("saved_searches.id", ondelete="SET NULL"), nullable=True
    ),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("next_attempt_at", UtcDateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text),
    sa.Column("delivered_at", UtcDateTime),
    sa.Column("gave_up_at", UtcDateTime),
    sa.Column("pending", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Index(None, "pending", "next_attempt_at", "id"),
    sa.Index(None, "user_id", "created_at", "id"),
    sqlite_autoincrement=True,
)
"""Webhook requests of runs' new matches, kept until delivered or given up (``pending``
until then), so a failed delivery is tried again by a later run or another worker."""

maintenance = sa.Table(
    "maintenance",
    metadata,
    sa.Column("task", sa.Text, primary_key=True),
    sa.Column("done_to", sa.BigInteger, nullable=False),
    sa.Column("up_to", sa.BigInteger, nullable=False),
)
"""Work on stored rows that runs after a migration, in batches, with its progress: the
rows of ids up to ``done_to`` are done, those up to ``up_to`` are to do."""

notifications = sa.Table(
    "notifications",
    metadata,
    _pk(),
    _owner(),
    sa.Column("job_id", Id, sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
    sa.Column(
        "search_id", Id, sa.ForeignKey("saved_searches.id", ondelete="SET NULL"), nullable=True
    ),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("company_lc", sa.Text),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("read_at", UtcDateTime),
    sa.UniqueConstraint("user_id", "job_id"),
    sa.Index(None, "user_id", "created_at", "id"),
    sa.Index(None, "job_id"),
    sa.Index(None, "search_id"),
    sqlite_autoincrement=True,
)
"""New matches told to people: one per (user, job), ever (the unique key says so to
every worker at once). ``company_lc`` is the job's company, lower-cased, when found."""

dismissed_jobs = sa.Table(
    "dismissed_jobs",
    metadata,
    _owner(),
    sa.Column("job_id", Id, sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
    sa.Column("dismissed_at", UtcDateTime, nullable=False),
    sa.PrimaryKeyConstraint("user_id", "job_id"),
    sa.Index(None, "job_id"),
)

blocked_companies = sa.Table(
    "blocked_companies",
    metadata,
    _owner(),
    sa.Column("key_lc", sa.Text, nullable=False),
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("blocked_at", UtcDateTime, nullable=False),
    sa.PrimaryKeyConstraint("user_id", "key_lc"),
)
"""Companies a person blocked: the key as given, and lower-cased (what jobs match on)."""

credit_spending = sa.Table(
    "credit_spending",
    metadata,
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("scope", sa.String(64), nullable=False),
    sa.Column("spent", sa.Integer, nullable=False),
    sa.PrimaryKeyConstraint("day", "scope"),
)
"""Provider credits spent (or reserved) per UTC day and scope ("all", "user:<id>")."""

USER_OWNED = (
    *USER_OWNED,
    saved_searches,
    notifications,
    dismissed_jobs,
    blocked_companies,
    webhook_outbox,
)
