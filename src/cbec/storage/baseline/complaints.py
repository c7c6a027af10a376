"""Complaints: the cases (the complainant's personal data sealed) and their transitions."""

from __future__ import annotations

import sqlalchemy as sa

from cbec.storage import ddl
from cbec.storage.ddl import AMOUNT, TIMESTAMP


def upgrade() -> None:
    """Create the complaint cases and their transition log."""
    ddl.create_table(
        "complaint_cases",
        sa.Column("tracking_code", sa.String(24), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("complaint_id", sa.String(64), nullable=True),
        sa.Column("received_at", TIMESTAMP, nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("confidence", AMOUNT, nullable=True),
        sa.Column("category_by", sa.String(80), nullable=False),
        sa.Column("enterprise_id", sa.String(32), nullable=True),
        sa.Column("platform_id", sa.String(64), nullable=True),
        sa.Column("order_id", sa.String(64), nullable=True),
        sa.Column("amount_claimed", AMOUNT, nullable=True),
        sa.Column("currency", sa.String(3), nullable=True),
        sa.Column("respondent_kind", sa.String(16), nullable=True),
        sa.Column("respondent_id", sa.String(64), nullable=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("due_at", TIMESTAMP, nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        # the complainant's personal data, sealed (cbec.complaints.personal)
        sa.Column("consumer_name", sa.Text(), nullable=True),
        sa.Column("consumer_phone", sa.Text(), nullable=True),
        sa.Column("consumer_id_number", sa.Text(), nullable=True),
        sa.Column("consumer_address", sa.Text(), nullable=True),
        sa.Column("closed_at", TIMESTAMP, nullable=True),
        sa.Column("personal_erased_at", TIMESTAMP, nullable=True),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("text_personal", sa.Text(), nullable=True),
        sa.UniqueConstraint("complaint_id", name="uq_complaint_cases_complaint_id"),
        sa.UniqueConstraint("tracking_code", name="uq_complaint_cases_tracking_code"),
        sa.Index("ix_complaint_cases_enterprise_id", "enterprise_id"),
        sa.Index("ix_complaint_cases_platform_id", "platform_id"),
        sa.Index("ix_complaint_cases_respondent_id", "respondent_id"),
        sa.Index("ix_complaint_cases_state_due", "state", "due_at"),
    )
    ddl.create_transition_table(
        "complaint_transitions", case_column="case_id", case_table="complaint_cases", reason=sa.Text()
    )


def downgrade() -> None:
    """Drop them."""
    ddl.drop_tables("complaint_transitions", "complaint_cases")
