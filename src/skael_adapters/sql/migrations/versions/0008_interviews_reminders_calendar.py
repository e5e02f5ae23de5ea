"""Interviews and follow-up reminders of applications; calendar feed tokens.

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-07

``interviews`` keeps each interview's start in UTC beside the offset it was given at
(``utc_offset_minutes``) and the IANA zone when one was named, so the time is answered
as it was given. ``reminders`` holds follow-ups with a due date and a done flag.
``calendar_tokens`` holds the secret token of each person's calendar feed address.
Every row goes with its user and its job (``ON DELETE CASCADE``). Self-contained, like
every migration here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = sa.DateTime(timezone=True)


def _owner_and_job(table: str) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("job_id", ID, nullable=False),
        sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=f"fk_{table}_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=f"fk_{table}_job_id_jobs", ondelete="CASCADE"
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "interviews",
        *_owner_and_job("interviews"),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("starts_at", MOMENT, nullable=False),
        sa.Column("utc_offset_minutes", sa.Integer(), nullable=False),
        sa.Column("time_zone", sa.Text()),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("place", sa.Text()),
        sa.Column("link", sa.Text()),
        sa.Column("notes", sa.Text()),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("updated_at", MOMENT, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_interviews_user_id_starts_at_id", "interviews", ["user_id", "starts_at", "id"]
    )
    op.create_index(
        "ix_interviews_user_id_job_id_starts_at_id",
        "interviews",
        ["user_id", "job_id", "starts_at", "id"],
    )
    op.create_index("ix_interviews_job_id", "interviews", ["job_id"])
    op.create_table(
        "reminders",
        *_owner_and_job("reminders"),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("done_at", MOMENT),
        sa.Column("created_at", MOMENT, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_reminders_user_id_due_date_id", "reminders", ["user_id", "due_date", "id"])
    op.create_index(
        "ix_reminders_user_id_job_id_due_date_id",
        "reminders",
        ["user_id", "job_id", "due_date", "id"],
    )
    op.create_index("ix_reminders_job_id", "reminders", ["job_id"])
    op.create_table(
        "calendar_tokens",
        sa.Column("user_id", ID, nullable=False),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("user_id", name="pk_calendar_tokens"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name="fk_calendar_tokens_user_id_users",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("token", name="uq_calendar_tokens_token"),
    )


def downgrade() -> None:
    op.drop_table("calendar_tokens")
    op.drop_table("reminders")
    op.drop_table("interviews")
