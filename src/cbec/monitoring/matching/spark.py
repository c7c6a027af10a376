"""Three-document matching with Spark: the lake's scans, joins and per-order aggregates run in Spark SQL.

Spark builds `joined` (one row per payment with an order_id: its order, waybills, declarations and FX
rates, exactly as matching_sql.joined_sql), and the comparisons, flags and bilingual explanations run over
that table with the very SQL of the DuckDB path (matching_sql.flags_sql, findings_sql), so both backends
decide and word every finding the same way. Products of amounts and rates are cast so that Spark keeps
every decimal (DECIMAL(38, 18) before rounding to fen), as DuckDB does.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

import duckdb

from cbec.core.clock import SHANGHAI
from cbec.core.money import FxTable
from cbec.monitoring.matching.run import MatchResult, check_matching_args, findings_of, fx_rates_table
from cbec.monitoring.matching.sql import flags_sql

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

# Spark's empty stand-ins, with the lake's column types, for a feed nothing was loaded into.
EMPTY_FEEDS = {
    "orders": "order_id STRING, platform_id STRING, enterprise_id STRING, buyer_id STRING, buyer_country STRING, "
    "mode STRING, direction STRING, goods_value DECIMAL(38, 6), freight DECIMAL(38, 6), tax DECIMAL(38, 6), "
    "currency STRING",
    "waybills": "waybill_id STRING, order_id STRING, origin_country STRING, destination_country STRING, "
    "status STRING, shipped_at TIMESTAMP",
    "declarations": "declaration_id STRING, order_id STRING, waybill_id STRING, payment_id STRING, "
    "currency STRING, declared_value DECIMAL(38, 6)",
}


def _joined_sql(views: dict[str, str], month: str | None) -> str:
    where = f"AND month = '{month}'" if month else ""
    semi = "LEFT SEMI JOIN wanted USING (order_id)"
    return f"""
WITH pay AS (
    SELECT institution_id, payment_id, order_id, enterprise_id AS payment_enterprise_id, payer_id,
           payer_country, CAST(amount AS DECIMAL(38, 6)) AS amount, currency, initiated_at,
           to_date(initiated_at) AS pay_day, status, status = 'succeeded' AS checked
    FROM {views["payments"]} WHERE order_id IS NOT NULL {where}
),
wanted AS (SELECT DISTINCT order_id FROM pay),
ord AS (
    SELECT order_id, count(*) AS order_count, sort_array(collect_list(platform_id)) AS order_platform_ids,
           any_value(platform_id, true) AS order_platform_id, any_value(enterprise_id, true) AS order_enterprise_id,
           any_value(buyer_id, true) AS buyer_id, any_value(buyer_country, true) AS buyer_country,
           any_value(mode, true) AS mode, any_value(direction, true) AS order_direction,
           any_value(goods_value, true) AS goods_value, any_value(coalesce(freight, 0), true) AS freight,
           any_value(coalesce(tax, 0), true) AS tax, any_value(currency, true) AS order_currency
    FROM {views["orders"]} {semi} GROUP BY order_id
),
wb AS (
    SELECT order_id, sort_array(collect_list(waybill_id)) AS waybill_ids,
           sort_array(array_distinct(collect_list(origin_country))) AS origins,
           sort_array(array_distinct(collect_list(destination_country))) AS destinations,
           min(shipped_at) FILTER (WHERE status NOT IN ('lost', 'returned')) AS first_shipped_at,
           sort_array(collect_list(waybill_id || ' ' || status) FILTER (WHERE status IN ('lost', 'returned')))
               AS failed_waybills
    FROM {views["waybills"]} {semi} GROUP BY order_id
),
decl_rows AS (
    SELECT declaration_id, order_id, waybill_id, payment_id, currency, declared_value
    FROM {views["declarations"]} {semi}
),
decl AS (
    SELECT order_id, sort_array(collect_list(declaration_id)) AS declaration_ids,
           sort_array(collect_list(named_struct('id', declaration_id, 'payment_id', payment_id,
                                                'waybill_id', waybill_id))) AS decl_links,
           sort_array(array_distinct(collect_list(currency))) AS decl_currencies,
           CASE WHEN min(currency) = max(currency) THEN min(currency) END AS decl_currency,
           CASE WHEN min(currency) = max(currency) THEN sum(declared_value) END AS decl_value
    FROM decl_rows GROUP BY order_id
),
decl_cur AS (
    SELECT order_id, currency, sum(declared_value) AS declared_value FROM decl_rows
    WHERE order_id IN (SELECT order_id FROM decl WHERE decl_currency IS NULL) GROUP BY order_id, currency
),
decl_mixed AS (
    SELECT p.institution_id, p.payment_id,
           sum(round(CAST(d.declared_value AS DECIMAL(20, 6)) * CAST(fx.cny_per_unit AS DECIMAL(18, 12)), 2))
               AS decl_value_cny,
           count(fx.cny_per_unit) = count(*) AS decl_rates_known
    FROM pay AS p JOIN decl_cur AS d ON d.order_id = p.order_id
    LEFT JOIN {views["fx"]} AS fx ON fx.day = p.pay_day AND fx.currency = d.currency
    GROUP BY p.institution_id, p.payment_id
)
SELECT p.*, o.order_count, coalesce(o.order_count = 1, false) AS order_unique, o.order_platform_ids,
       CASE WHEN o.order_count = 1 THEN o.order_platform_id END AS platform_id,
       coalesce(CASE WHEN o.order_count = 1 THEN o.order_enterprise_id END, p.payment_enterprise_id)
           AS enterprise_id,
       o.buyer_id, o.buyer_country, o.mode, o.order_direction, o.goods_value, o.freight, o.tax,
       o.goods_value + o.freight + o.tax AS order_total, o.order_currency,
       w.waybill_ids, w.origins, w.destinations, w.first_shipped_at,
       CASE WHEN size(w.failed_waybills) > 0 THEN w.failed_waybills END AS failed_waybills,
       d.declaration_ids, d.decl_links, d.decl_currencies, d.decl_currency, d.decl_value,
       CAST(m.decl_value_cny AS DECIMAL(38, 2)) AS decl_value_cny,
       coalesce(m.decl_rates_known, true) AS decl_rates_known,
       fp.cny_per_unit AS pay_rate, fo.cny_per_unit AS order_rate, fd.cny_per_unit AS decl_rate
