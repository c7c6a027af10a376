"""Product quality: filing findings, quality cases with their transitions, and consumer education events."""

from __future__ import annotations

import sqlalchemy as sa

from cbec.storage import ddl
from cbec.storage.ddl import TIMESTAMP


def upgrade() -> None:
    """Create the education events, filing findings and quality cases with their transition log."""
    ddl.create_table(
        "education_events",
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("city", sa.String(20), nullable=False),
        sa.Column("topic", sa.String(300), nullable=False),
        sa.Column("attendance", sa.Integer(), nullable=False),
        sa.Column("organiser", sa.String(200), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Index("ix_education_events_held_on", "held_on"),
    )
    ddl.create_table(
        "filing_findings",
        sa.Column("filing_id", sa.String(64), nullable=False),
        sa.Column("enterprise_id", sa.String(32), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("detail_zh", sa.String(300), nullable=False),
        sa.Column("detail_en", sa.String(300), nullable=False),
        sa.Column("found_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint("filing_id", "code", "detail_en", name="uq_filing_findings_filing_id_code_detail_en"),
        sa.Index("ix_filing_findings_enterprise_id", "enterprise_id"),
        sa.Index("ix_filing_findings_filing_id", "filing_id"),
    )
    ddl.create_table(
        "quality_cases",
        sa.Column("inspection_id", sa.String(64), nullable=False),
        sa.Column("filing_id", sa.String(64), nullable=True),
        sa.Column("enterprise_id", sa.String(32), nullable=False),
        sa.Column("product_name", sa.String(300), nullable=False),
        sa.Column("defect", sa.Text(), nullable=True),
        sa.Column("measure", sa.String(16), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("due_at", TIMESTAMP, nullable=True),
        sa.Column("opened_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint("inspection_id", name="uq_quality_cases_inspection_id"),
        sa.Index("ix_quality_cases_enterprise_id", "enterprise_id"),
    )
    ddl.create_transition_table(
        "quality_case_transitions", case_column="case_id", case_table="quality_cases", reason=sa.Text()
    )


def downgrade() -> None:
    """Drop them."""
    ddl.drop_tables("quality_case_transitions", "quality_cases", "filing_findings", "education_events")
