"""Monitoring's triage: the large-value report register and the review queue's items with their steps."""

from __future__ import annotations

import sqlalchemy as sa

from cbec.storage import ddl
from cbec.storage.ddl import AMOUNT, JSON, TIMESTAMP


def upgrade() -> None:
    """Create the large-value reports, the review items and their transitions."""
    ddl.create_table(
        "large_value_reports",
        sa.Column("institution_id", sa.String(64), nullable=False),
        sa.Column("trade_date", sa.Date(), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("rule_id", sa.String(80), nullable=False),
        sa.Column("rule_version", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column("customer_type", sa.String(16), nullable=False),
        sa.Column("direction", sa.String(16), nullable=False),
        sa.Column("currencies", JSON, nullable=False),
        sa.Column("payment_count", sa.Integer(), nullable=False),
        sa.Column("total_cny", AMOUNT, nullable=False),
        sa.Column("threshold_cny", AMOUNT, nullable=False),
        sa.Column("payment_ids", JSON, nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint(
            "institution_id", "trade_date", "rule_id", "customer_id", name="uq_large_value_reports_key"
        ),
        sa.Index("ix_large_value_reports_institution_day", "institution_id", "trade_date"),
        sa.Index("ix_large_value_reports_month", "month"),
    )
    ddl.create_table(
        "review_items",
        *ddl.case_columns(),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("institution_id", sa.String(64), nullable=False),
        sa.Column("payment_id", sa.String(64), nullable=False),
        sa.Column("account_id", sa.String(64), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("account_score", sa.Float(), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("config_version", sa.String(40), nullable=False),
        sa.Column("contributions", JSON, nullable=False),
        sa.Column("reason_zh", sa.Text(), nullable=False),
        sa.Column("reason_en", sa.Text(), nullable=False),
        sa.Column("assignee", sa.String(80), nullable=True),
        sa.Column("disposition", sa.String(20), nullable=True),
        sa.Column("disposition_reason", sa.Text(), nullable=True),
        sa.Column("proposed_by", sa.String(80), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint("institution_id", "payment_id", name="uq_review_items_payment"),
        sa.Index("ix_review_items_queue", "state", sa.text("score DESC"), "id"),
        sa.Index("ix_review_items_institution_queue", "institution_id", "state", sa.text("score DESC"), "id"),
        sa.Index("ix_review_items_month", "month"),
        sa.Index("ix_review_items_account", "account_id"),
    )
    # The transition log as `ddl.create_transition_table` makes it, but with the item's key last.
    ddl.create_table(
        "review_item_transitions",
        *ddl.transition_columns(reason=sa.Text()),
        sa.Column("item_id", sa.Integer(), nullable=False),
        ddl.foreign_key("review_item_transitions", "item_id", "review_items", ondelete="CASCADE"),
        sa.Index("ix_review_item_transitions_item_id", "item_id"),
    )


def downgrade() -> None:
    """Drop them."""
    ddl.drop_tables("review_item_transitions", "review_items", "large_value_reports")
