"""monitoring: match rates kept per month by the monitoring run

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 14:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cbec.storage.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "match_rates",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("by", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("payments", sa.BigInteger(), nullable=False),
        sa.Column("matched", sa.BigInteger(), nullable=False),
        sa.Column("refunded_or_reversed", sa.BigInteger(), nullable=False),
        sa.Column("computed_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_rates")),
        sa.UniqueConstraint("month", "by", "key", name=op.f("uq_match_rates_month_by_key")),
    )
    with op.batch_alter_table("match_rates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_match_rates_month"), ["month"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("match_rates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_rates_month"))
    op.drop_table("match_rates")
