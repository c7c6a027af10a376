"""Reports: where each finished monthly report's files are, with the PDF's checksum and its revision."""

from __future__ import annotations

import sqlalchemy as sa

from cbec.storage import ddl
from cbec.storage.ddl import TIMESTAMP


def upgrade() -> None:
    """Create the report records."""
    ddl.create_table(
        "report_records",
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("lang", sa.String(5), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("pdf_path", sa.String(1000), nullable=False),
        sa.Column("html_path", sa.String(1000), nullable=False),
        sa.Column("data_path", sa.String(1000), nullable=False),
        sa.Column("pdf_sha256", sa.String(64), nullable=False),
        sa.Column("pdf_bytes", sa.BigInteger(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("generated_at", TIMESTAMP, nullable=False),
        sa.Column("built_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint("month", "kind", "lang", name="uq_report_records_month_kind_lang"),
        sa.Index("ix_report_records_month", "month"),
    )


def downgrade() -> None:
    """Drop them."""
    ddl.drop_tables("report_records")
