"""One posting once: the sameness key of a job, the postings merged into it.

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-07

``jobs.same_key`` is what two postings of one job share (company, normalised title,
place: ``skael_core.sameness``), indexed to find a stored job a new posting is the
same as; ``jobs.also_posted`` lists the sources and reposts merged into a job (JSON);
``job_sources`` keeps each merged posting's provider key, naming its job, so that
fetching or importing it again refreshes that job's link instead of storing it twice.
Jobs stored before this revision have no key until they are stored again.
Self-contained, like every migration here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("jobs", sa.Column("same_key", sa.Text(), nullable=True))
    op.add_column("jobs", sa.Column("also_posted", sa.Text(), nullable=True))
    op.create_index("ix_jobs_same_key", "jobs", ["same_key"])
    op.create_table(
        "job_sources",
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("source_id", sa.BigInteger(), nullable=False),
        sa.Column("job_id", ID, nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("date_posted", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("source", "source_id", name="pk_job_sources"),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name="fk_job_sources_job_id_jobs", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_job_sources_job_id", "job_sources", ["job_id"])


def downgrade() -> None:
    op.drop_index("ix_job_sources_job_id", table_name="job_sources")
    op.drop_table("job_sources")
    op.drop_index("ix_jobs_same_key", table_name="jobs")
    op.drop_column("jobs", "also_posted")
    op.drop_column("jobs", "same_key")
