"""The province summary: a month's payments by channel, direction, city and corridor, with MoM and YoY.

Each month's sums are its rollup (reports/rollups.py), keyed by the month's lake files, the enterprise-to-city table
and the FX rates used, so the months compared (the one before, the same month a year before) are read from the
lake once, not on every report.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa
from pydantic import TypeAdapter

from cbec.reports.build import DIMENSIONS, FEN, TOP_CORRIDORS, change_pct, city_table, fx_table
from cbec.reports.context import BuildContext
from cbec.reports.rollups import digest, kept, lake_files
from cbec.reports.summary_spark import month_rows_spark

Sums = list[tuple[str, str, int, Decimal, int]]  # dimension, key, payments, amount_cny, unconverted


_SUMS = TypeAdapter(Sums)


def _month_sums(ctx: BuildContext, month: str, cities: pa.Table) -> Sums:
    """Return a month's sums per dimension: its rollup, computed from the raw payments when its inputs changed."""
    if not lake_files(ctx, {"payments": [month]}):
        return []
    fx = fx_table(ctx, [month])

    def compute() -> Sums:
        if ctx.store.settings.batch_backend == "spark":
            rows = month_rows_spark(store=ctx.store, month=month, fx=fx, cities=cities)
        else:
            rows = month_rows(ctx.con, month=month, fx=fx, cities=cities)
        return [(str(d), str(k), int(n), a if a is not None else Decimal(0), int(m)) for d, k, n, a, m in rows]

    reads = {"payments": [month]}
    return kept(
        ctx,
        name="summary",
        month=month,
        reads=reads,
        inputs=[digest(cities), digest(fx)],
        compute=compute,
        adapter=_SUMS,
    )


def month_rows(con: duckdb.DuckDBPyConnection, *, month: str, fx: pa.Table, cities: pa.Table) -> list[tuple[Any, ...]]:
    """Return (dimension, key, payments, amount_cny, unconverted) of a month's succeeded payments, on DuckDB."""
    con.register("_report_fx", fx)
    con.register("_report_cities", cities)
    try:
        return con.execute(_SUMMARY_SQL, {"month": month}).fetchall()
    finally:
        con.unregister("_report_fx")
        con.unregister("_report_cities")


_SUMMARY_SQL = """
WITH p AS (
    SELECT p.channel, p.direction, coalesce(c.city, '') AS city,
           p.payer_country || '→' || p.payee_country AS corridor,
           CAST(p.amount AS DECIMAL(38, 6)) * fx.cny_per_unit AS cny
    FROM payments AS p
    LEFT JOIN _report_fx AS fx ON fx.day = CAST(p.initiated_at AS DATE) AND fx.currency = p.currency
    LEFT JOIN _report_cities AS c ON c.enterprise_id = p.enterprise_id
    WHERE p.month = $month AND p.status = 'succeeded'
)
SELECT
       CASE WHEN GROUPING(channel) = 0 THEN 'channel' WHEN GROUPING(direction) = 0 THEN 'direction'
            WHEN GROUPING(city) = 0 THEN 'city' WHEN GROUPING(corridor) = 0 THEN 'corridor' ELSE 'total' END,
       coalesce(channel, direction, city, corridor, ''),
       count(*), CAST(round(sum(cny), 2) AS DECIMAL(38, 2)), count(*) - count(cny)
FROM p
GROUP BY GROUPING SETS ((), (channel), (direction), (city), (corridor))
"""


def build_summary(ctx: BuildContext) -> dict[str, Any]:
    """Return payments and CNY volume (succeeded) by channel, direction, city and corridor, with MoM and YoY."""
    months = [ctx.month, ctx.previous, ctx.last_year]
    if not ctx.has_view("payments"):
        return {
            "months": months,
            "present": [False] * 3,
            "total": None,
            "unconverted": 0,
            "unmapped": None,
            **{d: [] for d in DIMENSIONS},
        }
    cities = city_table(ctx)
    cells: dict[tuple[str, str, str], tuple[int, Decimal]] = {}
    unconverted = 0
    for month in months:
        for dimension, key, count, amount, missing in _month_sums(ctx, month, cities):
            cells[(month, dimension, key)] = (count, amount)
            if dimension == "total" and month == ctx.month:
                unconverted = missing
    present = [(m, "total", "") in cells for m in months]

    def row(dimension: str, key: str) -> dict[str, Any]:
        now = cells.get((months[0], dimension, key), (0, Decimal(0)))
        before = [
            cells.get((m, dimension, key), (0, Decimal(0))) if ok else None
            for m, ok in zip(months[1:], present[1:], strict=True)
        ]
        total = cells.get((months[0], "total", ""), (0, Decimal(0)))[1]
        return {
            "key": key,
            "payments": now[0],
            "amount_cny": now[1],
            "share_pct": (now[1] / total * 100).quantize(FEN) if total else None,
            "mom_pct": change_pct(now[1], before[0][1]) if before[0] else None,
            "yoy_pct": change_pct(now[1], before[1][1]) if before[1] else None,
        }

    result: dict[str, Any] = {"months": months, "present": present, "unconverted": unconverted}
    result["total"] = row("total", "") if present[0] else None
    for dimension in DIMENSIONS:
        keys = {k for (m, d, k) in cells if m == months[0] and d == dimension}
        ranked = sorted((row(dimension, k) for k in keys), key=lambda r: (-r["amount_cny"], r["key"]))
        result[dimension] = ranked[:TOP_CORRIDORS] if dimension == "corridor" else ranked
    # Payments without an enterprise have no city: the map leaves them out, and the report says how much that is.
    result["unmapped"] = next((r for r in result["city"] if not r["key"]), None)
    return result
