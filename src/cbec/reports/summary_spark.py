"""The province summary's sums on Spark: the same GROUPING SETS as the DuckDB query, over the lake's files."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from cbec.core.months import check_month
from cbec.feeds.service import spark_read_side
from cbec.storage.spark import spark_session
from cbec.storage.store import Store

# amount x rate in exact decimals: DECIMAL(19, 6) x DECIMAL(18, 10) is DECIMAL(38, 16), as in DuckDB.
_SUMMARY_SQL = """
WITH p AS (
    SELECT p.channel, p.direction, coalesce(c.city, '') AS city,
           p.payer_country || '→' || p.payee_country AS corridor,
           CAST(p.amount AS DECIMAL(19, 6)) * CAST(fx.cny_per_unit AS DECIMAL(18, 10)) AS cny
    FROM {payments} AS p
    LEFT JOIN {fx} AS fx ON fx.day = to_date(p.initiated_at) AND fx.currency = p.currency
    LEFT JOIN {cities} AS c ON c.enterprise_id = p.enterprise_id
    WHERE p.month = '{month}' AND p.status = 'succeeded'
)
SELECT CASE WHEN grouping(channel) = 0 THEN 'channel' WHEN grouping(direction) = 0 THEN 'direction'
            WHEN grouping(city) = 0 THEN 'city' WHEN grouping(corridor) = 0 THEN 'corridor' ELSE 'total' END,
       coalesce(channel, direction, city, corridor, ''),
       count(*), CAST(round(sum(cny), 2) AS DECIMAL(38, 2)), count(*) - count(cny)
FROM p
GROUP BY GROUPING SETS ((), (channel), (direction), (city), (corridor))
"""


def month_rows_spark(*, store: Store, month: str, fx: pa.Table, cities: pa.Table) -> list[tuple[Any, ...]]:
    """Return (dimension, key, payments, amount_cny, unconverted) of a month's succeeded payments, on Spark."""
    check_month(month)
    spark = spark_session(store.settings)
    spark.conf.set("spark.sql.session.timeZone", store.settings.timezone)
    frames = spark_read_side(store=store, spark=spark)
    if "payments" not in frames:
        return []
    names = {"payments": "_report_payments", "fx": "_report_fx", "cities": "_report_cities"}
    frames["payments"].createOrReplaceTempView(names["payments"])
    spark.createDataFrame(
        fx.to_pylist(), schema="day DATE, currency STRING, cny_per_unit DECIMAL(20, 10)"
    ).createOrReplaceTempView(names["fx"])
    spark.createDataFrame(cities.to_pylist(), schema="enterprise_id STRING, city STRING").createOrReplaceTempView(
        names["cities"]
    )
    try:
        rows = spark.sql(_SUMMARY_SQL.format(month=month, **names)).collect()
    finally:
        for name in names.values():
            spark.catalog.dropTempView(name)
    return [tuple(row) for row in rows]
