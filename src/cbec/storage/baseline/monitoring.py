"""Monitoring: alerts (partitioned by month on PostgreSQL), the tables hanging on them, match rates, pattern cases."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from cbec.storage import ddl
from cbec.storage.ddl import AMOUNT, JSON, TIMESTAMP

# The queue order of the alert lists: most severe first, then newest (cbec.storage.partitions makes the months).
NEWEST = (sa.text("first_at DESC"), sa.text("id DESC"))
QUEUE = (sa.text("severity_rank"), *NEWEST)

# Makes the month's partition on first use; one creator at a time, a concurrent first writer finds it made.
PARTITION_FUNCTION = r"""
CREATE OR REPLACE FUNCTION cbec_alert_partition(p_month text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    part text := 'alerts_' || replace(p_month, '-', '_');
BEGIN
    IF p_month !~ '^\d{4}-(0[1-9]|1[0-2])$' THEN
        RAISE EXCEPTION 'month must be YYYY-MM, got %', p_month;
    END IF;
    IF to_regclass(part) IS NOT NULL THEN
        RETURN part;
    END IF;
    -- One creator at a time; the loser of a race finds the partition made.
    PERFORM pg_advisory_xact_lock(hashtext('cbec_alert_partition'));
    IF to_regclass(part) IS NOT NULL THEN
        RETURN part;
    END IF;
    -- Rows of the month already in the default partition would make the new partition's bound invalid:
    -- they stay where they are (still found, only not pruned) until someone moves them.
    IF EXISTS (SELECT 1 FROM alerts_default WHERE month = p_month) THEN
        RETURN 'alerts_default';
    END IF;
    BEGIN
        EXECUTE format('CREATE TABLE %I PARTITION OF alerts FOR VALUES IN (%L)', part, p_month);
    EXCEPTION WHEN duplicate_table THEN
        NULL;  -- made by the writer we waited for (our catalog cache had not seen it yet)
    END;
    RETURN part;
END
$$
"""


def upgrade() -> None:
    """Create the alerts and the tables hanging on them, then match rates and pattern cases."""
    ddl.create_table(
        "alert_snoozes",
        sa.Column("rule_id", sa.String(80), nullable=False),
        sa.Column("key_text", sa.String(400), nullable=False),
        sa.Column("until", TIMESTAMP, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Index("ix_alert_snoozes_rule_id", "rule_id"),
    )
    _alerts()
    ddl.create_table(
        "alert_payments",
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.String(64), nullable=False),
        sa.Column("payment_id", sa.String(64), nullable=False),
        sa.Column("alert_month", sa.String(7), nullable=False),
        _to_alert("alert_payments"),
        sa.Index("ix_alert_payments_alert_id", "alert_id"),
        sa.Index("ix_alert_payments_payment", "institution_id", "payment_id"),
        id_type=ddl.BIG_KEY,
    )
    op.create_table(
        "alert_counts",
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("institution_id", sa.String(64), nullable=False),
        sa.Column("rule_id", sa.String(80), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("alerts", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("month", "institution_id", "rule_id", "severity", name="pk_alert_counts"),
    )
    ddl.create_table(
        "match_rates",
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("by", sa.String(20), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("payments", sa.BigInteger(), nullable=False),
        sa.Column("matched", sa.BigInteger(), nullable=False),
        sa.Column("refunded_or_reversed", sa.BigInteger(), nullable=False),
        sa.Column("computed_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint("month", "by", "key", name="uq_match_rates_month_by_key"),
        sa.Index("ix_match_rates_month", "month"),
    )
    _pattern_cases()


def _alerts() -> None:
    """The alerts: one table on SQLite; on PostgreSQL a table partitioned by month with a default partition."""
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:  # a partitioned table's keys must hold the month
        keys: tuple[sa.schema.SchemaItem, ...] = (
            sa.PrimaryKeyConstraint("id", "month", name="pk_alerts"),
            sa.UniqueConstraint("alert_key", "month", name="uq_alerts_alert_key_month"),
            sa.Index("ix_alerts_queue", *QUEUE),
            sa.Index("ix_alerts_newest", *NEWEST),
        )
        options: dict[str, Any] = {"postgresql_partition_by": "LIST (month)"}
    else:  # the payments' and cases' keys point at (id, month) here too
        keys = (
            sa.PrimaryKeyConstraint("id", name="pk_alerts"),
            sa.UniqueConstraint("alert_key", name="uq_alerts_alert_key"),
            sa.Index("uq_alerts_alert_key_month", "alert_key", "month", unique=True),
            sa.Index("uq_alerts_id_month", "id", "month", unique=True),
            sa.Index("ix_alerts_month_queue", sa.text("month"), *QUEUE),
            sa.Index("ix_alerts_month_newest", sa.text("month"), *NEWEST),
        )
        options = {}
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("alert_key", sa.String(500), nullable=False),
        sa.Column("rule_id", sa.String(80), nullable=False),
        sa.Column("rule_version", sa.Integer(), nullable=False),
        sa.Column("ruleset_version", sa.String(40), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("typology", sa.String(60), nullable=False),
        sa.Column("group_key", JSON, nullable=False),
        sa.Column("key_text", sa.String(400), nullable=False),
        sa.Column("observed", AMOUNT, nullable=False),
        sa.Column("threshold", AMOUNT, nullable=True),
        sa.Column("window", sa.String(20), nullable=False),
        sa.Column("first_at", TIMESTAMP, nullable=False),
        sa.Column("last_at", TIMESTAMP, nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("institution_id", sa.String(64), nullable=True),
        sa.Column("payment_count", sa.Integer(), nullable=False),
        sa.Column("explanation_zh", sa.Text(), nullable=False),
        sa.Column("explanation_en", sa.Text(), nullable=False),
        sa.Column("evidence", JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        # 0 critical .. 3 low, 9 unknown (cbec.core's severity order), so the queue sorts on an index
        sa.Column(
            "severity_rank", sa.SmallInteger(), nullable=False, server_default=sa.text("9") if postgresql else "9"
        ),
        *keys,
        sa.Index("ix_alerts_key_text", "key_text"),
        sa.Index("ix_alerts_month_rule", "month", "rule_id"),
        sa.Index("ix_alerts_status_severity", "status", "severity"),
        sa.Index("ix_alerts_institution_queue", sa.text("institution_id"), *QUEUE),
        **options,
    )
    if postgresql:
        op.execute("CREATE TABLE alerts_default PARTITION OF alerts DEFAULT")
        op.execute(PARTITION_FUNCTION)


def _to_alert(table: str) -> sa.ForeignKeyConstraint:
    """The key from a table hanging on an alert: the alert's id and month (the partition key on PostgreSQL)."""
    return sa.ForeignKeyConstraint(
        ["alert_id", "alert_month"],
        ["alerts.id", "alerts.month"],
        name=f"fk_{table}_alert_id_alerts",
        ondelete="CASCADE",
    )


def _pattern_cases() -> None:
    """Pattern cases (graph patterns over many alerts) and which alerts each holds."""
    ddl.create_table(
        "pattern_cases",
        sa.Column("case_key", sa.String(120), nullable=False),
        sa.Column("pattern", sa.String(40), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("title_zh", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=False),
        sa.Column("first_at", TIMESTAMP, nullable=False),
        sa.Column("last_at", TIMESTAMP, nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("account_count", sa.Integer(), nullable=False),
        sa.Column("payment_count", sa.Integer(), nullable=False),
        sa.Column("total_cny", AMOUNT, nullable=False),
        sa.Column("institutions", JSON, nullable=False),
        sa.Column("subgraph", JSON, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint("case_key", name="uq_pattern_cases_case_key"),
        sa.Index("ix_pattern_cases_month_pattern", "month", "pattern"),
    )
    ddl.create_table(
        "pattern_case_alerts",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("alert_month", sa.String(7), nullable=False),
        ddl.foreign_key("pattern_case_alerts", "case_id", "pattern_cases", ondelete="CASCADE"),
        _to_alert("pattern_case_alerts"),
        sa.UniqueConstraint("case_id", "alert_id", name="uq_pattern_case_alerts_case_alert"),
        sa.Index("ix_pattern_case_alerts_alert_id", "alert_id"),
        sa.Index("ix_pattern_case_alerts_case_id", "case_id"),
    )


def downgrade() -> None:
    """Drop them (on PostgreSQL the alerts' partitions go with the table, then the function that makes them)."""
    ddl.drop_tables(
        "pattern_case_alerts",
        "pattern_cases",
        "match_rates",
        "alert_counts",
        "alert_payments",
        "alerts",
        "alert_snoozes",
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS cbec_alert_partition(text)")
