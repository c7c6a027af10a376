"""Province pages: the overview (city map, trends, headline figures) and the institutions with their ratings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from starlette.responses import FileResponse, RedirectResponse, Response

from cbec.api.deps import StoreDep
from cbec.auth.domain import ROLES
from cbec.core import regions
from cbec.core.months import MONTH_PATTERN
from cbec.monitoring import service as monitoring
from cbec.storage.store import Store
from cbec.supervision import service as supervision
from cbec.web.render import not_found, page, registers
from cbec.web.session import PROVINCE_ROLES, Visitor, needs

router = APIRouter(include_in_schema=False)
# The final states of both notice lifecycles (supervision/lifecycle.py): nothing more is expected.
CLOSED_STATES = frozenset({"verified", "acknowledged", "withdrawn", "escalated"})
Province = Annotated[Visitor, Depends(needs(*PROVINCE_ROLES))]
AnyRole = Annotated[Visitor, Depends(needs(*ROLES))]
MonthQuery = Annotated[str | None, Query(pattern=MONTH_PATTERN)]
# The same file the monthly report draws its choropleth from (see core/data/README.md).
GEOJSON = Path(regions.__file__).resolve().parent / "data" / "zhejiang_cities.geojson"


def pick_month(store: Store, month: str | None) -> tuple[str | None, list[str]]:
    """Return the month to show (the asked one, else the newest with alerts) and the months to choose from."""
    months = monitoring.available_months(store=store)
    return (month or (months[0] if months else None)), months


@router.get("/")
def overview_page(request: Request, store: StoreDep, visitor: AnyRole, month: MonthQuery = None) -> Response:
    """Show the province overview to regulators; send tenants to their portal."""
    if visitor.principal.role not in PROVINCE_ROLES:
        return RedirectResponse("/portal", status_code=303)
    principal = visitor.principal
    shown, months = pick_month(store, month)
    if shown is None:
        return page(request, "overview.html.j2", visitor, month=None, months=[], data={})
    cities = monitoring.city_activity(store=store, month=shown, principal=principal)
    trend = monitoring.daily_trend(store=store, month=shown, principal=principal)
    counts = monitoring.alert_breakdown(store=store, month=shown, principal=principal)
    ratings = supervision.list_ratings(store=store, month=shown, principal=principal)
    notices = supervision.list_notices(store=store, principal=principal)
    open_notices = [n for n in notices if n.state not in ("verified", "acknowledged", "withdrawn", "escalated")]
    grades: dict[str, int] = {}
    for r in ratings:
        grades[r.grade] = grades.get(r.grade, 0) + 1
    data = {
        "cities": [c.model_dump() for c in cities],
        "trend": [d.model_dump() for d in trend],
        "severity": counts["severity"],
        "typology": counts["typology"],
        "grades": dict(sorted(grades.items())),
    }
    headline = {
        "payments": monitoring.payment_total(store=store, month=shown, principal=principal),
        "amounts": monitoring.payment_amounts(store=store, month=shown, principal=principal),
        "alerts": monitoring.count_alerts(store=store, month=shown, principal=principal),
        "enterprises": sum(c.enterprises for c in cities),
        "open_notices": len(open_notices),
        "overdue_notices": sum(1 for n in notices if n.overdue),
    }
    return page(
        request,
        "overview.html.j2",
        visitor,
        month=shown,
        months=months,
        data=data,
        headline=headline,
        cities=cities,
        worst=ratings[:8],
        # Class C and below with no open notice: the overview asks the regulator to act on them.
        unwarned=[
            r for r in ratings if r.grade >= "C" and r.institution_id not in {n.institution_id for n in open_notices}
        ],
        registers=registers(store),
    )


@router.get("/geo/zhejiang.json")
def zhejiang_outlines(visitor: AnyRole) -> Response:
    """Serve the outlines of Zhejiang's 11 cities for the map (echarts.registerMap)."""
    return FileResponse(GEOJSON, media_type="application/geo+json")


@router.get("/institutions")
def institutions(request: Request, store: StoreDep, visitor: Province, month: MonthQuery = None) -> Response:
    """List the month's institution ratings, worst first."""
    shown, months = pick_month(store, month)
    ratings = [] if shown is None else supervision.list_ratings(store=store, month=shown, principal=visitor.principal)
    return page(
        request,
        "institutions.html.j2",
        visitor,
        month=shown,
        months=months,
        ratings=ratings,
        registers=registers(store),
    )


@router.get("/institutions/{institution_id}")
def institution(
    request: Request,
    institution_id: Annotated[str, PathParam(max_length=64)],
    store: StoreDep,
    visitor: AnyRole,
    month: MonthQuery = None,
) -> Response:
    """Show one institution: its rating modules, its notices and their deadlines, its security incidents."""
    principal = visitor.principal
    if not principal.can_see("institution_id", institution_id):
        return not_found(request, visitor)
    shown, months = pick_month(store, month)
    ratings = (
        []
        if shown is None
        else supervision.list_ratings(store=store, month=shown, institution_id=institution_id, principal=principal)
    )
    notices = supervision.list_notices(store=store, institution_id=institution_id, principal=principal)
    incidents = (
        []
        if shown is None
        else [
            i
            for i in supervision.incidents(store=store, month=shown, principal=principal)
            if i.institution_id == institution_id
        ]
    )
    if not ratings and not notices and not incidents:
        return not_found(request, visitor)
    return page(
        request,
        "institution.html.j2",
        visitor,
        registers=registers(store),
        institution_id=institution_id,
        month=shown,
        months=months,
        rating=ratings[0] if ratings else None,
        notices=notices,
        incidents=incidents,
    )
