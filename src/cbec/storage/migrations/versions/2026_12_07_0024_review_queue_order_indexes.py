"""review queue indexes: every list order is an index range read, with 1M items

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 01:40:00

The queue lists by score (unfiltered, by month, by institution), by due date and newest first. With only
(state, score) and (month) indexed, the first page of the unfiltered queue sorted the whole table (1.0 s p99
through the API at 1M items, bench/review_queue.py). Each order now has an index in its own order, alone and
behind the filters it is read with; (month) alone is covered by (month, score DESC, id).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCORE = sa.text("score DESC")
NEW: dict[str, list[str | sa.TextClause]] = {
    "ix_review_items_rank": [SCORE, "id"],
    "ix_review_items_institution_rank": ["institution_id", SCORE, "id"],
    "ix_review_items_month_rank": ["month", SCORE, "id"],
    "ix_review_items_due": ["due_at", "id"],
    "ix_review_items_created": ["created_at", "id"],
}


def upgrade() -> None:
    """Add the order indexes; drop the month index they cover."""
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.drop_index("ix_review_items_month")
        for name, columns in NEW.items():
            batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    """Back to the (state, score) queue indexes and the month index."""
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        for name in reversed(NEW):
            batch_op.drop_index(name)
        batch_op.create_index("ix_review_items_month", ["month"], unique=False)
