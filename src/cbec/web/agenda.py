"""The talent page (demand by role and city, turnover of core roles, training against the cap), the
consumer-education page (reach by channel and city against 100,000 a year, the latest events) and the logistics
page (cost per parcel and per kg, transit days by mode, corridor and carrier, the six-month trend)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from cbec.api.deps import StoreDep
from cbec.core.months import MONTH_PATTERN, first_day, last_day, parse_month
from cbec.monitoring import service as monitoring
from cbec.quality import service as quality
from cbec.stats import service as stats
from cbec.talent import service as talent
from cbec.web.render import page
from cbec.web.session import PROVINCE_ROLES, Visitor, needs

router = APIRouter(include_in_schema=False)
Province = Annotated[Visitor, Depends(needs(*PROVINCE_ROLES))]
LATEST_EVENTS = 30


def _month(store: StoreDep, month: str | None) -> str | None:
    """Return the month asked for, else the latest month with payments."""
    if month:
        return month
    months = monitoring.available_months(store=store)
    return months[0] if months else None


def _monthly(
    request: Request,
    store: StoreDep,
    visitor: Visitor,
    month: str | None,
    template: str,
    build: Callable[[str], dict[str, Any]],
) -> Response:
    """Render a page of one month (the one asked for, else the latest with payments), or say there is no data."""
    chosen = _month(store, month)
    if chosen is None:
        return page(request, template, visitor, month=None)
    return page(request, template, visitor, month=chosen, **build(chosen))


@router.get("/talent")
def talent_page(
    request: Request,
    store: StoreDep,
    visitor: Province,
    month: Annotated[str | None, Query(pattern=MONTH_PATTERN)] = None,
) -> Response:
    """Show a month's demand by role and city, turnover by role and the year's training programmes."""
    return _monthly(
        request,
        store,
        visitor,
        month,
        "talent.html.j2",
        lambda chosen: {
            "demand": talent.demand(store=store, month=chosen),
            "turnover": talent.turnover(store=store, month=chosen),
            "training": talent.training(store=store, year=parse_month(chosen)[0], until=last_day(chosen)),
        },
    )


@router.get("/education")
def education_page(
    request: Request,
    store: StoreDep,
    visitor: Province,
    month: Annotated[str | None, Query(pattern=MONTH_PATTERN)] = None,
) -> Response:
    """Show the year's reach to a month by channel and city against the target, and the month's events."""

    def build(chosen: str) -> dict[str, Any]:
        year, through = parse_month(chosen)
        events = quality.education_events(store=store, first=first_day(chosen), last=last_day(chosen))
        return {
            "reach": quality.education_reach(store=store, year=year, through_month=through),
            "events": events[:LATEST_EVENTS],
            "month_reach": sum(e.reach for e in events),
            "first": date(year, 1, 1),
        }

    return _monthly(request, store, visitor, month, "education.html.j2", build)


@router.get("/logistics")
def logistics_page(
    request: Request,
    store: StoreDep,
    visitor: Province,
    month: Annotated[str | None, Query(pattern=MONTH_PATTERN)] = None,
) -> Response:
    """Show a month's parcels: cost and transit days by shipping mode, corridor and carrier, and the trend."""

    def build(chosen: str) -> dict[str, Any]:
        report = stats.logistics(store=store, month=chosen)
        dimensions = ("mode", "corridor", "carrier")
        return {"report": report, "groups": {d: [g for g in report.groups if g.dimension == d] for d in dimensions}}

    return _monthly(request, store, visitor, month, "logistics.html.j2", build)
