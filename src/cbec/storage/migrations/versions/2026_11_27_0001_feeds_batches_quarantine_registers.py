"""feeds: batches, quarantine, registers

Revision ID: 0001
Revises:
Create Date: 2026-11-27 12:42:52.330770
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import cbec.storage.types
from cbec.storage import ddl

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""

    op.create_table(
        "ingest_batches",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("feed", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=1000), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("file_format", sa.String(length=16), nullable=False),
        sa.Column("encoding", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("rows_read", sa.BigInteger(), nullable=False),
        sa.Column("rows_accepted", sa.BigInteger(), nullable=False),
        sa.Column("rows_quarantined", sa.BigInteger(), nullable=False),
        sa.Column("rows_duplicate", sa.BigInteger(), nullable=False),
        sa.Column("rows_new_version", sa.BigInteger(), nullable=False),
        sa.Column(
            "errors_by_rule",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "warnings",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingest_batches")),
    )
    with op.batch_alter_table("ingest_batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ingest_batches_checksum"), ["checksum"], unique=False)
        batch_op.create_index(batch_op.f("ix_ingest_batches_feed"), ["feed"], unique=False)
        batch_op.create_index(batch_op.f("ix_ingest_batches_status"), ["status"], unique=False)

    op.create_table(
        "quarantined_rows",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("feed", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=1000), nullable=False),
        sa.Column("line", sa.BigInteger(), nullable=True),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("column_name", sa.String(length=64), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column(
            "errors",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("raw_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["ingest_batches.id"], name=op.f("fk_quarantined_rows_batch_id_ingest_batches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarantined_rows")),
    )
    with op.batch_alter_table("quarantined_rows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quarantined_rows_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index("ix_quarantined_rows_feed_raw_hash", ["feed", "raw_hash"], unique=False)
        batch_op.create_index("ix_quarantined_rows_feed_rule", ["feed", "rule"], unique=False)

    ddl.create_register_table(
        "reg_enterprises",
        ["enterprise_id"],
        sa.Column("enterprise_id", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=True),
        sa.Column("city", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("founded_on", sa.Date(), nullable=True),
        sa.Column("employees", sa.BigInteger(), nullable=True),
    )

    ddl.create_register_table(
        "reg_institutions",
        ["institution_id"],
        sa.Column("institution_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("licence_no", sa.String(length=64), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
    )

    ddl.create_register_table(
        "reg_platforms",
        ["platform_id"],
        sa.Column("platform_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=True),
        sa.Column("enterprise_id", sa.String(length=18), nullable=True),
        sa.Column("city", sa.String(length=16), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
    )

    ddl.create_register_table(
        "reg_trade_statistics",
        ["year", "region", "indicator", "source"],
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("indicator", sa.String(length=100), nullable=False),
        sa.Column("value", cbec.storage.types.Amount(precision=38, scale=6), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("reported_growth_pct", cbec.storage.types.Amount(precision=38, scale=6), nullable=True),
        sa.Column("source", sa.String(length=300), nullable=False),
    )

    ddl.create_register_table(
        "reg_trademarks",
        ["mark_id"],
        sa.Column("mark_id", sa.String(length=64), nullable=False),
        sa.Column("mark_text", sa.String(length=200), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("nice_classes", sa.String(length=200), nullable=False),
        sa.Column("jurisdiction", sa.String(length=8), nullable=False),
        sa.Column("registered_at", sa.Date(), nullable=True),
        sa.Column("image", sa.String(length=1000), nullable=True),
    )


def downgrade() -> None:
    """Revert this revision."""

    ddl.drop_register_table("reg_trademarks")
    ddl.drop_register_table("reg_trade_statistics")
    ddl.drop_register_table("reg_platforms")
    ddl.drop_register_table("reg_institutions")
    ddl.drop_register_table("reg_enterprises")
    with op.batch_alter_table("quarantined_rows", schema=None) as batch_op:
        batch_op.drop_index("ix_quarantined_rows_feed_rule")
        batch_op.drop_index("ix_quarantined_rows_feed_raw_hash")
        batch_op.drop_index(batch_op.f("ix_quarantined_rows_batch_id"))

    op.drop_table("quarantined_rows")
    with op.batch_alter_table("ingest_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ingest_batches_status"))
        batch_op.drop_index(batch_op.f("ix_ingest_batches_feed"))
        batch_op.drop_index(batch_op.f("ix_ingest_batches_checksum"))

    op.drop_table("ingest_batches")
