"""The write that last stored each job, for the ranking index to catch up from.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

``jobs.revision`` is set by every job write: on PostgreSQL the writing transaction's
id (``pg_current_xact_id()``), on SQLite, whose writers go one at a time, one more
than any job held. A reader that noted the oldest transaction still running when it
last looked (``pg_snapshot_xmin``), or the next SQLite revision, finds every job
written since by ``revision >= mark``, in whatever order the writers committed. Jobs
stored before this revision hold 0. Self-contained, like every migration here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "jobs", sa.Column("revision", sa.BigInteger(), nullable=False, server_default="0")
    )
    op.create_index("ix_jobs_revision", "jobs", ["revision"])


def downgrade() -> None:
    op.drop_index("ix_jobs_revision", table_name="jobs")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("revision")
