"""The batch driver on Apache Spark: the rule semantics of cbec.monitoring.engine over a month of the lake.

The same month as the DuckDB driver (its payments plus a longest window of context, only the month's payments
fire), the same amount_cny (round-half-up to fen of amount x the rate of the payment's Asia/Shanghai day, in
exact decimals), the same total order, windows, episodes and alert ids. Everything row-wise runs in Spark
SQL (no Python UDF); the driver only turns each episode's row into an Alert. See spark_batch_sql for how the
windows are framed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from cbec.core.clock import SHANGHAI
from cbec.core.money import BASE_CURRENCY, FxRateMissing, FxTable
from cbec.core.months import month_bounds
from cbec.monitoring.batch.load import key_columns, leaves, rule_conditions
from cbec.monitoring.batch.spark.sql import (
    ACCOUNT_GROUP,
    FEN,
    RuleSql,
    ends_sql,
    fires_sql,
    group_of,
    listed_sql,
    measured_sql,
    ordered_sql,
    rule_sql,
)
from cbec.monitoring.engine import ACCOUNT_FIELDS, MAX_ALERT_PAYMENTS, Alert, make_alert, micros, ratio
from cbec.monitoring.rules.model import AggregateRule, RowRule, Rule, RuleSet, SequenceRule

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

RATE_PLACES = Decimal("1e-10")
DERIVED = ("amount_cny", "corridor")  # fields month_frame computes
ALWAYS = (
    "payment_id",
    "institution_id",
    "initiated_at",
    "amount",
    "currency",
    "payer_country",
    "payee_country",
)
ORDER_BITS = 62  # ord = (ts - base) * slots + tie stays below 2**62


def fx_frame(spark: SparkSession, fx: FxTable, pairs: list[tuple[date, str]]) -> DataFrame:
    """Return (day, currency, rate) for the pairs that have a rate in effect (CNY at 1), rates exact to 1e-10."""
    rows = []
    for day, currency in sorted(pairs):
        try:
            rate = Decimal(1) if currency == BASE_CURRENCY else fx.rate(currency, day)
        except FxRateMissing:
            continue  # payments in this currency that day are not monitored, as in streaming
        if rate != rate.quantize(RATE_PLACES):
            raise ValueError(f"FX rate {currency} {day} has more than 10 decimals: {rate}")
        rows.append((day, currency, rate.quantize(RATE_PLACES)))
    return spark.createDataFrame(rows, schema="day DATE, currency STRING, rate DECIMAL(18, 10)")


def read_columns(ruleset: RuleSet) -> list[str]:
    """Return the payment columns a run reads: what the rules test, group by or count, and the payment's own
    identity, time and amount; the rest (status, lineage, ...) never enters the sorts."""
    tested = [leaf.field for condition in rule_conditions(ruleset) for leaf in leaves(condition)]
    named = [*ALWAYS, *ACCOUNT_FIELDS, *key_columns(ruleset), *tested]
    return [name for name in dict.fromkeys(named) if name not in DERIVED]


def month_frame(
    spark: SparkSession, payments: DataFrame, *, ruleset: RuleSet, fx: FxTable, month: str | None
) -> tuple[DataFrame, int, int]:
    """Return the payments to run over (month plus context) with ts, fen, amount_cny, corridor and in_month,
    and the first and last instant they may have (epoch microseconds)."""
    from pyspark.sql import functions as F

    spark.conf.set("spark.sql.session.timeZone", SHANGHAI.key)  # a payment's day is its Shanghai date
    rows = payments.where("initiated_at IS NOT NULL").select(*(f"`{name}`" for name in read_columns(ruleset)))
    if month is not None:
        start, end = month_bounds(month)
        first_us, last_us = micros(start - timedelta(seconds=ruleset.longest_window.seconds)), micros(end) - 1
        rows = rows.where(f"unix_micros(initiated_at) BETWEEN {first_us} AND {last_us}")
        month_start = micros(start)
    else:
        bounds = rows.selectExpr("min(unix_micros(initiated_at))", "max(unix_micros(initiated_at))").first()
        first_us, last_us = (int(bounds[0]), int(bounds[1])) if bounds and bounds[0] is not None else (0, 0)
        month_start = first_us
    rows = rows.withColumn("day", F.expr("to_date(initiated_at)"))
    pairs = [(r["day"], r["currency"]) for r in rows.select("day", "currency").distinct().collect()]
    rates = fx_frame(spark, fx, [(d, c) for d, c in pairs if d is not None and c is not None])
    cny = "round(CAST(amount AS DECIMAL(19, 6)) * rate, 2)"  # exact: DECIMAL(38, 16) before rounding
    base = rows.join(F.broadcast(rates), on=["day", "currency"]).selectExpr(
        "*",
        "unix_micros(initiated_at) AS ts",
        f"CAST({cny} * 100 AS BIGINT) AS fen",
        f"CAST({cny} AS DECIMAL(21, 2)) AS amount_cny",
        "coalesce(payer_country, 'None') || '-' || coalesce(payee_country, 'None') AS corridor",
        f"unix_micros(initiated_at) >= {month_start} AS in_month",
    )
    return base, first_us, last_us


def _stream(base: DataFrame, group: tuple[str, ...]) -> DataFrame:
    """Return a group's rows: one per payment with a whole key; payee and payer legs for the account."""
    if group == ACCOUNT_GROUP:
        inbound = base.where("payee_id IS NOT NULL").selectExpr("payee_id AS k0", "0 AS side", "*")
        outbound = base.where("payer_id IS NOT NULL").selectExpr("payer_id AS k0", "1 AS side", "*")
        return inbound.unionByName(outbound)
    whole = " AND ".join(f"`{name}` IS NOT NULL" for name in group)
    return base.where(whole).selectExpr(*(f"`{n}` AS k{i}" for i, n in enumerate(group)), "0 AS side", "*")


