"""Discovery: search watermarks, the webhook outbox, sameness keys of older jobs.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

``job_sources`` keeps when the provider discovered each merged posting (a fetch names
it as known from then on, its job's own time may be older). ``saved_searches`` gains
its watermarks: ``discovered_until``, the newest provider
discovery time its fetches saw (the next fetch asks from there), and ``stored_after``
and ``stored_seen``, the job ids its runs look at stored postings from; a search that
exists already starts from the newest job stored now, so its next run does not tell of
postings stored before this revision. ``webhook_outbox`` keeps the webhook requests of
runs until they are delivered or given up. ``maintenance`` records work on stored rows
done after the migration in batches: here the sameness key of the jobs stored before
revision 0010 (``skael_adapters.sql.backfill``), up to the newest job stored now.
Self-contained, like every migration here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("job_sources", sa.Column("discovered_at", MOMENT, nullable=True))
    op.add_column("saved_searches", sa.Column("discovered_until", MOMENT, nullable=True))
    for name in ("stored_after", "stored_seen"):
        op.add_column(
            "saved_searches",
            sa.Column(name, sa.BigInteger(), server_default="0", nullable=False),
        )
    newest = sa.text("SELECT coalesce(max(id), 0) FROM jobs")
    latest = int(op.get_bind().execute(newest).scalar_one())
    searches = sa.table("saved_searches", sa.column("stored_after"), sa.column("stored_seen"))
    op.execute(sa.update(searches).values(stored_after=latest, stored_seen=latest))
    op.create_table(
        "webhook_outbox",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("search_id", ID),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("next_attempt_at", MOMENT, nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text()),
        sa.Column("delivered_at", MOMENT),
        sa.Column("gave_up_at", MOMENT),
        sa.Column("pending", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_outbox"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_webhook_outbox_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["search_id"],
            ["saved_searches.id"],
            name="fk_webhook_outbox_search_id_saved_searches",
            ondelete="SET NULL",
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_webhook_outbox_pending_next_attempt_at_id",
        "webhook_outbox",
        ["pending", "next_attempt_at", "id"],
    )
    op.create_index(
        "ix_webhook_outbox_user_id_created_at_id", "webhook_outbox", ["user_id", "created_at", "id"]
    )
    maintenance = op.create_table(
        "maintenance",
        sa.Column("task", sa.Text(), nullable=False),
        sa.Column("done_to", sa.BigInteger(), nullable=False),
        sa.Column("up_to", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("task", name="pk_maintenance"),
    )
    op.bulk_insert(maintenance, [{"task": "jobs.same_key", "done_to": 0, "up_to": latest}])


def downgrade() -> None:
    op.drop_table("maintenance")
    op.drop_index("ix_webhook_outbox_user_id_created_at_id", table_name="webhook_outbox")
    op.drop_index("ix_webhook_outbox_pending_next_attempt_at_id", table_name="webhook_outbox")
    op.drop_table("webhook_outbox")
    for name in ("stored_seen", "stored_after", "discovered_until"):
        op.drop_column("saved_searches", name)
    op.drop_column("job_sources", "discovered_at")
