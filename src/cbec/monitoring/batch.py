"""The batch driver: the rule semantics of cbec.monitoring.engine, vectorised in DuckDB over a month.

Windows are `RANGE` frames over an integer order key `ord = (µs since 2000) * 2048 + tie`, where `tie`
ranks the key's rows sharing one microsecond by (institution_id, payment_id, side). With a frame of
`(W_µs - 1) * 2048 + 1023 PRECEDING` it holds exactly the rows in (t - W, t] up to and including the
row itself, whatever the ties (fewer than 1,024 rows of one key in one microsecond are required).
De-duplication is the same named step as in the engine: a firing opens a new episode unless the
key's previous firing is less than W before it (a `lag`, then a running sum of episode starts).
With a month given, rows of the preceding longest window are read as context and only the month's
payments fire, so an episode running across the month boundary starts again in the new month.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import duckdb
import pyarrow as pa

from cbec.core.money import BASE_CURRENCY, FxRateMissing, FxTable
from cbec.monitoring.engine import (
    MAX_ALERT_PAYMENTS,
    TIMEZONE,
    Alert,
    make_alert,
    ratio,
    sql_condition,
    sql_literal,
)
from cbec.monitoring.rule_model import AggregateRule, Clause, RowRule, Rule, RuleSet, SequenceRule

BASE_US = 946_684_800_000_000  # 2000-01-01T00:00:00Z: keeps ord inside BIGINT until about 2140
TIE_SLOTS = 2048
MAX_TIES = 1024
_BASE_COLUMNS = (
    "institution_id, payment_id, channel, direction, payer_id, payee_id, payer_type, payee_type, "
    "payer_country, payee_country, enterprise_id, order_id, amount, currency, status"
)


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """Return the first instant of a 'YYYY-MM' month and of the next one, in Asia/Shanghai."""
    year, mon = (int(part) for part in month.split("-"))
    start = datetime(year, mon, 1, tzinfo=TIMEZONE)
    end = datetime(year + mon // 12, mon % 12 + 1, 1, tzinfo=TIMEZONE)
    return start, end


def fx_day_table(fx: FxTable, days: list[date]) -> pa.Table:
    """Return (day, currency, cny_per_unit) for every day and known currency, CNY included."""
    rows: dict[str, list[object]] = {"day": [], "currency": [], "cny_per_unit": []}
    for day in days:
        for currency in sorted(fx.currencies() | {BASE_CURRENCY}):
            try:
                rate = Decimal(1) if currency == BASE_CURRENCY else fx.rate(currency, day)
            except FxRateMissing:
                continue  # payments in this currency that day are not monitored, as in streaming
            if rate != rate.quantize(Decimal("1e-10")):
                raise ValueError(f"FX rate {currency} {day} has more than 10 decimals: {rate}")
            rows["day"].append(day)
            rows["currency"].append(currency)
            rows["cny_per_unit"].append(rate)
    schema = pa.schema(
        [("day", pa.date32()), ("currency", pa.string()), ("cny_per_unit", pa.decimal128(20, 10))]
    )
    return pa.table(rows, schema=schema)


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
        where = f"initiated_at >= TIMESTAMPTZ '{context.isoformat()}' AND initiated_at < TIMESTAMPTZ '{end.isoformat()}'"
        in_month = f"initiated_at >= TIMESTAMPTZ '{start.isoformat()}'"
    days = [row[0] for row in con.execute(f"SELECT DISTINCT {local} FROM {source} WHERE {where}").fetchall()]
    con.register("_mon_fx", fx_day_table(fx, days))
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


def _measure_sql(clause: Clause, index: dict[str, str]) -> tuple[str, str | None]:
    """Return (value, denominator) column names of a clause's measure."""
    measure = clause.measure
    if measure.kind == "ratio":
        return index[f"ratio:{measure.subset}"], "total"
    if measure.kind == "distinct":
        return index[f"distinct:{measure.field}"], None
    if measure.kind == "spread":
        return "mx", "mn"
    return {"count": "cnt", "sum": "total", "max": "mx"}[measure.kind], None


