"""Feeds: ingest batches, the rows they quarantined, payment status reports, and the versioned registers."""

from __future__ import annotations

import sqlalchemy as sa

from cbec.storage import ddl
from cbec.storage.ddl import AMOUNT, JSON, TIMESTAMP

REGISTERS = (
    "reg_enterprises",
    "reg_institutions",
    "reg_platforms",
    "reg_trade_statistics",
    "reg_trademarks",
    "reg_training_programmes",
    "reg_education_events",
    "reg_brand_recognitions",
    "reg_patents",
    "reg_copyrights",
    "reg_customs_recordations",
)


def upgrade() -> None:
    """Create the feeds' tables."""
    ddl.create_table(
        "ingest_batches",
        sa.Column("feed", sa.String(32), nullable=False),
        sa.Column("source", sa.String(1000), nullable=False),
        sa.Column("checksum", sa.String(64), nullable=False),
        sa.Column("file_format", sa.String(16), nullable=False),
        sa.Column("encoding", sa.String(16), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", TIMESTAMP, nullable=False),
        sa.Column("finished_at", TIMESTAMP, nullable=True),
        sa.Column("rows_read", sa.BigInteger(), nullable=False),
        sa.Column("rows_accepted", sa.BigInteger(), nullable=False),
        sa.Column("rows_quarantined", sa.BigInteger(), nullable=False),
        sa.Column("rows_duplicate", sa.BigInteger(), nullable=False),
        sa.Column("rows_new_version", sa.BigInteger(), nullable=False),
        sa.Column("errors_by_rule", JSON, nullable=False),
        sa.Column("warnings", JSON, nullable=False),
        sa.Index("ix_ingest_batches_checksum", "checksum"),
        sa.Index("ix_ingest_batches_feed", "feed"),
        sa.Index("ix_ingest_batches_status", "status"),
    )
    ddl.create_table(
        "quarantined_rows",
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("feed", sa.String(32), nullable=False),
        sa.Column("source", sa.String(1000), nullable=False),
        sa.Column("line", sa.BigInteger(), nullable=True),
        sa.Column("rule", sa.String(40), nullable=False),
        sa.Column("column_name", sa.String(64), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("errors", JSON, nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("raw_hash", sa.String(64), nullable=False),
        ddl.foreign_key("quarantined_rows", "batch_id", "ingest_batches"),
        sa.Index("ix_quarantined_rows_batch_id", "batch_id"),
        sa.Index("ix_quarantined_rows_feed_raw_hash", "feed", "raw_hash"),
        sa.Index("ix_quarantined_rows_feed_rule", "feed", "rule"),
        id_type=ddl.BIG_KEY,
    )
    ddl.create_table(
        "payment_status_reports",
        sa.Column("msg_id", sa.String(64), nullable=False),
        sa.Column("tx_index", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(1000), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("payment_id", sa.String(64), nullable=True),
        sa.Column("original_msg_id", sa.String(64), nullable=True),
        sa.Column("original_created_at", TIMESTAMP, nullable=True),
        sa.Column("status", sa.String(4), nullable=True),
        sa.Column("status_at", TIMESTAMP, nullable=True),
        sa.Column("problem", sa.String(40), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("loaded_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint("msg_id", "tx_index", name="uq_payment_status_reports_msg_id_tx_index"),
        sa.Index("ix_payment_status_reports_payment_id", "payment_id"),
    )
    _registers()


def _registers() -> None:
    """The registers: each keeps every version of a record with its lineage (`ddl.create_register_table`)."""
    ddl.create_register_table(
        "reg_enterprises",
        ["enterprise_id"],
        sa.Column("enterprise_id", sa.String(18), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=True),
        sa.Column("city", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("founded_on", sa.Date(), nullable=True),
        sa.Column("employees", sa.BigInteger(), nullable=True),
    )
    ddl.create_register_table(
        "reg_institutions",
        ["institution_id"],
        sa.Column("institution_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("licence_no", sa.String(64), nullable=True),
        sa.Column("country", sa.String(2), nullable=False),
    )
    ddl.create_register_table(
        "reg_platforms",
        ["platform_id"],
        sa.Column("platform_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=True),
        sa.Column("enterprise_id", sa.String(18), nullable=True),
        sa.Column("city", sa.String(16), nullable=True),
        sa.Column("country", sa.String(2), nullable=True),
    )
    ddl.create_register_table(
        "reg_trade_statistics",
        ["year", "region", "indicator", "source"],
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(64), nullable=False),
        sa.Column("indicator", sa.String(100), nullable=False),
        sa.Column("value", AMOUNT, nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("reported_growth_pct", AMOUNT, nullable=True),
        sa.Column("source", sa.String(300), nullable=False),
    )
    ddl.create_register_table(
        "reg_trademarks",
        ["mark_id"],
        sa.Column("mark_id", sa.String(64), nullable=False),
        sa.Column("mark_text", sa.String(200), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("nice_classes", sa.String(200), nullable=False),
        sa.Column("jurisdiction", sa.String(8), nullable=False),
        sa.Column("registered_at", sa.Date(), nullable=True),
        sa.Column("image", sa.String(1000), nullable=True),
    )
    ddl.create_register_table(
        "reg_training_programmes",
        ["programme_id"],
        sa.Column("programme_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("provider", sa.String(200), nullable=False),
        sa.Column("provider_kind", sa.String(32), nullable=False),
        sa.Column("mode", sa.String(32), nullable=False),
        sa.Column("city", sa.String(16), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("trainees", sa.BigInteger(), nullable=False),
        sa.Column("tests_passed", sa.BigInteger(), nullable=True),
        sa.Column("placed_within_6_months", sa.BigInteger(), nullable=True),
        sa.Column("funding_granted", AMOUNT, nullable=True),
    )
    ddl.create_register_table(
        "reg_education_events",
        ["event_id"],
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("organiser", sa.String(200), nullable=False),
        sa.Column("city", sa.String(16), nullable=False),
        sa.Column("reach", sa.BigInteger(), nullable=False),
        sa.Column("topic", sa.String(300), nullable=True),
    )
    ddl.create_register_table(
        "reg_brand_recognitions",
        ["recognition_id"],
        sa.Column("recognition_id", sa.String(64), nullable=False),
        sa.Column("brand", sa.String(200), nullable=False),
        sa.Column("enterprise_id", sa.String(18), nullable=True),
        sa.Column("city", sa.String(16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(32), nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
    )
    _ip_registers()


def _ip_registers() -> None:
    """The registers of patents, copyrights and customs recordations that the IP checks read."""
    ddl.create_register_table(
        "reg_patents",
        ["patent_id"],
        sa.Column("patent_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("classes", sa.String(200), nullable=False),
        sa.Column("claims", sa.Text(), nullable=True),
        sa.Column("views", sa.Text(), nullable=True),
        sa.Column("jurisdiction", sa.String(8), nullable=False),
        sa.Column("filed_at", sa.Date(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
    )
    ddl.create_register_table(
        "reg_copyrights",
        ["work_id"],
        sa.Column("work_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("image", sa.String(1000), nullable=True),
        sa.Column("registered_at", sa.Date(), nullable=True),
    )
    ddl.create_register_table(
        "reg_customs_recordations",
        ["recordation_id"],
        sa.Column("recordation_id", sa.String(64), nullable=False),
        sa.Column("right_kind", sa.String(32), nullable=False),
        sa.Column("right_id", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("licensees", sa.String(1000), nullable=True),
        sa.Column("hs_codes", sa.String(200), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
    )


def downgrade() -> None:
    """Drop the feeds' tables."""
    ddl.drop_tables(*reversed(REGISTERS), "payment_status_reports", "quarantined_rows", "ingest_batches")
