"""product quality: filing findings, quality cases, education events

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 14:30:56.575489
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cbec.storage.types
from cbec.storage import ddl

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "education_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("city", sa.String(length=20), nullable=False),
        sa.Column("topic", sa.String(length=300), nullable=False),
        sa.Column("attendance", sa.Integer(), nullable=False),
        sa.Column("organiser", sa.String(length=200), nullable=False),
        sa.Column("created_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_education_events")),
    )
    with op.batch_alter_table("education_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_education_events_held_on"), ["held_on"], unique=False)

    op.create_table(
        "filing_findings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("filing_id", sa.String(length=64), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("detail_zh", sa.String(length=300), nullable=False),
        sa.Column("detail_en", sa.String(length=300), nullable=False),
        sa.Column("found_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filing_findings")),
        sa.UniqueConstraint("filing_id", "code", "detail_en", name=op.f("uq_filing_findings_filing_id_code_detail_en")),
    )
    with op.batch_alter_table("filing_findings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_filing_findings_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_filing_findings_filing_id"), ["filing_id"], unique=False)

    op.create_table(
        "quality_cases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("inspection_id", sa.String(length=64), nullable=False),
        sa.Column("filing_id", sa.String(length=64), nullable=True),
        sa.Column("enterprise_id", sa.String(length=32), nullable=False),
        sa.Column("product_name", sa.String(length=300), nullable=False),
        sa.Column("defect", sa.Text(), nullable=True),
        sa.Column("measure", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("due_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("opened_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_cases")),
        sa.UniqueConstraint("inspection_id", name=op.f("uq_quality_cases_inspection_id")),
    )
    with op.batch_alter_table("quality_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quality_cases_enterprise_id"), ["enterprise_id"], unique=False)

    ddl.create_transition_table(
        "quality_case_transitions", case_column="case_id", case_table="quality_cases", reason=sa.Text()
    )


def downgrade() -> None:
    """Revert this revision."""
    ddl.drop_transition_table("quality_case_transitions", case_column="case_id")
    with op.batch_alter_table("quality_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quality_cases_enterprise_id"))

    op.drop_table("quality_cases")
    with op.batch_alter_table("filing_findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_filing_findings_filing_id"))
        batch_op.drop_index(batch_op.f("ix_filing_findings_enterprise_id"))

    op.drop_table("filing_findings")
    with op.batch_alter_table("education_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_education_events_held_on"))

    op.drop_table("education_events")
