"""pg scale: alerts partitioned by month on PostgreSQL, queue indexes, (alert_id, alert_month) foreign keys

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 17:30:00

PostgreSQL: `alerts` becomes `PARTITION BY LIST (month)` with one partition per month, a default partition,
primary key (id, month) and unique (alert_key, month); the rows are copied over, the id sequence is kept.
`alert_payments` and `pattern_case_alerts` get `alert_month` so their foreign keys can name (id, month).
The function cbec_alert_partition(month) creates a month's partition when it is first needed.

Both: the alert queue's indexes (severity rank, newest first; by month on SQLite, by partition on PostgreSQL;
by institution) and notices by deadline (the overdue check).

SQLite keeps one plain table: `alerts` is altered in place, never recreated, because dropping it would
cascade-delete the rows that reference it; its old unique alert_key stays (stricter, and true anyway).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHILDREN = ("alert_payments", "pattern_case_alerts")
RANK = "CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 9 END"
NEWEST = [sa.text("first_at DESC"), sa.text("id DESC")]
QUEUE = [sa.text("severity_rank"), *NEWEST]

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
    EXECUTE format('CREATE TABLE %I PARTITION OF alerts FOR VALUES IN (%L)', part, p_month);
    RETURN part;
END
$$
"""


def upgrade() -> None:
    """Apply this revision."""
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()


def _add_alert_month(table: str) -> None:
    op.add_column(table, sa.Column("alert_month", sa.String(length=7), nullable=True))
    op.execute(f"UPDATE {table} SET alert_month = (SELECT month FROM alerts WHERE alerts.id = {table}.alert_id)")


def _upgrade_sqlite() -> None:
    op.add_column("alerts", sa.Column("severity_rank", sa.SmallInteger(), nullable=False, server_default="9"))
    op.execute(f"UPDATE alerts SET severity_rank = {RANK}")
    op.create_index("uq_alerts_alert_key_month", "alerts", ["alert_key", "month"], unique=True)
    op.create_index("uq_alerts_id_month", "alerts", ["id", "month"], unique=True)
    op.drop_index("ix_alerts_institution_id", "alerts")
    op.create_index("ix_alerts_month_queue", "alerts", [sa.text("month"), *QUEUE])
    op.create_index("ix_alerts_month_newest", "alerts", [sa.text("month"), *NEWEST])
    op.create_index("ix_alerts_institution_queue", "alerts", [sa.text("institution_id"), *QUEUE])
    op.create_index("ix_notices_due_at", "notices", ["due_at"])
    for table in CHILDREN:
        _add_alert_month(table)
        with op.batch_alter_table(table, recreate="always") as batch:
            batch.alter_column("alert_month", nullable=False, existing_type=sa.String(length=7))
            batch.drop_constraint(f"fk_{table}_alert_id_alerts", type_="foreignkey")
            batch.create_foreign_key(
                f"fk_{table}_alert_id_alerts",
                "alerts",
                ["alert_id", "alert_month"],
                ["id", "month"],
                ondelete="CASCADE",
            )


def _upgrade_postgresql() -> None:
    for table in CHILDREN:
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT fk_{table}_alert_id_alerts")
        _add_alert_month(table)
        op.execute(f"ALTER TABLE {table} ALTER COLUMN alert_month SET NOT NULL")
    op.execute("ALTER SEQUENCE alerts_id_seq OWNED BY NONE")
    op.execute("CREATE TABLE alerts_partitioned (LIKE alerts INCLUDING DEFAULTS) PARTITION BY LIST (month)")
    op.execute("ALTER TABLE alerts_partitioned ADD COLUMN severity_rank smallint NOT NULL DEFAULT 9")
    op.execute("CREATE TABLE alerts_default PARTITION OF alerts_partitioned DEFAULT")
    months = [row[0] for row in op.get_bind().execute(sa.text("SELECT DISTINCT month FROM alerts"))]
    for month in months:
        name = "alerts_" + month.replace("-", "_")
        op.execute(f"CREATE TABLE {name} PARTITION OF alerts_partitioned FOR VALUES IN ('{month}')")
    op.execute(f"INSERT INTO alerts_partitioned SELECT a.*, {RANK} FROM alerts a")
    op.execute("DROP TABLE alerts")
    op.execute("ALTER TABLE alerts_partitioned RENAME TO alerts")
    op.execute("ALTER SEQUENCE alerts_id_seq OWNED BY alerts.id")
    op.execute("ALTER TABLE alerts ADD CONSTRAINT pk_alerts PRIMARY KEY (id, month)")
    op.execute("ALTER TABLE alerts ADD CONSTRAINT uq_alerts_alert_key_month UNIQUE (alert_key, month)")
    op.create_index("ix_alerts_key_text", "alerts", ["key_text"])
    op.create_index("ix_alerts_month_rule", "alerts", ["month", "rule_id"])
    op.create_index("ix_alerts_status_severity", "alerts", ["status", "severity"])
    op.create_index("ix_alerts_queue", "alerts", QUEUE)
    op.create_index("ix_alerts_newest", "alerts", NEWEST)
    op.create_index("ix_alerts_institution_queue", "alerts", [sa.text("institution_id"), *QUEUE])
    op.create_index("ix_notices_due_at", "notices", ["due_at"])
    for table in CHILDREN:
        op.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT fk_{table}_alert_id_alerts FOREIGN KEY (alert_id, alert_month) "
            "REFERENCES alerts (id, month) ON DELETE CASCADE"
        )
    op.execute(PARTITION_FUNCTION)


