"""Fig. 1 (new famous export brands by city) counted from the brand-recognitions register.

The paper gives Fig. 1 as an image: only the provincial totals are numbers (84 new in 2023, 41 proposed for
2024, Liu 2025 §3.2, shipped in official_trade_statistics.csv). Each year's count from the register is shown
beside the paper's figure for that year, labelled as the paper's; counts per city exist only in the register.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from cbec.core.regions import find_city
from cbec.stats.domain import Figure
from cbec.stats.schemas import BrandsReport, BrandYear

FIG1_LEVEL = "provincial_export_famous"
# The paper's figure a year's register count stands beside: new brands in 2023, the proposed list for 2024.
PAPER_INDICATORS = ("new_cbec_export_famous_brands", "proposed_new_export_famous_brands")
SYNTHETIC_MARK = "synthetic"


def brands_report(rows: Iterable[dict[str, Any]], figures: Iterable[Figure]) -> BrandsReport:
    """Count the register's recognitions at Fig. 1's level by year and city, with the paper's figure per year."""
    counts: dict[int, dict[str, int]] = {}
    sources: dict[int, set[bool]] = {}
    other: dict[str, int] = {}
    for row in rows:
        if row["level"] != FIG1_LEVEL:
            other[str(row["level"])] = other.get(str(row["level"]), 0) + 1
            continue
        city = find_city(str(row["city"]))
        code = city.code if city else str(row["city"])
        year = int(row["year"])
        counts.setdefault(year, {})[code] = counts.get(year, {}).get(code, 0) + 1
        sources.setdefault(year, set()).add(SYNTHETIC_MARK in str(row["source"]).lower())
    paper = {f.year: f for f in figures if f.indicator in PAPER_INDICATORS}
    years = []
    for year in sorted(set(counts) | set(paper)):
        by_city = counts.get(year, {})
        figure = paper.get(year)
        years.append(
            BrandYear(
                year=year,
                total=sum(by_city.values()),
                by_city=dict(sorted(by_city.items(), key=lambda kv: (-kv[1], kv[0]))),
                paper_indicator=figure.indicator if figure else None,
                paper_value=Decimal(figure.value) if figure else None,
                paper_source=figure.source if figure else None,
                synthetic=sources.get(year) == {True},
            )
        )
    return BrandsReport(level=FIG1_LEVEL, years=years, other_levels=dict(sorted(other.items())))
