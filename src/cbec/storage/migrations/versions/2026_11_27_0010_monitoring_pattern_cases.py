"""monitoring: pattern cases and the alerts grouped into them

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 14:00:00.245947
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import cbec.storage.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "pattern_cases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_key", sa.String(length=120), nullable=False),
        sa.Column("pattern", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("title_zh", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=False),
        sa.Column("first_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("account_count", sa.Integer(), nullable=False),
        sa.Column("payment_count", sa.Integer(), nullable=False),
        sa.Column("total_cny", cbec.storage.types.Amount(precision=38, scale=6), nullable=False),
        sa.Column(
            "institutions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "subgraph",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pattern_cases")),
        sa.UniqueConstraint("case_key", name=op.f("uq_pattern_cases_case_key")),
    )
    with op.batch_alter_table("pattern_cases", schema=None) as batch_op:
        batch_op.create_index("ix_pattern_cases_month_pattern", ["month", "pattern"], unique=False)

    op.create_table(
        "pattern_case_alerts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_pattern_case_alerts_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["pattern_cases.id"],
            name=op.f("fk_pattern_case_alerts_case_id_pattern_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pattern_case_alerts")),
        sa.UniqueConstraint("case_id", "alert_id", name="uq_pattern_case_alerts_case_alert"),
    )
    with op.batch_alter_table("pattern_case_alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pattern_case_alerts_alert_id"), ["alert_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pattern_case_alerts_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("pattern_case_alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pattern_case_alerts_case_id"))
        batch_op.drop_index(batch_op.f("ix_pattern_case_alerts_alert_id"))

    op.drop_table("pattern_case_alerts")
    with op.batch_alter_table("pattern_cases", schema=None) as batch_op:
        batch_op.drop_index("ix_pattern_cases_month_pattern")

    op.drop_table("pattern_cases")
