"""ip: takedown cases and their steps

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 15:04:58.575902
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cbec.storage.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "ip_takedown_cases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("listing_id", sa.String(length=64), nullable=False),
        sa.Column("platform_id", sa.String(length=64), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=False),
        sa.Column("mark_id", sa.String(length=64), nullable=False),
        sa.Column("rights_holder", sa.String(length=200), nullable=False),
        sa.Column("evidence", sa.String(length=2000), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("due_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("opened_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ip_takedown_cases")),
    )
    with op.batch_alter_table("ip_takedown_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ip_takedown_cases_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ip_takedown_cases_listing_id"), ["listing_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ip_takedown_cases_platform_id"), ["platform_id"], unique=False)

    op.create_table(
        "ip_takedown_transitions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("due_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["ip_takedown_cases.id"],
            name=op.f("fk_ip_takedown_transitions_case_id_ip_takedown_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ip_takedown_transitions")),
    )
    with op.batch_alter_table("ip_takedown_transitions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ip_takedown_transitions_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("ip_takedown_transitions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ip_takedown_transitions_case_id"))

    op.drop_table("ip_takedown_transitions")
    with op.batch_alter_table("ip_takedown_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ip_takedown_cases_platform_id"))
        batch_op.drop_index(batch_op.f("ix_ip_takedown_cases_listing_id"))
        batch_op.drop_index(batch_op.f("ix_ip_takedown_cases_enterprise_id"))

    op.drop_table("ip_takedown_cases")
