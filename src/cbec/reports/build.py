"""Build the report's data: one function per section, reading the lake (DuckDB) and the services; no layout."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

import pyarrow as pa

from cbec.core.money import BASE_CURRENCY, FxRateMissing
from cbec.core.months import month_days
from cbec.core.regions import find_city
from cbec.core.severity import MOST_SEVERE_FIRST
from cbec.monitoring import service as monitoring
from cbec.reports.context import BuildContext

TOP_CORRIDORS = 10
TOP_INSTITUTIONS = 15
DIMENSIONS = ("channel", "direction", "city", "corridor")
FEN = Decimal("0.01")


def change_pct(now: Decimal | int | None, before: Decimal | int | None) -> Decimal | None:
    """Return the change from `before` to `now` in percent (two places), None when there is no base."""
    if now is None or not before:
        return None
    return ((Decimal(now) / Decimal(before) - 1) * 100).quantize(FEN)


def fx_table(ctx: BuildContext, months: list[str]) -> pa.Table:
    """Return (day, currency, cny_per_unit) for every day of the months and every currency the table knows."""
    fx = ctx.fx()
    rows: dict[str, list[Any]] = {"day": [], "currency": [], "cny_per_unit": []}
    for day in (d for m in months for d in month_days(m)):
        for currency in sorted(fx.currencies() | {BASE_CURRENCY}):
            try:
                rate = Decimal(1) if currency == BASE_CURRENCY else fx.rate(currency, day)
            except FxRateMissing:
                continue  # those payments are counted but not summed in CNY (reported as unconverted)
            rows["day"].append(day)
            rows["currency"].append(currency)
            rows["cny_per_unit"].append(rate.quantize(Decimal("1e-10")))
    schema = pa.schema([("day", pa.date32()), ("currency", pa.string()), ("cny_per_unit", pa.decimal128(20, 10))])
    return pa.table(rows, schema=schema)


def city_table(ctx: BuildContext) -> pa.Table:
    """Return enterprise_id -> city code from the enterprises register (any spelling of the city)."""
    ids, codes = [], []
    for row in ctx.register("enterprises"):
        city = find_city(str(row["city"]))
        if city is not None:
            ids.append(str(row["enterprise_id"]))
            codes.append(city.code)
    return pa.table({"enterprise_id": pa.array(ids, pa.string()), "city": pa.array(codes, pa.string())})


def build_alerts(ctx: BuildContext) -> dict[str, Any]:
    """Return the month's alerts counted by typology (and severity) and by institution."""
    by_typology: dict[str, Counter[str]] = defaultdict(Counter)
    by_institution: dict[str, Counter[str]] = defaultdict(Counter)
    severity: Counter[str] = Counter()
    for typology, institution, level, count in monitoring.alert_counts(store=ctx.store, month=ctx.month):
        by_typology[typology][level] += count
        by_institution[institution][level] += count
        severity[level] += count

    def rows(groups: dict[str, Counter[str]]) -> list[dict[str, Any]]:
        found = [
            {"key": k, "total": sum(c.values()), **{s: c[s] for s in MOST_SEVERE_FIRST}} for k, c in groups.items()
        ]
        return sorted(found, key=lambda r: (-r["total"], r["key"]))

    institutions = rows(by_institution)
    return {
        "total": sum(severity.values()),
        "severity": {s: severity[s] for s in MOST_SEVERE_FIRST},
        "by_typology": rows(by_typology),
        "by_institution": institutions[:TOP_INSTITUTIONS],
        # Alerts on an account seen at several institutions (graph patterns) have none: listed, not counted.
        "institutions": sum(1 for r in institutions if r["key"]),
    }


def build_matching(ctx: BuildContext) -> dict[str, Any]:
    """Return three-document (三单对碰) match rates per institution, lowest first, and the overall rate."""
    if not ctx.has_view("payments"):
        return {"checked": 0, "matched": 0, "rate_pct": None, "by_institution": []}
    # The monitoring run keeps the month's counts; matching again (minutes at 100M payments) only without them.
    rows = monitoring.month_match_rates(store=ctx.store, month=ctx.month, by="institution_id")
    checked = sum(int(r["payments"]) for r in rows)
    matched = sum(int(r["matched"]) for r in rows)
    for r in rows:
        r["rate_pct"] = None if r["rate"] is None else (Decimal(str(r["rate"])) * 100).quantize(FEN)
    return {
        "checked": checked,
        "matched": matched,
        "rate_pct": (Decimal(matched) / checked * 100).quantize(FEN) if checked else None,
        "by_institution": rows,
    }
