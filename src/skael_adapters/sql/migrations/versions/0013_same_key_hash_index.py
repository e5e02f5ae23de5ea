"""PostgreSQL: the sameness keys of jobs in a hash index.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08

``jobs.same_key`` is only ever looked up by equality (which stored jobs share a
posting's key). A b-tree keeps every key in order, comparing text under the database's
collation at each level of every insert; a hash index stores the key's 32-bit hash in a
bucket, and leaves out NULL keys. On PostgreSQL the index becomes a hash index; SQLite
has none, and keeps its b-tree (a large SQLite import builds it once at its end).
Self-contained, like every migration here.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_jobs_same_key"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(INDEX, table_name="jobs")
    op.create_index(INDEX, "jobs", ["same_key"], postgresql_using="hash")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(INDEX, table_name="jobs")
    op.create_index(INDEX, "jobs", ["same_key"])
