"""Reported growth rates are checked against the growth computed from the totals, beyond a tolerance."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cbec.stats.domain import Figure, Verdict, growth_pct, reconcile
from cbec.stats.service import is_official, paper_targets, shipped_figures

TOTAL = "cbec_import_export_total"


def _figure(year: int, value: str, growth: str | None, source: str = "S", indicator: str = TOTAL) -> Figure:
    return Figure(
        year, "浙江省", indicator, Decimal(value), "亿元", None if growth is None else Decimal(growth), source
    )


def test_table_1_computed_growth_and_flags() -> None:
    checks = reconcile(shipped_figures(), tolerance_pp=Decimal("0.05"))
    table_1 = {c.figure.year: c for c in checks if c.figure.indicator == TOTAL}

    assert {y: c.computed_growth_pct for y, c in table_1.items()} == {
        2018: None,
        2019: Decimal("29.75"),
        2020: Decimal("31.92"),
        2021: Decimal("138.12"),  # 3302.9 / 1387.1 − 1 = 138.118…%: the reported 138.12 % holds
        2022: Decimal("27.85"),
        2023: Decimal("21.47"),
    }
    assert {y: c.difference_pp for y, c in table_1.items() if c.difference_pp is not None} == {
        2019: Decimal("0.00"),
        2020: Decimal("0.00"),
        2021: Decimal("0.00"),
        2022: Decimal("-9.15"),
        2023: Decimal("-2.57"),
    }
    assert sorted(c.figure.year for c in checks if c.flagged) == [2022, 2023]
    assert table_1[2018].verdict is Verdict.NO_BASE  # 2017 is not in the source


def test_reported_figures_without_a_previous_year_are_shown_not_flagged() -> None:
    checks = reconcile(shipped_figures(), tolerance_pp=Decimal("0.05"))
    others = {c.figure.indicator: c.verdict for c in checks if c.figure.indicator != TOTAL}
    assert others == {
        "cbec_export_total": Verdict.NO_BASE,
        "cbec_export_via_customs_platforms": Verdict.NO_BASE,
    }


def test_tolerance_is_a_strict_bound_in_percentage_points() -> None:
    figures = [
        _figure(2020, "100", None),
        _figure(2021, "121.47", "21.52"),
        _figure(2022, "242.94", "100.06"),
    ]
    checks = {c.figure.year: c for c in reconcile(figures, tolerance_pp=Decimal("0.05"))}
    assert checks[2021].difference_pp == Decimal("0.05") and not checks[2021].flagged
    assert checks[2022].difference_pp == Decimal("0.06") and checks[2022].flagged
    assert not any(c.flagged for c in reconcile(figures, tolerance_pp=Decimal("10")))


def test_a_series_never_borrows_its_base_from_another_source_or_indicator() -> None:
    figures = [
        _figure(2022, "100", None, source="A"),
        _figure(2023, "150", "50", source="B"),
        _figure(2022, "100", None, indicator="cbec_export_total"),
    ]
    (check,) = reconcile(figures, tolerance_pp=Decimal("0.05"))
    assert check.verdict is Verdict.NO_BASE and check.base_value is None


def test_zero_base_and_negative_tolerance() -> None:
    (check,) = reconcile([_figure(2022, "0", None), _figure(2023, "5", "10")], tolerance_pp=Decimal(0))
    assert check.verdict is Verdict.NO_BASE
    with pytest.raises(ValueError, match="tolerance"):
        reconcile([], tolerance_pp=Decimal("-0.01"))
    assert growth_pct(Decimal("100.005"), Decimal(100)) == Decimal("0.01")  # half-up at the hundredth
    assert growth_pct(Decimal("90"), Decimal(100)) == Decimal("-10.00")


def test_shipped_figures_name_their_source_and_synthetic_ones_are_never_official() -> None:
    figures = shipped_figures()
    assert len(figures) == 13 and all("Liu 2025" in f.source for f in figures)
    assert all(is_official(f.source) for f in figures)
    assert not is_official("cbec synth (synthetic)")
    targets = {t.target_id: t.value for t in paper_targets()}
    assert targets["incident_response_hours"] == 48 and targets["vulnerability_fix_working_days"] == 7
    assert targets["consumer_education_people_per_year"] == 100_000