def slots_for(span_us: int) -> int:
    """Return the tie slots per microsecond: the largest power of two keeping ord below 2**62."""
    slots = 1 << (ORDER_BITS - (span_us + 2).bit_length())
    if slots < 4:
        raise ValueError("the run spans too long a time for one batch run")
    return slots


@contextmanager
def _views(spark: SparkSession) -> Iterator[dict[str, str]]:
    """Give unique temporary view names and drop the views on exit."""
    suffix = uuid.uuid4().hex[:10]
    names = {kind: f"_cbec_{kind}_{suffix}" for kind in ("stream", "ordered", "rows", "measured", "episodes")}
    try:
        yield names
    finally:
        for name in names.values():
            spark.catalog.dropTempView(name)


def _observed(rule: Rule, num: int, den: int | None) -> Decimal:
    """Return an episode's observed value from its latest firing's integers, as batch_rules reads them."""
    if isinstance(rule, RowRule):
        return Decimal(num).scaleb(-2)
    if isinstance(rule, SequenceRule) or den is not None:
        return ratio(Decimal(num), Decimal(den or 0))
    assert isinstance(rule, AggregateRule)
    if rule.clause.measure.kind in ("sum", "max"):
        return Decimal(num).scaleb(-2)
    return Decimal(num)


def _group_alerts(
    spark: SparkSession,
    base: DataFrame,
    group: tuple[str, ...],
    rules: list[RuleSql],
    base_us: int,
    slots: int,
) -> list[Alert]:
    """Run the rules of one key group; every intermediate is materialised (localCheckpoint), which also keeps
    Spark's query plans small: planning a window over dozens of rules on an unmaterialised lineage took
    longer than running it."""
    keys = [f"k{i}" for i in range(len(group))]
    with _views(spark) as view:
        _stream(base, group).createOrReplaceTempView(view["stream"])
        rows = spark.sql(ordered_sql(view["stream"], keys, rules, base_us, slots))
        ends = ends_sql(view["ordered"], keys, rules, slots)
        if ends is not None:  # distinct counts: the rows are read twice, so materialise them once
            rows = rows.localCheckpoint()
            rows.createOrReplaceTempView(view["ordered"])
            rows = rows.unionByName(spark.sql(ends), allowMissingColumns=True)
        rows.createOrReplaceTempView(view["rows"])
        measured = spark.sql(measured_sql(view["rows"], keys, rules, slots)).localCheckpoint()
        measured.createOrReplaceTempView(view["measured"])
        top = measured.selectExpr("max(tie)").first()
        if top is not None and top[0] is not None and int(top[0]) >= slots // 2:
            raise ValueError(f"more than {slots // 2} payments of one key in one microsecond")
        episodes = spark.sql(fires_sql(view["measured"], keys, rules)).localCheckpoint()
        episodes.createOrReplaceTempView(view["episodes"])
        listed = spark.sql(listed_sql(view["measured"], view["episodes"], keys, rules, MAX_ALERT_PAYMENTS))
        found = episodes.join(listed, on=["rule", *keys, "episode"]).collect()
    by_index = {r.index: r.rule for r in rules}
    return [_alert(by_index[int(row["rule"])], row.asDict(), keys) for row in found]


def _alert(rule: Rule, row: dict[str, Any], keys: list[str]) -> Alert:
    listed = row["listed"]
    return make_alert(
        rule,
        tuple(str(row[k]) for k in keys),
        first_fire=(row["fire_institution"], row["fire_payment"]),
        observed=_observed(rule, int(row["num"]), None if row["den"] is None else int(row["den"])),
        first_us=int(listed[0]["ts"]),
        last_us=int(row["last_us"]),
        payments=tuple((p["institution_id"], p["payment_id"]) for p in listed),
        payment_count=int(row["c_to"]) - int(row["c_from"]) + 1,
    )


def run_batch_spark(
    spark: SparkSession, payments: DataFrame, *, ruleset: RuleSet, fx: FxTable, month: str | None = None
) -> list[Alert]:
    """Run every rule over a month of `payments` (all of it when month is None) on Spark; return the alerts."""
    base, first_us, last_us = month_frame(spark, payments, ruleset=ruleset, fx=fx, month=month)
    base = base.localCheckpoint()  # read the lake once for every group
    slots = slots_for(last_us - first_us + ruleset.longest_window.micros)  # frames reach back one window
    groups: dict[tuple[str, ...], list[RuleSql]] = {}
    for index, rule in enumerate(ruleset.rules):
        groups.setdefault(group_of(rule), []).append(rule_sql(index, rule))
    alerts: list[Alert] = []
    for group, rules in groups.items():
        alerts += _group_alerts(spark, base, group, rules, first_us, slots)
    order = {rule.header.id: n for n, rule in enumerate(ruleset.rules)}
    return sorted(alerts, key=lambda a: (order[a.rule_id], a.first_at, a.alert_id))


__all__ = ["FEN", "run_batch_spark"]
