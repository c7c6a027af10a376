"""storage: two first writers of a month no longer fail making its alerts partition

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-27 19:30:00

Two JetStream workers saving their first alerts of a month both called `cbec_alert_partition`: the second waited
on the advisory lock, then, its catalog cache not yet refreshed, did not see the table the first had committed
and failed with `relation "alerts_2026_10" already exists`. The function now treats that error as the partition
made (PostgreSQL only; SQLite has no partitions).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FUNCTION = r"""
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
    """Replace the partition function by one that survives a concurrent first writer."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_FUNCTION)


def downgrade() -> None:
    """Keep the function: the earlier one differs only in failing that race."""
