"""Links from identity-provider subjects (OpenID Connect ``iss`` + ``sub``) to accounts.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07

One row per subject of an issuer that has signed in with an ID token, naming the Skael
account it reaches; at most one subject per (user, issuer). The rows go with their
user (``ON DELETE CASCADE``). Self-contained, like every migration here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "identity_links",
        sa.Column("issuer", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("issuer", "subject", name="pk_identity_links"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name="fk_identity_links_user_id_users",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("user_id", "issuer", name="uq_identity_links_user_id_issuer"),
    )


def downgrade() -> None:
    op.drop_table("identity_links")
