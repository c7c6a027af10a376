"""triage: the large-value report register and the review queue's items (issue 19)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 21:30:00

`large_value_reports` holds one report due per institution, local day, CN-LV-* rule and customer, with its due
date (five working days); `review_items` holds the payments whose combined risk score passed the queue
threshold, with their top contributions in Chinese and English, on the shared case lifecycle (state, deadline);
`review_item_transitions` their steps.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import cbec.storage.types

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    """Create the two tables and their indexes."""
    op.create_table(
        "large_value_reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("institution_id", sa.String(length=64), nullable=False),
        sa.Column("trade_date", sa.Date(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("rule_id", sa.String(length=80), nullable=False),
        sa.Column("rule_version", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("customer_type", sa.String(length=16), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("currencies", JSON, nullable=False),
        sa.Column("payment_count", sa.Integer(), nullable=False),
        sa.Column("total_cny", cbec.storage.types.Amount(), nullable=False),
        sa.Column("threshold_cny", cbec.storage.types.Amount(), nullable=False),
        sa.Column("payment_ids", JSON, nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_large_value_reports")),
        sa.UniqueConstraint(
            "institution_id", "trade_date", "rule_id", "customer_id", name="uq_large_value_reports_key"
        ),
    )
    op.create_index("ix_large_value_reports_institution_day", "large_value_reports", ["institution_id", "trade_date"])
    op.create_index("ix_large_value_reports_month", "large_value_reports", ["month"])
    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("due_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("institution_id", sa.String(length=64), nullable=False),
        sa.Column("payment_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("account_score", sa.Float(), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("config_version", sa.String(length=40), nullable=False),
        sa.Column("contributions", JSON, nullable=False),
        sa.Column("reason_zh", sa.Text(), nullable=False),
        sa.Column("reason_en", sa.Text(), nullable=False),
        sa.Column("assignee", sa.String(length=80), nullable=True),
        sa.Column("disposition", sa.String(length=20), nullable=True),
        sa.Column("disposition_reason", sa.Text(), nullable=True),
        sa.Column("proposed_by", sa.String(length=80), nullable=True),
        sa.Column("created_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_items")),
        sa.UniqueConstraint("institution_id", "payment_id", name="uq_review_items_payment"),
    )
    op.create_index("ix_review_items_queue", "review_items", ["state", sa.text("score DESC"), "id"])
    op.create_index(
        "ix_review_items_institution_queue", "review_items", ["institution_id", "state", sa.text("score DESC"), "id"]
    )
    op.create_index("ix_review_items_month", "review_items", ["month"])
    op.create_index("ix_review_items_account", "review_items", ["account_id"])
    op.create_table(
        "review_item_transitions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("due_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["review_items.id"],
            name=op.f("fk_review_item_transitions_item_id_review_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_item_transitions")),
    )
    op.create_index(op.f("ix_review_item_transitions_item_id"), "review_item_transitions", ["item_id"], unique=False)


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_table("review_item_transitions")
    op.drop_table("review_items")
    op.drop_table("large_value_reports")
