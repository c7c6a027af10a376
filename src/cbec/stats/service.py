"""What entry points and the reports call for official statistics and their reconciliation."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

from cbec.core.money import load_fx_table
from cbec.core.months import check_month
from cbec.feeds.schemas import LoadReport
from cbec.feeds.service import ingest_once, lake_views, read_side, register_rows
from cbec.stats.brands import brands_report
from cbec.stats.domain import Figure, GrowthCheck, Target, reconcile
from cbec.stats.logistics import logistics_reads, logistics_report
from cbec.stats.schemas import BrandsReport, LogisticsGroup, LogisticsMonth, LogisticsReport
from cbec.storage.store import Store

__all__ = ["BrandsReport", "LogisticsGroup", "LogisticsMonth", "LogisticsReport"]

DATA = Path(__file__).resolve().parent / "data"
SHIPPED_FIGURES = DATA / "official_trade_statistics.csv"
PAPER_TARGETS = DATA / "paper_targets.csv"
FEED = "trade_statistics"
# A source that calls itself synthetic (the demo's `cbec synth (synthetic)`) is never an official figure.
SYNTHETIC_MARK = "synthetic"


def is_official(source: str) -> bool:
    """Tell whether a figure's source may be presented as official."""
    return SYNTHETIC_MARK not in source.lower()


def _exact(value: object) -> Decimal:
    """Return a stored decimal without the trailing zeros of its storage scale (810.400000 -> 810.4)."""
    number = Decimal(str(value)).normalize()
    return number.quantize(Decimal(1)) if number.as_tuple().exponent > 0 else number  # type: ignore[operator]


def _figure(row: dict[str, Any]) -> Figure:
    growth = row["reported_growth_pct"]
    return Figure(
        year=int(row["year"]),
        region=str(row["region"]),
        indicator=str(row["indicator"]),
        value=_exact(row["value"]),
        unit=str(row["unit"]),
        reported_growth_pct=None if growth in (None, "") else _exact(growth),
        source=str(row["source"]),
    )


def shipped_figures() -> list[Figure]:
    """Return the official figures shipped with cbec (Liu 2025, citing 浙江省商务厅), read from the data file."""
    with SHIPPED_FIGURES.open(encoding="utf-8", newline="") as handle:
        return [_figure(row) for row in csv.DictReader(handle)]


def paper_targets() -> list[Target]:
    """Return the targets the source paper sets in its §5, shipped with cbec."""
    with PAPER_TARGETS.open(encoding="utf-8", newline="") as handle:
        return [
            Target(
                target_id=row["target_id"],
                value=Decimal(row["value"]),
                unit=row["unit"],
                target_zh=row["target_zh"],
                target_en=row["target_en"],
                source=row["source"],
            )
            for row in csv.DictReader(handle)
        ]


def load_official(*, store: Store) -> LoadReport | None:
    """Load the shipped figures into the trade_statistics register unless that file is already loaded."""
    return ingest_once(store=store, feed=FEED, path=SHIPPED_FIGURES)


def official_figures(*, store: Store) -> list[Figure]:
    """Return the register's current official figures (synthetic sources left out)."""
    return [f for f in map(_figure, register_rows(store=store, feed=FEED)) if is_official(f.source)]


def feed_figures(*, store: Store, year: int | None = None) -> list[Figure]:
    """Return the register's figures that are not official (synthetic feeds), optionally of one year."""
    figures = [f for f in map(_figure, register_rows(store=store, feed=FEED)) if not is_official(f.source)]
    return [f for f in figures if year is None or f.year == year]


def reconciliation(*, store: Store, tolerance_pp: Decimal | None = None) -> list[GrowthCheck]:
    """Check every reported growth rate of the register's official figures against the totals."""
    tolerance = store.settings.growth_tolerance_pp if tolerance_pp is None else tolerance_pp
    return reconcile(official_figures(store=store), tolerance_pp=tolerance)


def logistics(*, store: Store, month: str) -> LogisticsReport:
    """Return a month's logistics cost (CNY per parcel and per kg) and transit days (p50, p90) by corridor,
    carrier and shipping mode, with the province's trend over the six months to it (see `stats.logistics`)."""
    check_month(month)
    con = read_side(store=store)
    try:
        return logistics_report(con, load_fx_table(store.settings.fx_file), month, lake_views(con))
    finally:
        con.close()


def logistics_inputs(*, month: str) -> dict[str, list[str]]:
    """Return the lake feeds and months `logistics` reads for a month (what a report's rollup of it is keyed by)."""
    return logistics_reads(month)


def brands(*, store: Store) -> BrandsReport:
    """Return Fig. 1 from the brand-recognitions register, each year beside the paper's figure (official register)."""
    load_official(store=store)
    return brands_report(register_rows(store=store, feed="brand_recognitions"), official_figures(store=store))
