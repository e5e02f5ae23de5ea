"""Cheaper job writes: sameness keys in a hash index (PostgreSQL), technology rows
removed with their job by a trigger instead of checked against it by a foreign key.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08

``jobs.same_key`` is only ever looked up by equality (which stored jobs share a
posting's key). A b-tree keeps every key in order, comparing text under the database's
collation at each level of every insert; a hash index stores the key's 32-bit hash in a
bucket, and leaves out NULL keys. On PostgreSQL the index becomes a hash index; SQLite
has none, and keeps its b-tree (a large SQLite import builds it once at its end).

``job_technologies.job_id`` referred to ``jobs.id`` with ``ON DELETE CASCADE``. The
reference made the database look the job up for every technology row written, about
twice the cost of writing the row on PostgreSQL; only the job writer writes these rows,
for the jobs it has just written in the same transaction (see ``sql/job_writes.py``).
What the reference also did, removing a job's technology rows with it, is kept by an
``AFTER DELETE`` trigger on ``jobs``. SQLite cannot drop a reference: the table is built
again without it. Self-contained, like every migration here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
SORTED_TEXT = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")
SAME_KEY_INDEX = "ix_jobs_same_key"
REFERENCE = "fk_job_technologies_job_id_jobs"
TRIGGER = "jobs_delete_technologies"
SQLITE_TECHNOLOGY_INDEX = (
    "ix_job_technologies_slug_date_posted_sqlite",
    [
        "slug",
        "date_posted",
        "job_id",
        "country_code",
        "is_remote",
        "seniority_lc",
        "offered_salary",
    ],
)

PG_TRIGGER = (
    # the function finds job_technologies in the schema it was created in, whatever
    # the deleting session's search_path
    "CREATE FUNCTION jobs_delete_technologies() RETURNS trigger LANGUAGE plpgsql"
    " SET search_path FROM CURRENT AS $$ BEGIN"
    " DELETE FROM job_technologies t USING gone WHERE t.job_id = gone.id;"
    " RETURN NULL; END $$",
    "CREATE TRIGGER jobs_delete_technologies AFTER DELETE ON jobs"
    " REFERENCING OLD TABLE AS gone FOR EACH STATEMENT"
    " EXECUTE FUNCTION jobs_delete_technologies()",
)
SQLITE_TRIGGER = (
    "CREATE TRIGGER jobs_delete_technologies AFTER DELETE ON jobs FOR EACH ROW"
    " BEGIN DELETE FROM job_technologies WHERE job_id = OLD.id; END"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index(SAME_KEY_INDEX, table_name="jobs")
        op.create_index(SAME_KEY_INDEX, "jobs", ["same_key"], postgresql_using="hash")
        op.drop_constraint(REFERENCE, "job_technologies", type_="foreignkey")
        for statement in PG_TRIGGER:
            op.execute(statement)
        return
    _rebuild_sqlite_technologies(referring=False)
    op.execute(SQLITE_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {TRIGGER} ON jobs")
        op.execute(f"DROP FUNCTION {TRIGGER}()")
        op.create_foreign_key(
            REFERENCE, "job_technologies", "jobs", ["job_id"], ["id"], ondelete="CASCADE"
        )
        op.drop_index(SAME_KEY_INDEX, table_name="jobs")
        op.create_index(SAME_KEY_INDEX, "jobs", ["same_key"])
        return
    op.execute(f"DROP TRIGGER {TRIGGER}")
    _rebuild_sqlite_technologies(referring=True)


def _rebuild_sqlite_technologies(*, referring: bool) -> None:
    """Build ``job_technologies`` again, with or without its reference to ``jobs``."""
    reference = (
        [sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], name=REFERENCE, ondelete="CASCADE")]
        if referring
        else []
    )
    op.create_table(
        "job_technologies_rebuilt",
        sa.Column("job_id", ID, nullable=False),
        sa.Column("slug", SORTED_TEXT, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("date_posted", sa.Date(), nullable=True),
        sa.Column("country_code", sa.String(length=2), nullable=True),
        sa.Column("is_remote", sa.Boolean(), nullable=False),
        sa.Column("seniority_lc", sa.Text(), nullable=True),
        sa.Column("offered_salary", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("job_id", "slug", name="pk_job_technologies"),
        *reference,
        sqlite_with_rowid=False,
    )
    op.execute("INSERT INTO job_technologies_rebuilt SELECT * FROM job_technologies")
    op.drop_table("job_technologies")
    op.rename_table("job_technologies_rebuilt", "job_technologies")
    name, columns = SQLITE_TECHNOLOGY_INDEX
    op.create_index(name, "job_technologies", columns)
