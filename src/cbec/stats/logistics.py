"""Logistics cost and time from the waybills and their orders, on the read side (DuckDB over the lake).

A parcel is a waybill shipped in the month (the lake's `month` of a waybill is that of `shipped_at`). Its corridor
is origin-destination, its carrier the logistics firm, its mode what the order's customs mode says
(`domain.SHIPPING_MODE_OF_CUSTOMS_MODE`; `unknown` without an order). Its cost is the freight its order states,
in CNY at the rate of the order's Asia/Shanghai date: the contract's waybill carries no charge of the carrier's,
so this is freight as billed on the order, and an order without freight (free shipping) is not costed. Transit is
shipped to delivered, for delivered parcels only; p50 and p90 are interpolated percentiles. The join runs once,
into a temporary table that the five summaries (three dimensions, the total, the trend) then read.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa

from cbec.core.money import BASE_CURRENCY, FxRateMissing, FxTable
from cbec.core.months import check_month, month_days, months_back, previous_month
from cbec.stats.domain import LOGISTICS_DIMENSIONS, SHIPPING_MODE_OF_CUSTOMS_MODE, days, per_unit
from cbec.stats.schemas import LogisticsGroup, LogisticsMonth, LogisticsReport

TREND_MONTHS = 6
_NO_ORDERS = (
    "(SELECT NULL::VARCHAR AS order_id, NULL::VARCHAR AS mode, NULL::DECIMAL(38, 6) AS freight, "
    "NULL::VARCHAR AS currency, NULL::TIMESTAMPTZ AS ordered_at WHERE false)"
)
_PARCELS = """
CREATE OR REPLACE TEMP TABLE _parcels AS
SELECT w.month,
       w.origin_country || '-' || w.destination_country AS corridor,
       w.logistics_id AS carrier,
       coalesce(m.shipping_mode, 'unknown') AS mode,
       w.weight_kg,
       w.status,
       CASE WHEN w.status = 'delivered' AND w.delivered_at IS NOT NULL
            THEN (epoch(w.delivered_at) - epoch(w.shipped_at)) / 86400.0 END AS transit_days,
       o.freight > 0 AND fx.cny_per_unit IS NULL AS unconverted,
       CASE WHEN o.freight > 0 THEN CAST(o.freight * fx.cny_per_unit AS DECIMAL(18, 2)) END AS freight_cny
FROM waybills w
LEFT JOIN {orders} o USING (order_id)  -- the orders of the window and the month before it (partitions pruned)
LEFT JOIN _modes m ON m.customs_mode = o.mode
LEFT JOIN _fx fx ON fx.day = CAST(timezone('Asia/Shanghai', o.ordered_at) AS DATE) AND fx.currency = o.currency
WHERE w.month IN ({months})
"""
_FIGURES = """
SELECT {key} AS key, count(*), count(*) FILTER (WHERE status = 'delivered'),
       count(*) FILTER (WHERE status IN ('lost', 'returned')), coalesce(sum(weight_kg), 0),
       count(freight_cny), coalesce(sum(freight_cny), 0), sum(weight_kg) FILTER (WHERE freight_cny IS NOT NULL),
       quantile_cont(transit_days, 0.5), quantile_cont(transit_days, 0.9), count(*) FILTER (WHERE unconverted)
