"""Three-document matching with Spark: the lake's scans, joins and per-order aggregates run in Spark SQL.

Spark builds `joined` (one row per payment with an order_id: its order, waybills, declarations and FX
rates) with the join the DuckDB path runs (cbec.monitoring.matching.joined, in Spark's dialect), and the
comparisons, flags and bilingual explanations run over that table with the very SQL of the DuckDB path
(matching.sql.flags_sql, findings_sql), so both backends decide and word every finding the same way.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

import duckdb

from cbec.core.clock import SHANGHAI
from cbec.core.money import FxTable
from cbec.monitoring.matching.joined import FEED_COLUMNS, SPARK, empty_feed, joined_sql
from cbec.monitoring.matching.run import MatchResult, check_matching_args, findings_of, fx_rates_table
from cbec.monitoring.matching.sql import flags_sql

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


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
    views = {feed: f"_match_{feed}_{suffix}" for feed in FEED_COLUMNS if feed in frames}
    fx_view = f"_match_fx_{suffix}"
    for feed, view in views.items():
        frames[feed].createOrReplaceTempView(view)
    sources = {feed: views.get(feed, f"({empty_feed(feed, SPARK)})") for feed in FEED_COLUMNS}
    try:
        payments = frames["payments"].where("order_id IS NOT NULL")
        if month:
            payments = payments.where(f"month = '{month}'")
        days = [r[0] for r in payments.selectExpr("CAST(initiated_at AS DATE)").distinct().collect()]
        rates = fx_rates_table(fx, [d for d in days if d is not None])
        spark.createDataFrame(
            rates.to_pylist(), schema="day DATE, currency STRING, cny_per_unit DECIMAL(24, 12)"
        ).createOrReplaceTempView(fx_view)
        query = joined_sql(SPARK, sources=sources, fx=fx_view, by_month=bool(month)) + "\nSELECT * FROM joined"
        joined = spark.sql(query, args={"month": month} if month else None).toArrow()
    finally:
        for view in (*views.values(), fx_view):
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
