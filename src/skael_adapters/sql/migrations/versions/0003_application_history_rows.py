"""An application's history as rows; saves and applications name their activity.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07

``applications.history`` was a JSON list rewritten by each status change: two changes
at once on PostgreSQL (READ COMMITTED) each read the old list and the later write lost
the other's entry. Each change is now a row of ``application_history``, appended in the
unit of work of the change. The lists move into rows, oldest entry first.

``saved_jobs.activity_id`` and ``applications.applied_activity_id`` name the activity
that recorded the save or the application, which a repeated call answers. Existing rows
get the first activity about the same job logged at or after the save (the save's own,
logged in the same transaction), else the latest about the job; applications get their
first ``JOB_APPLIED`` activity.

Self-contained on purpose: it does not read ``tables.py``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = sa.DateTime(timezone=True)
BATCH = 1000

_history = sa.table(
    "application_history",
    sa.column("application_id", ID),
    sa.column("status", sa.String),
    sa.column("at", MOMENT),
)

_SAVE_ACTIVITY = """
UPDATE saved_jobs SET activity_id = coalesce(
    (SELECT min(a.id) FROM activities a WHERE a.user_id = saved_jobs.user_id
        AND a.job_id = saved_jobs.job_id AND a.created_at >= saved_jobs.saved_at),
    (SELECT max(a.id) FROM activities a WHERE a.user_id = saved_jobs.user_id
        AND a.job_id = saved_jobs.job_id))
"""

_APPLY_ACTIVITY = """
UPDATE applications SET applied_activity_id =
    (SELECT min(a.id) FROM activities a WHERE a.user_id = applications.user_id
        AND a.job_id = applications.job_id AND a.action_type = 'JOB_APPLIED')
"""


def upgrade() -> None:
    op.create_table(
        "application_history",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("application_id", ID, nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("at", MOMENT, nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name="fk_application_history_application_id_applications",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_application_history"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_application_history_application_id_id", "application_history", ["application_id", "id"]
    )
    _history_to_rows()
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("history")
        batch.add_column(sa.Column("applied_activity_id", ID, nullable=True))
    with op.batch_alter_table("saved_jobs") as batch:
        batch.add_column(sa.Column("activity_id", ID, nullable=True))
    op.execute(_SAVE_ACTIVITY)
    op.execute(_APPLY_ACTIVITY)


def downgrade() -> None:
    with op.batch_alter_table("saved_jobs") as batch:
        batch.drop_column("activity_id")
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("applied_activity_id")
        batch.add_column(sa.Column("history", sa.Text(), nullable=False, server_default="[]"))
    _rows_to_history()
    with op.batch_alter_table("applications") as batch:
        batch.alter_column("history", server_default=None)
    op.drop_table("application_history")


def _history_to_rows() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, history FROM applications ORDER BY id"))
    pending: list[dict[str, Any]] = []
    for application_id, history in rows:
        pending += [
            {"application_id": application_id, "status": entry["status"], "at": _moment(entry)}
            for entry in json.loads(history)
        ]
        if len(pending) >= BATCH:
            bind.execute(sa.insert(_history), pending)
            pending = []
    if pending:
        bind.execute(sa.insert(_history), pending)


def _moment(entry: dict[str, Any]) -> datetime:
    at = datetime.fromisoformat(entry["at"])
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    # SQLite keeps the UTC wall time without an offset, as the code's column type does
    return at.replace(tzinfo=None) if op.get_bind().dialect.name == "sqlite" else at


def _rows_to_history() -> None:
    bind = op.get_bind()
    query = "SELECT application_id, status, at FROM application_history ORDER BY application_id, id"
    lists: dict[int, list[dict[str, str]]] = {}
    for application_id, status, at in bind.execute(sa.text(query)):
        lists.setdefault(application_id, []).append({"status": status, "at": _text(at)})
    update = sa.text("UPDATE applications SET history = :history WHERE id = :id")
    for application_id, entries in lists.items():
        bind.execute(update, {"id": application_id, "history": json.dumps(entries)})


def _text(at: datetime | str) -> str:
    """``at`` as msgspec writes a UTC time: ISO 8601 with ``Z``."""
    moment = datetime.fromisoformat(at) if isinstance(at, str) else at
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.isoformat().replace("+00:00", "Z")
