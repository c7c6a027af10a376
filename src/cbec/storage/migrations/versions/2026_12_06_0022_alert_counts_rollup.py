"""alert counts rollup: alerts per (month, institution, rule, severity), so the alert list's total reads a few rows

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 22:30:00

`alert_counts` is kept by the writer of alerts (monitoring/alerts/store.py write_alerts) in the same transaction;
this revision fills it from the alerts already stored. `institution_id` is "" where the alert's is NULL.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the rollup and count the alerts stored so far into it."""
    op.create_table(
        "alert_counts",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("institution_id", sa.String(length=64), nullable=False),
        sa.Column("rule_id", sa.String(length=80), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("alerts", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("month", "institution_id", "rule_id", "severity", name=op.f("pk_alert_counts")),
    )
    op.execute(
        "INSERT INTO alert_counts (month, institution_id, rule_id, severity, alerts) "
        "SELECT month, COALESCE(institution_id, ''), rule_id, severity, count(*) FROM alerts "
        "GROUP BY month, COALESCE(institution_id, ''), rule_id, severity"
    )


def downgrade() -> None:
    """Drop the rollup."""
    op.drop_table("alert_counts")
