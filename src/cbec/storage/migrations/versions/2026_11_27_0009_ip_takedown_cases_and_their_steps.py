"""ip: takedown cases and their steps

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 15:04:58.575902
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cbec.storage.types
from cbec.storage import ddl

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

    ddl.create_transition_table(
        "ip_takedown_transitions", case_column="case_id", case_table="ip_takedown_cases", reason=sa.String(length=2000)
    )


def downgrade() -> None:
    """Revert this revision."""
    ddl.drop_transition_table("ip_takedown_transitions", case_column="case_id")
    with op.batch_alter_table("ip_takedown_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ip_takedown_cases_platform_id"))
        batch_op.drop_index(batch_op.f("ix_ip_takedown_cases_listing_id"))
        batch_op.drop_index(batch_op.f("ix_ip_takedown_cases_enterprise_id"))

    op.drop_table("ip_takedown_cases")
