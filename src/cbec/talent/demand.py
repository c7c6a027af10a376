"""Job demand and turnover read from the lake (DuckDB read side): role x city x month, salary percentiles, trend.

Salaries are the postings' monthly minimum (CNY); a posting without one counts in demand, not in percentiles.
Cities are counted under their Chinese name whatever spelling the feed used (杭州, 杭州市, Hangzhou).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import duckdb

from cbec.core.months import months_back
from cbec.core.regions import CITIES
from cbec.talent.domain import Staffing, percent

TREND_MONTHS = 6
YUAN = Decimal(1)

_PERCENTILES = (
    "quantile_cont(salary_min, 0.25), quantile_cont(salary_min, 0.5), "
    "quantile_cont(salary_min, 0.75), quantile_cont(salary_min, 0.9)"
)


def _city_aliases(con: duckdb.DuckDBPyConnection) -> None:
    """Create the temp table mapping every spelling of a city to its Chinese name."""
    rows = [(name, c.name_zh) for c in CITIES for name in {c.name_zh, c.short_zh, c.name_en}]
    con.execute("CREATE OR REPLACE TEMP TABLE city_alias (name VARCHAR, city VARCHAR)")
    con.executemany("INSERT INTO city_alias VALUES (?, ?)", rows)


def _yuan(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(YUAN)


def demand_groups(con: duckdb.DuckDBPyConnection, month: str) -> dict[str, list[dict[str, Any]]]:
    """Return the month's postings grouped by role, by city and by both, with salary percentiles."""
    _city_aliases(con)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE month_postings AS
        SELECT p.role, coalesce(a.city, p.city) AS city, CAST(p.salary_min AS DOUBLE) AS salary_min
        FROM job_postings p LEFT JOIN city_alias a ON a.name = p.city WHERE p.month = $month
        """,
        {"month": month},
    )
    total = int(con.execute("SELECT count(*) FROM month_postings").fetchone()[0])  # type: ignore[index]
    out: dict[str, list[dict[str, Any]]] = {}
    for name, keys in (("role", ["role"]), ("city", ["city"]), ("role_city", ["role", "city"])):
        columns = ", ".join(keys)
        rows = con.execute(
            f"SELECT {columns}, count(*) AS n, {_PERCENTILES} FROM month_postings GROUP BY {columns} "
            f"ORDER BY n DESC, {columns}"
        ).fetchall()
        out[name] = [
            dict(
                zip(keys, row[: len(keys)], strict=True),
                postings=int(row[len(keys)]),
                share_pct=percent(int(row[len(keys)]), total) or Decimal(0),
                salary_p25=_yuan(row[len(keys) + 1]),
                salary_p50=_yuan(row[len(keys) + 2]),
                salary_p75=_yuan(row[len(keys) + 3]),
                salary_p90=_yuan(row[len(keys) + 4]),
            )
            for row in rows
        ]
    return out


def demand_trend(con: duckdb.DuckDBPyConnection, month: str) -> list[tuple[str, dict[str, int]]]:
    """Return postings per role for each of the six months to `month` (oldest first)."""
    window = list(months_back(month, TREND_MONTHS))
    rows = con.execute(
        "SELECT month, role, count(*) FROM job_postings WHERE month IN (SELECT unnest($months)) GROUP BY month, role",
        {"months": window},
    ).fetchall()
    by_month: dict[str, dict[str, int]] = {m: {} for m in sorted(window)}
    for m, role, n in rows:
        by_month[str(m)][str(role)] = int(n)
    return sorted(by_month.items())


def staffing(con: duckdb.DuckDBPyConnection, month: str) -> list[Staffing]:
    """Return the month's employment records."""
    rows = con.execute(
        "SELECT enterprise_id, role, headcount_start, hires, leavers FROM employment_records WHERE month = $month",
        {"month": month},
    ).fetchall()
    return [Staffing(str(e), str(r), int(h), int(hi), int(le)) for e, r, h, hi, le in rows]