FROM _parcels WHERE {where} GROUP BY 1 ORDER BY 2 DESC, 1
"""


def fx_days(fx: FxTable, months: list[str]) -> pa.Table:
    """Return (day, currency, cny_per_unit) for each day of the months and each currency the table knows."""
    rows: dict[str, list[Any]] = {"day": [], "currency": [], "cny_per_unit": []}
    for day in (d for m in months for d in month_days(m)):
        for currency in sorted(fx.currencies() | {BASE_CURRENCY}):
            try:
                rate = fx.rate(currency, day)
            except FxRateMissing:
                continue  # the parcel's freight is counted as unconverted
            rows["day"].append(day)
            rows["currency"].append(currency)
            rows["cny_per_unit"].append(rate.quantize(Decimal("1e-10")))
    schema = pa.schema([("day", pa.date32()), ("currency", pa.string()), ("cny_per_unit", pa.decimal128(20, 10))])
    return pa.table(rows, schema=schema)


def logistics_reads(month: str) -> dict[str, list[str]]:
    """Return the lake feeds and months a month's logistics report reads: the waybills of the trend's months, and
    the orders of those and the month before them."""
    window = list(months_back(check_month(month), TREND_MONTHS))
    return {"waybills": window, "orders": [previous_month(window[0]), *window]}


def _group(dimension: str, row: tuple[Any, ...]) -> LogisticsGroup:
    key, parcels, delivered, gone, kg, costed, freight, costed_kg, p50, p90, _unconverted = row
    return LogisticsGroup(
        dimension=dimension,
        key=str(key),
        parcels=int(parcels),
        delivered=int(delivered),
        lost_or_returned=int(gone),
        weight_kg=Decimal(kg).quantize(Decimal("0.01")),
        costed=int(costed),
        freight_cny=Decimal(freight).quantize(Decimal("0.01")),
        cost_per_parcel=per_unit(freight, costed),
        cost_per_kg=per_unit(freight, costed_kg),
        transit_p50_days=days(p50),
        transit_p90_days=days(p90),
    )


def logistics_report(con: duckdb.DuckDBPyConnection, fx: FxTable, month: str, views: set[str]) -> LogisticsReport:
    """Return a month's parcels by corridor, carrier and mode, the province total and the trend before it."""
    window = list(months_back(month, TREND_MONTHS))
    empty = LogisticsGroup(
        dimension="total",
        key="all",
        parcels=0,
        delivered=0,
        lost_or_returned=0,
        weight_kg=Decimal("0.00"),
        costed=0,
        freight_cny=Decimal("0.00"),
        cost_per_parcel=None,
        cost_per_kg=None,
        transit_p50_days=None,
        transit_p90_days=None,
    )
    if "waybills" not in views:
        return LogisticsReport(month=month, total=empty, groups=[], trend=[], unconverted=0)
    modes = pa.table(
        {
            "customs_mode": list(SHIPPING_MODE_OF_CUSTOMS_MODE),
            "shipping_mode": list(SHIPPING_MODE_OF_CUSTOMS_MODE.values()),
        }
    )
    con.register("_modes", modes)
    con.register("_fx", fx_days(fx, [previous_month(window[0]), *window]))
    listed = ", ".join(f"'{check_month(m)}'" for m in window)  # a view takes no parameters: checked YYYY-MM only
    ordered = ", ".join(f"'{m}'" for m in [previous_month(window[0]), *window])
    orders = (
        f"(SELECT order_id, mode, freight, currency, ordered_at FROM orders WHERE month IN ({ordered}))"
        if "orders" in views
        else _NO_ORDERS
    )
    con.execute(_PARCELS.format(orders=orders, months=listed))
    this = {"month": month}
    groups = [
        _group(dimension, row)
        for dimension in LOGISTICS_DIMENSIONS
        for row in con.execute(_FIGURES.format(key=dimension, where="month = $month"), this).fetchall()
    ]
    totals = con.execute(_FIGURES.format(key="'all'", where="month = $month"), this).fetchall()
    total = _group("total", totals[0]) if totals else empty
    trend = [
        LogisticsMonth(
            month=str(row[0]),
            parcels=int(row[1]),
            cost_per_parcel=per_unit(row[6], row[5]),
            cost_per_kg=per_unit(row[6], row[7]),
            transit_p50_days=days(row[8]),
            transit_p90_days=days(row[9]),
        )
        for row in sorted(con.execute(_FIGURES.format(key="month", where="true")).fetchall())
    ]
    return LogisticsReport(
        month=month, total=total, groups=groups, trend=trend, unconverted=int(totals[0][10]) if totals else 0
    )
