"""reports: report records, one per month, kind and language (branch h-crash)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27 17:11:39
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cbec.storage.types

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "report_records",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("lang", sa.String(length=5), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("pdf_path", sa.String(length=1000), nullable=False),
        sa.Column("html_path", sa.String(length=1000), nullable=False),
        sa.Column("data_path", sa.String(length=1000), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("pdf_bytes", sa.BigInteger(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("generated_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("built_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_records")),
        sa.UniqueConstraint("month", "kind", "lang", name=op.f("uq_report_records_month_kind_lang")),
    )
    with op.batch_alter_table("report_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_records_month"), ["month"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("report_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_records_month"))
    op.drop_table("report_records")