def downgrade() -> None:
    """Revert this revision: one plain alerts table again."""
    if op.get_bind().dialect.name == "postgresql":
        _downgrade_postgresql()
    else:
        _downgrade_sqlite()


def _downgrade_sqlite() -> None:
    for table in CHILDREN:
        with op.batch_alter_table(table, recreate="always") as batch:
            batch.drop_constraint(f"fk_{table}_alert_id_alerts", type_="foreignkey")
            batch.create_foreign_key(f"fk_{table}_alert_id_alerts", "alerts", ["alert_id"], ["id"], ondelete="CASCADE")
            batch.drop_column("alert_month")
    op.drop_index("ix_notices_due_at", "notices")
    op.drop_index("ix_alerts_institution_queue", "alerts")
    op.drop_index("ix_alerts_month_queue", "alerts")
    op.drop_index("ix_alerts_month_newest", "alerts")
    op.create_index("ix_alerts_institution_id", "alerts", ["institution_id"])
    op.drop_index("uq_alerts_id_month", "alerts")
    op.drop_index("uq_alerts_alert_key_month", "alerts")
    op.drop_column("alerts", "severity_rank")


def _downgrade_postgresql() -> None:
    op.drop_index("ix_notices_due_at", "notices")
    op.execute("DROP FUNCTION IF EXISTS cbec_alert_partition(text)")
    for table in CHILDREN:
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT fk_{table}_alert_id_alerts")
        op.drop_column(table, "alert_month")
    op.execute("ALTER SEQUENCE alerts_id_seq OWNED BY NONE")
    op.execute("CREATE TABLE alerts_plain (LIKE alerts INCLUDING DEFAULTS)")
    op.execute("ALTER TABLE alerts_plain DROP COLUMN severity_rank")
    op.execute(
        "INSERT INTO alerts_plain SELECT id, alert_key, rule_id, rule_version, ruleset_version, severity, "
        'typology, group_key, key_text, observed, threshold, "window", first_at, last_at, month, '
        "institution_id, payment_count, explanation_zh, explanation_en, evidence, status, source, "
        "created_at FROM alerts"
    )
    op.execute("DROP TABLE alerts CASCADE")
    op.execute("ALTER TABLE alerts_plain RENAME TO alerts")
    op.execute("ALTER SEQUENCE alerts_id_seq OWNED BY alerts.id")
    op.execute("ALTER TABLE alerts ADD CONSTRAINT pk_alerts PRIMARY KEY (id)")
    op.execute("ALTER TABLE alerts ADD CONSTRAINT uq_alerts_alert_key UNIQUE (alert_key)")
    op.create_index("ix_alerts_institution_id", "alerts", ["institution_id"])
    op.create_index("ix_alerts_key_text", "alerts", ["key_text"])
    op.create_index("ix_alerts_month_rule", "alerts", ["month", "rule_id"])
    op.create_index("ix_alerts_status_severity", "alerts", ["status", "severity"])
    for table in CHILDREN:
        op.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT fk_{table}_alert_id_alerts FOREIGN KEY (alert_id) "
            "REFERENCES alerts (id) ON DELETE CASCADE"
        )
