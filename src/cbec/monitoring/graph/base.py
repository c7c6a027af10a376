"""The month's payments as the graph detectors read them: `_mon_base` in DuckDB with amount_cny and context.

(The rule engine's batch driver reads the month its own way, in numpy; the graph joins want a SQL table.)
"""

from __future__ import annotations

from datetime import timedelta

import duckdb

from cbec.core.money import FxTable
from cbec.monitoring.batch.driver import month_bounds
from cbec.monitoring.matching.run import fx_rates_table
from cbec.monitoring.rules.model import RuleSet

_BASE_COLUMNS = (
    "institution_id, payment_id, channel, direction, payer_id, payee_id, payer_type, payee_type, "
    "payer_country, payee_country, enterprise_id, order_id, amount, currency, status"
)


def prepare(
    con: duckdb.DuckDBPyConnection,
    *,
    ruleset: RuleSet,
    fx: FxTable,
    month: str | None,
    source: str,
    context_seconds: int | None = None,
) -> None:
    """Create _mon_base: the month's payments plus context (the longest window by default), with amount_cny."""
    local = "CAST(timezone('Asia/Shanghai', initiated_at) AS DATE)"
    where, in_month = "TRUE", "TRUE"
    if month is not None:
        start, end = month_bounds(month)
        context = start - timedelta(seconds=context_seconds or ruleset.longest_window.seconds)
        where = (
            f"initiated_at >= TIMESTAMPTZ '{context.isoformat()}' AND initiated_at < TIMESTAMPTZ '{end.isoformat()}'"
        )
        in_month = f"initiated_at >= TIMESTAMPTZ '{start.isoformat()}'"
    days = [row[0] for row in con.execute(f"SELECT DISTINCT {local} FROM {source} WHERE {where}").fetchall()]
    con.register("_mon_fx", fx_rates_table(fx, days))
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _mon_base AS
        SELECT {", ".join("p." + c.strip() for c in _BASE_COLUMNS.split(","))},
               CAST(round(CAST(p.amount AS DECIMAL(38, 6)) * fx.cny_per_unit, 2) AS DECIMAL(38, 2)) AS amount_cny,
               coalesce(payer_country, 'None') || '-' || coalesce(payee_country, 'None') AS corridor,
               epoch_us(initiated_at) AS ts, {in_month} AS in_month
        FROM (SELECT * FROM {source} WHERE {where}) AS p
        JOIN _mon_fx AS fx ON fx.day = {local.replace("initiated_at", "p.initiated_at")} AND fx.currency = p.currency
        """
    )
