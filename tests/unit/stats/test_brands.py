"""Fig. 1 from the brand-recognitions register: counts by year and city beside the paper's figures."""

from __future__ import annotations

from decimal import Decimal

from cbec.stats.brands import brands_report
from cbec.stats.domain import Figure

PAPER = "浙江省商务厅 (Liu 2025 §3.2)"


def _row(year: int, city: str, level: str = "provincial_export_famous", source: str = "register") -> dict[str, object]:
    return {"year": year, "city": city, "level": level, "source": source}


def test_each_year_counts_the_registers_brands_by_city_beside_the_papers_figure() -> None:
    rows = [_row(2023, "杭州市"), _row(2023, "Hangzhou"), _row(2023, "宁波"), _row(2023, "宁波市", level="city")]
    figures = [
        Figure(2023, "浙江省", "new_cbec_export_famous_brands", Decimal(84), "个", None, PAPER),
        Figure(2024, "浙江省", "proposed_new_export_famous_brands", Decimal(41), "个", None, PAPER),
        Figure(2022, "浙江省", "provincial_export_famous_brands", Decimal(181), "个", None, PAPER),
    ]
    report = brands_report(rows, figures)
    first, second = report.years
    assert (first.year, first.total, first.by_city) == (2023, 3, {"330100": 2, "330200": 1})
    assert (first.paper_value, first.paper_indicator, first.paper_source) == (Decimal(84), figures[0].indicator, PAPER)
    assert not first.synthetic
    assert (second.year, second.total, second.paper_value) == (2024, 0, Decimal(41))  # the paper's, nothing registered
    assert report.other_levels == {"city": 1}  # kept, not counted in Fig. 1


def test_a_year_whose_every_recognition_is_synthetic_says_so() -> None:
    report = brands_report([_row(2023, "温州市", source="cbec synth (synthetic)")], [])
    assert report.years[0].synthetic and report.years[0].paper_value is None
