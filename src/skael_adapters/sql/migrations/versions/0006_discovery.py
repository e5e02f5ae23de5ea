"""Saved searches, notifications, dismissed jobs, blocked companies, credit spending.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

A person keeps searches that a worker runs on a schedule (``saved_searches``, claimed
by ``next_run_at``); new matches become ``notifications``, one per (user, job) ever;
``dismissed_jobs`` and ``blocked_companies`` leave jobs out of every list; provider
credits spent per day and scope are counted in ``credit_spending`` so that budgets hold
across processes. Self-contained, like every migration here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _owner(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"], ["users.id"], name=f"fk_{table}_user_id_users", ondelete="CASCADE"
    )


def _job(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["job_id"], ["jobs.id"], name=f"fk_{table}_job_id_jobs", ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "saved_searches",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("name", sa.Text()),
        sa.Column("filters", sa.Text(), nullable=False),
        sa.Column("min_score", sa.Integer(), nullable=False),
        sa.Column("frequency", sa.String(16), nullable=False),
        sa.Column("webhook_url", sa.Text()),
        sa.Column("webhook_secret", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_run_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text()),
        sa.Column("failures", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_saved_searches"),
        _owner("saved_searches"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_saved_searches_user_id_created_at_id",
        "saved_searches",
        ["user_id", "created_at", "id"],
    )
    op.create_index("ix_saved_searches_next_run_at_id", "saved_searches", ["next_run_at", "id"])
    op.create_table(
        "notifications",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("job_id", ID, nullable=False),
        sa.Column("search_id", ID),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("company_lc", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_notifications"),
        _owner("notifications"),
        _job("notifications"),
        sa.ForeignKeyConstraint(
            ["search_id"],
            ["saved_searches.id"],
            name="fk_notifications_search_id_saved_searches",
            ondelete="SET NULL",
        ),
        sa.UniqueConstraint("user_id", "job_id", name="uq_notifications_user_id_job_id"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_notifications_user_id_created_at_id", "notifications", ["user_id", "created_at", "id"]
    )
    op.create_index("ix_notifications_job_id", "notifications", ["job_id"])
    op.create_index("ix_notifications_search_id", "notifications", ["search_id"])
    op.create_table(
        "dismissed_jobs",
        sa.Column("user_id", ID, nullable=False),
        sa.Column("job_id", ID, nullable=False),
        sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "job_id", name="pk_dismissed_jobs"),
        _owner("dismissed_jobs"),
        _job("dismissed_jobs"),
    )
    op.create_index("ix_dismissed_jobs_job_id", "dismissed_jobs", ["job_id"])
    op.create_table(
        "blocked_companies",
        sa.Column("user_id", ID, nullable=False),
        sa.Column("key_lc", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("blocked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "key_lc", name="pk_blocked_companies"),
        _owner("blocked_companies"),
    )
    op.create_table(
        "credit_spending",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("spent", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "scope", name="pk_credit_spending"),
    )


def downgrade() -> None:
    op.drop_table("credit_spending")
    op.drop_table("blocked_companies")
    op.drop_index("ix_dismissed_jobs_job_id", table_name="dismissed_jobs")
    op.drop_table("dismissed_jobs")
    for index in ("search_id", "job_id", "user_id_created_at_id"):
        op.drop_index(f"ix_notifications_{index}", table_name="notifications")
    op.drop_table("notifications")
    op.drop_index("ix_saved_searches_next_run_at_id", table_name="saved_searches")
    op.drop_index("ix_saved_searches_user_id_created_at_id", table_name="saved_searches")
    op.drop_table("saved_searches")