def _clause_sql(clause: Clause, index: dict[str, str]) -> str:
    value, den = _measure_sql(clause, index)
    threshold, low = sql_literal(clause.threshold), None if clause.min is None else sql_literal(clause.min)
    if den is None:
        parts = [f"{value} {clause.op} {threshold}"] + ([f"{value} >= {low}"] if low else [])
    else:
        parts = [f"{den} > 0", f"{value} {clause.op} {threshold} * {den}"]
        parts += [f"{value} >= {low} * {den}"] if low else []
    return "(" + " AND ".join(parts) + ")"


_WINDOW_MEASURES = (
    ("cnt", "count(*) OVER w"),
    ("total", "coalesce(sum(CASE WHEN side = 0 THEN amount_cny END) OVER w, 0)"),
    ("in_sum", "coalesce(sum(CASE WHEN side = 0 THEN amount_cny END) OVER w, 0)"),
    ("out_sum", "coalesce(sum(CASE WHEN side = 1 THEN amount_cny END) OVER w, 0)"),
    ("out_cnt", "count(CASE WHEN side = 1 THEN 1 END) OVER w"),
    ("mx", "max(amount_cny) OVER w"),
    ("mn", "min(amount_cny) OVER w"),
)


def rule_sql(rule: Rule) -> str:
    """Return the query of one rule's episodes: key, first firing, observed value and payments."""
    extras: list[str] = []
    index: dict[str, str] = {}
    measures: list[str] = []
    if isinstance(rule, SequenceRule):
        keys = ["k0"]
        stream = (
            f"SELECT payee_id AS k0, 0 AS side, * FROM _mon_base WHERE payee_id IS NOT NULL AND {sql_condition(rule.inbound)} "
            f"UNION ALL SELECT payer_id AS k0, 1 AS side, * FROM _mon_base "
            f"WHERE payer_id IS NOT NULL AND {sql_condition(rule.outbound)}"
        )
        fire = (
            f"side = 1 AND in_sum > 0 AND in_sum >= {sql_literal(rule.min_inbound_cny)} "
            f"AND out_sum >= {sql_literal(rule.min_outbound_cny)} AND out_cnt >= {rule.min_outbound_count} "
            f"AND out_sum >= {sql_literal(rule.ratio_min)} * in_sum"
            + ("" if rule.ratio_max is None else f" AND out_sum <= {sql_literal(rule.ratio_max)} * in_sum")
        )
        observed = "out_sum AS obs_num, in_sum AS obs_den"
    else:
        keys = [f"k{i}" for i in range(len(rule.group_by))]
        condition = rule.when if isinstance(rule, RowRule) else rule.where
        key_cols = ", ".join(f"{name} AS k{i}" for i, name in enumerate(rule.group_by))
        not_null = " AND ".join(f"{name} IS NOT NULL" for name in rule.group_by)
        stream = (
            f"SELECT {key_cols}, 0 AS side, * FROM _mon_base WHERE {not_null} AND {sql_condition(condition)}"
        )
        if isinstance(rule, RowRule):
            fire, observed = "TRUE", "amount_cny AS obs_num, NULL AS obs_den"
        else:
            for n, clause in enumerate((rule.clause, *rule.also)):
                m = clause.measure
                if m.kind == "ratio" and f"ratio:{m.subset}" not in index:
                    index[f"ratio:{m.subset}"] = f"x{n}"
                    extras.append(f"{sql_condition(m.subset)} AS x{n}_in")
                    measures.append(f"coalesce(sum(CASE WHEN x{n}_in THEN amount_cny END) OVER w, 0) AS x{n}")
                if m.kind == "distinct" and f"distinct:{m.field}" not in index:
                    index[f"distinct:{m.field}"] = f"x{n}"
                    measures.append(f"count(DISTINCT {m.field}) OVER w AS x{n}")
            fire = " AND ".join(_clause_sql(c, index) for c in (rule.clause, *rule.also))
            value, den = _measure_sql(rule.clause, index)
            observed = f"{value} AS obs_num, {den or 'NULL'} AS obs_den"
    part = ", ".join(keys)
    on = " AND ".join(f"o.{k} = e.{k}" for k in keys)
    extra = "".join(f", {e}" for e in extras)
    frame = (rule.window.micros - 1) * TIE_SLOTS + (MAX_TIES - 1)
    more = "".join(f", {m}" for m in measures)
    # Each window aggregate costs a pass over the partition: compute only those the rule reads.
    used = set(re.findall(r"\b(cnt|total|in_sum|out_sum|out_cnt|mx|mn)\b", f"{fire} {observed}"))
    window_measures = "".join(f"{sql} AS {name}, " for name, sql in _WINDOW_MEASURES if name in used)
    return f"""
    WITH stream AS ({stream}),
    ranked AS (
        SELECT *{extra},
               row_number() OVER (PARTITION BY {part}, ts ORDER BY institution_id, payment_id, side) - 1 AS tie,
               row_number() OVER (PARTITION BY {part} ORDER BY ts, institution_id, payment_id, side) AS seq
        FROM stream
    ),
    win AS (
        SELECT *, {window_measures}min(seq) OVER w AS wstart{more}
        FROM ranked
        WINDOW w AS (PARTITION BY {part} ORDER BY (ts - {BASE_US}) * {TIE_SLOTS} + tie
                     RANGE BETWEEN {frame} PRECEDING AND CURRENT ROW)
    ),
    fired AS (
        SELECT {part}, seq, ts, wstart, institution_id, payment_id, {observed},
               lag(ts) OVER (PARTITION BY {part} ORDER BY seq) AS prev
        FROM win WHERE in_month AND {fire}
    ),
    episodes AS (
        SELECT *, sum(CASE WHEN prev IS NULL OR ts - prev >= {rule.window.micros} THEN 1 ELSE 0 END)
                  OVER (PARTITION BY {part} ORDER BY seq ROWS UNBOUNDED PRECEDING) AS episode
        FROM fired
    ),
    e AS (
        SELECT {part}, episode, min(wstart) AS from_seq, max(seq) AS to_seq, max(ts) AS last_us,
               arg_min(institution_id, seq) AS fire_institution, arg_min(payment_id, seq) AS fire_payment,
               arg_max(obs_num, seq) AS obs_num, arg_max(obs_den, seq) AS obs_den
        FROM episodes GROUP BY {part}, episode
    )
    SELECT {", ".join(f"e.{k}" for k in keys)}, e.fire_institution, e.fire_payment, e.obs_num, e.obs_den,
           min(o.ts) AS first_us, e.last_us, count(*) AS n,
           list([o.institution_id, o.payment_id] ORDER BY o.seq)[1:{MAX_ALERT_PAYMENTS}] AS payments,
           max(o.tie) AS max_tie
    FROM e JOIN ranked AS o ON {on} AND o.seq BETWEEN e.from_seq AND e.to_seq
    GROUP BY ALL
    """