FROM pay AS p
LEFT JOIN ord AS o ON o.order_id = p.order_id
LEFT JOIN wb AS w ON w.order_id = p.order_id
LEFT JOIN decl AS d ON d.order_id = p.order_id
LEFT JOIN decl_mixed AS m ON m.institution_id = p.institution_id AND m.payment_id = p.payment_id
LEFT JOIN {views["fx"]} AS fp ON fp.day = p.pay_day AND fp.currency = p.currency
LEFT JOIN {views["fx"]} AS fo ON fo.day = p.pay_day AND fo.currency = o.order_currency
LEFT JOIN {views["fx"]} AS fd ON fd.day = p.pay_day AND fd.currency = d.decl_currency
"""


def match_documents_spark(
    spark: SparkSession,
    frames: dict[str, DataFrame],
    con: duckdb.DuckDBPyConnection,
    *,
    month: str | None = None,
    fx: FxTable,
    tolerance: Decimal = Decimal("0.05"),
    ship_within_days: int = 30,
) -> MatchResult:
    """Match a month's payments with their documents: joins on Spark, flags and texts on `con` (DuckDB).

    `frames` holds the lake's current rows by feed (payments required; a missing document feed counts as
    empty). The result equals cbec.monitoring.matching.run.match_documents on the same lake.
    """
    check_matching_args(month, tolerance, ship_within_days)
    spark.conf.set("spark.sql.session.timeZone", SHANGHAI.key)
    suffix = uuid.uuid4().hex[:10]
    views = {feed: f"_match_{feed}_{suffix}" for feed in ("payments", *EMPTY_FEEDS, "fx")}
    for feed, view in views.items():
        if feed in frames:
            frames[feed].createOrReplaceTempView(view)
        elif feed in EMPTY_FEEDS:
            spark.createDataFrame([], schema=EMPTY_FEEDS[feed]).createOrReplaceTempView(view)
    try:
        payments = spark.table(views["payments"]).where("order_id IS NOT NULL")
        if month:
            payments = payments.where(f"month = '{month}'")
        days = [r[0] for r in payments.selectExpr("to_date(initiated_at)").distinct().collect()]
        rates = fx_rates_table(fx, [d for d in days if d is not None])
        spark.createDataFrame(
            rates.to_pylist(), schema="day DATE, currency STRING, cny_per_unit DECIMAL(24, 12)"
        ).createOrReplaceTempView(views["fx"])
        joined = spark.sql(_joined_sql(views, month)).toArrow()
    finally:
        for view in views.values():
            spark.catalog.dropTempView(view)
    name = f"_match_joined_{suffix}"
    con.register(name, joined)
    try:
        return findings_of(
            con,
            "WITH " + flags_sql(name),
            month=month,
            tolerance=tolerance,
            ship_within_days=ship_within_days,
        )
    finally:
        con.unregister(name)
