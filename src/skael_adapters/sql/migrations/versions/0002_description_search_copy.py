"""The description's lower-case copy only where SQL's lower() would not give it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

``jobs.description_lc`` held every description a second time, lowered by Python, so
that substring search folds every letter (SQLite's ``lower()`` folds ASCII letters
only). Searches now read ``coalesce(description_lc, lower(description))``, and the copy
is kept only for descriptions whose lowering needs more than ASCII: rows shrink by the
length of their description, and most of them fit one page again. Data only; the
columns are unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("UPDATE jobs SET description_lc = NULL WHERE description_lc = lower(description)")


def downgrade() -> None:
    # a row without a copy has no capital letter outside ASCII: lower() is exact there
    op.execute(
        "UPDATE jobs SET description_lc = lower(description)"
        " WHERE description_lc IS NULL AND description IS NOT NULL"
    )
