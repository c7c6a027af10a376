"""review workflow: cases grouping review items, evidence files on items, suspicious transaction report drafts

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 00:45:00

`review_cases` groups review items per institution, month and subject (payer account, else the leading
evidence), with the largest and the combined score; `review_items.case_id` names an item's case;
`review_attachments` keeps files given in evidence (under CBEC_HOME, by SHA-256); `suspicious_report_drafts` the
可疑交易报告 drafted when an item closes as a true positive.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from cbec.storage import ddl
from cbec.storage.ddl import JSON, TIMESTAMP

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the cases, attachments and drafts; give each review item its case."""
    ddl.create_table(
        "review_cases",
        sa.Column("institution_id", sa.String(length=64), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("subject_key", sa.String(length=100), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("combined_score", sa.Float(), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("opened_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
    )
    op.create_index("ix_review_cases_key", "review_cases", ["institution_id", "month", "subject_key", "state"])
    op.create_index("ix_review_cases_queue", "review_cases", ["state", sa.text("score DESC"), "id"])
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_review_items_case_id"), ["case_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_review_items_case_id_review_cases"), "review_cases", ["case_id"], ["id"], ondelete="SET NULL"
        )
    ddl.create_table(
        "review_attachments",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        *ddl.stored_file_columns(),
        ddl.foreign_key("review_attachments", "item_id", "review_items", ondelete="CASCADE"),
        sa.UniqueConstraint("item_id", "sha256", name="uq_review_attachments_file"),
    )
    op.create_index(op.f("ix_review_attachments_item_id"), "review_attachments", ["item_id"], unique=False)
    ddl.create_table(
        "suspicious_report_drafts",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("institution_id", sa.String(length=64), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("subject_account", sa.String(length=64), nullable=True),
        sa.Column("subject_party", sa.String(length=64), nullable=True),
        sa.Column("payments", JSON, nullable=False),
        sa.Column("totals", JSON, nullable=False),
        sa.Column("typology", sa.String(length=40), nullable=False),
        sa.Column("reasons", JSON, nullable=False),
        sa.Column("analyst_reason", sa.Text(), nullable=False),
        sa.Column("analyst", sa.String(length=80), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("first_at", TIMESTAMP, nullable=True),
        sa.Column("last_at", TIMESTAMP, nullable=True),
        sa.Column("detected_at", TIMESTAMP, nullable=False),
        sa.Column("drafted_at", TIMESTAMP, nullable=False),
        ddl.foreign_key("suspicious_report_drafts", "item_id", "review_items", ondelete="CASCADE"),
        sa.UniqueConstraint("item_id", name=op.f("uq_suspicious_report_drafts_item_id")),
    )
    op.create_index(
        op.f("ix_suspicious_report_drafts_institution_id"), "suspicious_report_drafts", ["institution_id"], unique=False
    )


def downgrade() -> None:
    """Drop the drafts, attachments and cases, and the items' case column."""
    op.drop_index(op.f("ix_suspicious_report_drafts_institution_id"), table_name="suspicious_report_drafts")
    op.drop_table("suspicious_report_drafts")
    op.drop_index(op.f("ix_review_attachments_item_id"), table_name="review_attachments")
    op.drop_table("review_attachments")
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_review_items_case_id_review_cases"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_review_items_case_id"))
        batch_op.drop_column("case_id")
    op.drop_index("ix_review_cases_queue", table_name="review_cases")
    op.drop_index("ix_review_cases_key", table_name="review_cases")
    op.drop_table("review_cases")
