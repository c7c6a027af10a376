"""Build the statistics and logistics sections: official figures beside what the feeds report."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from cbec.core.months import parse_month
from cbec.reports.build import fx_table
from cbec.reports.context import BuildContext
from cbec.reports.rollups import digest, kept
from cbec.stats import service as stats

TRADE_TOTAL = "cbec_import_export_total"
DIMENSIONS = ("mode", "carrier", "corridor")  # the logistics section's tables, in order
PROVINCE = "浙江省"


def synthetic(ctx: BuildContext) -> bool:
    """Tell whether the feeds loaded are the synthetic demo province (its statistics say so in their source)."""
    return bool(stats.feed_figures(store=ctx.store))


def build_statistics(ctx: BuildContext) -> dict[str, Any]:
    """Return the official figures, the growth reconciliation, the paper's targets and the feeds' figures."""
    checks = stats.reconciliation(store=ctx.store)
    figures = stats.official_figures(store=ctx.store)
    computed = {c.figure.year: c.computed_growth_pct for c in checks if c.figure.indicator == TRADE_TOTAL}
    trade = [
        {
            "year": f.year,
            "value": f.value,
            "reported_growth_pct": f.reported_growth_pct,
            "computed_growth_pct": computed.get(f.year),
        }
        for f in sorted(figures, key=lambda f: f.year)
        if f.indicator == TRADE_TOTAL and f.region == PROVINCE
    ]
    year, mon = parse_month(ctx.month)
    suffix = f"_m{mon:02d}"
    monthly = [
        {
            "region": f.region,
            "indicator": f.indicator.removesuffix(suffix),
            "value": f.value,
            "unit": f.unit,
            "source": f.source,
        }
        for f in stats.feed_figures(store=ctx.store, year=year)
        if f.indicator.endswith(suffix) and f.region == PROVINCE
    ]
    return {
        "tolerance_pp": ctx.store.settings.growth_tolerance_pp,
        "reconciliation": [
            {
                "year": c.figure.year,
                "region": c.figure.region,
                "indicator": c.figure.indicator,
                "value": c.figure.value,
                "unit": c.figure.unit,
                "base_value": c.base_value,
                "reported_pct": c.figure.reported_growth_pct,
                "computed_pct": c.computed_growth_pct,
                "difference_pp": c.difference_pp,
                "verdict": c.verdict.value,
                "flagged": c.flagged,
                "source": c.figure.source,
            }
            for c in sorted(checks, key=lambda c: c.figure.indicator != TRADE_TOTAL)
        ],
        "flagged": sum(c.flagged for c in checks),
        "trade": trade,
        "figures": [
            {
                "year": f.year,
                "region": f.region,
                "indicator": f.indicator,
                "value": f.value,
                "unit": f.unit,
                "reported_growth_pct": f.reported_growth_pct,
                "source": f.source,
            }
            for f in sorted(figures, key=lambda f: (f.indicator, f.year))
            if f.indicator != TRADE_TOTAL
        ],
        "targets": [t.__dict__ for t in stats.paper_targets()],
        "monthly_from_feeds": sorted(monthly, key=lambda r: r["indicator"]),
        "synthetic": synthetic(ctx),
    }


TOP_LOGISTICS_ROWS = 8
_LOGISTICS = TypeAdapter(stats.LogisticsReport)


def build_logistics(ctx: BuildContext) -> dict[str, Any]:
    """Return the month's logistics cost and transit days by mode, carrier and corridor, and the trend."""
    reads = stats.logistics_inputs(month=ctx.month)
    report = kept(
        ctx,
        name="logistics",
        month=ctx.month,
        reads=reads,
        inputs=[digest(fx_table(ctx, reads["orders"]))],  # freight is converted at the order's date
        compute=lambda: stats.logistics(store=ctx.store, month=ctx.month),
        adapter=_LOGISTICS,
    )
    by = {d: [g.model_dump() for g in report.groups if g.dimension == d][:TOP_LOGISTICS_ROWS] for d in DIMENSIONS}
    return {
        "total": report.total.model_dump(),
        "by": by,
        "trend": [m.model_dump() for m in report.trend],
        "unconverted": report.unconverted,
        "synthetic": synthetic(ctx),
    }
