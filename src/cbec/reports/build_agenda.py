"""Build the brands (Fig. 1), talent and consumer-education sections: registers and feeds beside the paper."""

from __future__ import annotations

from datetime import date
from typing import Any

from cbec.core.months import first_day, last_day, parse_month
from cbec.core.regions import find_city
from cbec.quality import service as quality
from cbec.reports.build_stats import synthetic
from cbec.reports.context import BuildContext
from cbec.stats import service as stats
from cbec.talent import service as talent

BRAND_INDICATORS = (
    "overseas_trademarks_registered_by_cbec_enterprises",
    "provincial_export_famous_brands",
    "new_cbec_export_famous_brands",
    "proposed_new_export_famous_brands",
)
TOP_CITIES = 11


def _code(city: str) -> str:
    found = find_city(city)
    return found.code if found else city


def build_brands(ctx: BuildContext) -> dict[str, Any]:
    """Return Fig. 1 from the brand-recognitions register, each year beside the paper's figure."""
    report = stats.brands(store=ctx.store)
    official = [
        {"year": f.year, "indicator": f.indicator, "value": f.value, "unit": f.unit, "source": f.source}
        for f in stats.official_figures(store=ctx.store)
        if f.indicator in BRAND_INDICATORS
    ]
    years = [y.model_dump() | {"by_city": [{"city": c, "n": n} for c, n in y.by_city.items()]} for y in report.years]
    return {
        "years": years,
        "latest": next((y for y in reversed(years) if y["total"]), None),
        "official": sorted(official, key=lambda r: (r["year"], r["indicator"])),
        "other_levels": report.other_levels,
        "synthetic": synthetic(ctx) or any(y["synthetic"] for y in years),
    }


def build_talent(ctx: BuildContext) -> dict[str, Any]:
    """Return the month's demand by role and city, turnover of core roles and the year's training programmes."""
    demand = talent.demand(store=ctx.store, month=ctx.month)
    turnover = talent.turnover(store=ctx.store, month=ctx.month)
    # The year's programmes started by the month's end: a report of October does not list December's.
    training = talent.training(store=ctx.store, year=parse_month(ctx.month)[0], until=last_day(ctx.month))
    by_city = [c.model_dump() | {"city": _code(c.city or "")} for c in demand.by_city][:TOP_CITIES]
    return {
        "postings": demand.postings,
        "by_role": [c.model_dump() for c in demand.by_role],
        "by_city": by_city,
        "ranking": [r.model_dump() for r in demand.ranking],
        "ranking_agrees": demand.ranking_agrees,
        "official_ranking": [r.role for r in sorted(demand.ranking, key=lambda r: r.paper_rank or 99) if r.paper_rank],
        "trend": [m.model_dump() for m in demand.trend],
        "turnover": turnover.model_dump(),
        "training": training.model_dump(),
        "synthetic": synthetic(ctx),
    }


def build_education(ctx: BuildContext) -> dict[str, Any]:
    """Return the month's consumer-education reach by channel and city, and the year to date against 100,000."""
    year, month = parse_month(ctx.month)
    events = quality.education_events(store=ctx.store, first=first_day(ctx.month), last=last_day(ctx.month))
    ytd = quality.education_reach(store=ctx.store, year=year, through_month=month)
    channels: dict[str, list[int]] = {}
    cities: dict[str, list[int]] = {}
    for e in events:
        for groups, key in ((channels, e.channel), (cities, _code(e.city))):
            g = groups.setdefault(key, [0, 0])
            g[0] += 1
            g[1] += e.reach
    reach = sum(e.reach for e in events)
    monthly_target = ytd.target // 12
    return {
        "events": len(events),
        "reach": reach,
        "monthly_target": monthly_target,
        "monthly_share_pct": round(100 * reach / monthly_target, 1) if monthly_target else None,
        "by_channel": [{"channel": k, "events": n, "reach": r} for k, (n, r) in sorted(channels.items(), key=_most)],
        "by_city": [{"city": k, "events": n, "reach": r} for k, (n, r) in sorted(cities.items(), key=_most)],
        "ytd": ytd.model_dump(),
        "first_day": date(year, 1, 1),
        "synthetic": synthetic(ctx),
    }


def _most(item: tuple[str, list[int]]) -> tuple[int, str]:
    return (-item[1][1], item[0])