def run_batch(
    con: duckdb.DuckDBPyConnection,
    *,
    ruleset: RuleSet,
    fx: FxTable,
    month: str | None = None,
    source: str = "payments",
) -> list[Alert]:
    """Run every rule over a month of `source` (all of it when month is None); return the alerts."""
    prepare(con, ruleset=ruleset, fx=fx, month=month, source=source)
    alerts: list[Alert] = []
    for rule in ruleset.rules:
        width = 1 if isinstance(rule, SequenceRule) else len(rule.group_by)
        for row in con.execute(rule_sql(rule)).fetchall():
            key = tuple(str(v) for v in row[:width])
            fire_institution, fire_payment, num, den, first_us, last_us, count, payments, max_tie = row[
                width:
            ]
            if max_tie is not None and max_tie >= MAX_TIES:
                raise ValueError(
                    f"{rule.header.id}: more than {MAX_TIES} payments of one key in one microsecond"
                )
            is_ratio = isinstance(rule, SequenceRule) or (
                isinstance(rule, AggregateRule) and rule.clause.measure.kind in ("ratio", "spread")
            )
            observed = ratio(Decimal(num), Decimal(den)) if is_ratio else Decimal(num)
            alerts.append(
                make_alert(
                    rule,
                    key,
                    first_fire=(fire_institution, fire_payment),
                    observed=observed,
                    first_us=first_us,
                    last_us=last_us,
                    payments=tuple((p[0], p[1]) for p in payments),
                    payment_count=count,
                )
            )
    con.execute("DROP TABLE IF EXISTS _mon_base")
    con.unregister("_mon_fx")
    return alerts
