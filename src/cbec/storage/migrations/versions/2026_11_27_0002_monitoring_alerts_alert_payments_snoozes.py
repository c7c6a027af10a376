"""monitoring: alerts, alert payments, snoozes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 12:56:02.560197
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import cbec.storage.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""

    op.create_table(
        "alert_snoozes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("rule_id", sa.String(length=80), nullable=False),
        sa.Column("key_text", sa.String(length=400), nullable=False),
        sa.Column("until", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_snoozes")),
    )
    with op.batch_alter_table("alert_snoozes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_snoozes_rule_id"), ["rule_id"], unique=False)

    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("alert_key", sa.String(length=500), nullable=False),
        sa.Column("rule_id", sa.String(length=80), nullable=False),
        sa.Column("rule_version", sa.Integer(), nullable=False),
        sa.Column("ruleset_version", sa.String(length=40), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("typology", sa.String(length=60), nullable=False),
        sa.Column(
            "group_key",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("key_text", sa.String(length=400), nullable=False),
        sa.Column("observed", cbec.storage.types.Amount(precision=38, scale=6), nullable=False),
        sa.Column("threshold", cbec.storage.types.Amount(precision=38, scale=6), nullable=True),
        sa.Column("window", sa.String(length=20), nullable=False),
        sa.Column("first_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("institution_id", sa.String(length=64), nullable=True),
        sa.Column("payment_count", sa.Integer(), nullable=False),
        sa.Column("explanation_zh", sa.Text(), nullable=False),
        sa.Column("explanation_en", sa.Text(), nullable=False),
        sa.Column(
            "evidence",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("created_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("alert_key", name=op.f("uq_alerts_alert_key")),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alerts_institution_id"), ["institution_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alerts_key_text"), ["key_text"], unique=False)
        batch_op.create_index("ix_alerts_month_rule", ["month", "rule_id"], unique=False)
        batch_op.create_index("ix_alerts_status_severity", ["status", "severity"], unique=False)

    op.create_table(
        "alert_payments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.String(length=64), nullable=False),
        sa.Column("payment_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_alert_payments_alert_id_alerts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_payments")),
    )
    with op.batch_alter_table("alert_payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_payments_alert_id"), ["alert_id"], unique=False)
        batch_op.create_index("ix_alert_payments_payment", ["institution_id", "payment_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""

    with op.batch_alter_table("alert_payments", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_payments_payment")
        batch_op.drop_index(batch_op.f("ix_alert_payments_alert_id"))

    op.drop_table("alert_payments")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_alerts_status_severity")
        batch_op.drop_index("ix_alerts_month_rule")
        batch_op.drop_index(batch_op.f("ix_alerts_key_text"))
        batch_op.drop_index(batch_op.f("ix_alerts_institution_id"))

    op.drop_table("alerts")
    with op.batch_alter_table("alert_snoozes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_snoozes_rule_id"))

    op.drop_table("alert_snoozes")
