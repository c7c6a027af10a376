"""Reconcile reported growth rates with the growth computed from the totals (pure, no I/O)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

HUNDREDTH = Decimal("0.01")


class Verdict(StrEnum):
    """What a reported growth rate is found to be."""

    AGREES = "agrees"
    DISAGREES = "disagrees"
    NO_BASE = "no_base"  # the previous year's total is not among the figures: nothing to compute from


@dataclass(frozen=True)
class Figure:
    """One official figure as its source gives it."""

    year: int
    region: str
    indicator: str
    value: Decimal
    unit: str
    reported_growth_pct: Decimal | None
    source: str

    @property
    def series(self) -> tuple[str, str, str, str]:
        """Return what makes a series: the same indicator, region, unit and source over the years."""
        return (self.region, self.indicator, self.unit, self.source)


@dataclass(frozen=True)
class Target:
    """A target the source paper sets (a goal, not a measured figure)."""

    target_id: str
    value: Decimal
    unit: str
    target_zh: str
    target_en: str
    source: str


@dataclass(frozen=True)
class GrowthCheck:
    """A reported growth rate beside the one computed from the totals, and the verdict."""

    figure: Figure
    base_value: Decimal | None
    computed_growth_pct: Decimal | None
    difference_pp: Decimal | None  # reported − computed, in percentage points
    tolerance_pp: Decimal
    verdict: Verdict

    @property
    def flagged(self) -> bool:
        """Return whether the reported figure disagrees with the computed one beyond the tolerance."""
        return self.verdict is Verdict.DISAGREES


def growth_pct(value: Decimal, base: Decimal) -> Decimal:
    """Return (value / base − 1) × 100, rounded half-up to hundredths of a percent."""
    if base == 0:
        raise ValueError("growth from a zero base is undefined")
    return ((value / base - 1) * 100).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def reconcile(figures: Iterable[Figure], *, tolerance_pp: Decimal) -> list[GrowthCheck]:
    """Check every figure that reports a growth rate against its series' previous year.

    A figure is flagged when |reported − computed| > tolerance_pp; the computed rate is rounded to
    hundredths first, as the source reports them. Rows come back in (indicator, region, year) order.
    """
    if tolerance_pp < 0:
        raise ValueError(f"tolerance must not be negative, got {tolerance_pp}")
    figures = list(figures)
    by_year = {(f.series, f.year): f for f in figures}
    checks = []
    for figure in sorted(figures, key=lambda f: (f.indicator, f.region, f.year, f.source)):
        if figure.reported_growth_pct is None:
            continue
        base = by_year.get((figure.series, figure.year - 1))
        if base is None or base.value == 0:
            checks.append(GrowthCheck(figure, None, None, None, tolerance_pp, Verdict.NO_BASE))
            continue
        computed = growth_pct(figure.value, base.value)
        difference = figure.reported_growth_pct - computed
        verdict = Verdict.DISAGREES if abs(difference) > tolerance_pp else Verdict.AGREES
        checks.append(GrowthCheck(figure, base.value, computed, difference, tolerance_pp, verdict))
    return checks


def series(figures: Sequence[Figure], indicator: str, region: str) -> list[Figure]:
    """Return one indicator of one region, oldest year first."""
    return sorted((f for f in figures if f.indicator == indicator and f.region == region), key=lambda f: f.year)


# The customs supervision mode of an order says how its goods travelled: a parcel sent to the buyer (9610 retail,
# 9710 B2B direct), from a bonded warehouse in China (1210) or through a warehouse abroad (9810).
SHIPPING_MODE_OF_CUSTOMS_MODE = {
    "9610": "direct_mail",
    "9710": "direct_mail",
    "1210": "bonded",
    "9810": "overseas_warehouse",
}
LOGISTICS_DIMENSIONS = ("corridor", "carrier", "mode")


def per_unit(total: Decimal | None, count: Decimal | int | None) -> Decimal | None:
    """Return total / count to the fen (half up), None when there is nothing to divide by."""
    if total is None or not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def days(value: float | None) -> Decimal | None:
    """Return a number of days to a tenth (half up), None when there is none."""
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
