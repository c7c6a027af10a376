"""complaint cases with sealed personal data, complaint transitions

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 14:26:06.074367
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cbec.storage.types
from cbec.storage import ddl

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "complaint_cases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tracking_code", sa.String(length=24), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("complaint_id", sa.String(length=64), nullable=True),
        sa.Column("received_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("confidence", cbec.storage.types.Amount(precision=38, scale=6), nullable=True),
        sa.Column("category_by", sa.String(length=80), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.Column("platform_id", sa.String(length=64), nullable=True),
        sa.Column("order_id", sa.String(length=64), nullable=True),
        sa.Column("amount_claimed", cbec.storage.types.Amount(precision=38, scale=6), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("respondent_kind", sa.String(length=16), nullable=True),
        sa.Column("respondent_id", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("due_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("consumer_name", sa.Text(), nullable=True),
        sa.Column("consumer_phone", sa.Text(), nullable=True),
        sa.Column("consumer_id_number", sa.Text(), nullable=True),
        sa.Column("consumer_address", sa.Text(), nullable=True),
        sa.Column("closed_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("personal_erased_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_cases")),
        sa.UniqueConstraint("complaint_id", name=op.f("uq_complaint_cases_complaint_id")),
        sa.UniqueConstraint("tracking_code", name=op.f("uq_complaint_cases_tracking_code")),
    )
    with op.batch_alter_table("complaint_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_cases_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaint_cases_platform_id"), ["platform_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaint_cases_respondent_id"), ["respondent_id"], unique=False)
        batch_op.create_index("ix_complaint_cases_state_due", ["state", "due_at"], unique=False)

    ddl.create_transition_table(
        "complaint_transitions", case_column="case_id", case_table="complaint_cases", reason=sa.Text()
    )


def downgrade() -> None:
    """Revert this revision."""
    ddl.drop_transition_table("complaint_transitions", case_column="case_id")
    with op.batch_alter_table("complaint_cases", schema=None) as batch_op:
        batch_op.drop_index("ix_complaint_cases_state_due")
        batch_op.drop_index(batch_op.f("ix_complaint_cases_respondent_id"))
        batch_op.drop_index(batch_op.f("ix_complaint_cases_platform_id"))
        batch_op.drop_index(batch_op.f("ix_complaint_cases_enterprise_id"))

    op.drop_table("complaint_cases")
