"""Statistics (official Table 1 reconciled, brands by city and job demand from the feeds) and report downloads."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi import Path as PathParam
from starlette.responses import FileResponse, Response

from cbec.api.deps import StoreDep
from cbec.auth import service as auth
from cbec.auth.domain import NotVisible
from cbec.core.months import MONTH_PATTERN
from cbec.monitoring import service as monitoring
from cbec.reports import service as reports
from cbec.stats import service as stats
from cbec.web.render import not_found, page
from cbec.web.session import PROVINCE_ROLES, Visitor, needs

router = APIRouter(include_in_schema=False)
Province = Annotated[Visitor, Depends(needs(*PROVINCE_ROLES))]


@router.get("/statistics")
def statistics(request: Request, store: StoreDep, visitor: Province) -> Response:
    """Show Table 1 with every reported growth checked, and brands and job demand from the feeds (not official)."""
    months = monitoring.available_months(store=store)
    sections = reports.statistics_view(store=store, month=months[0] if months else None)
    checks = stats.reconciliation(store=store)
    trade = [c for c in checks if c.figure.indicator == "cbec_import_export_total"]
    chart = {
        "years": [c.figure.year for c in trade],
        "totals": [float(c.figure.value) for c in trade],
        "reported": [
            None if c.figure.reported_growth_pct is None else float(c.figure.reported_growth_pct) for c in trade
        ],
        "computed": [None if c.computed_growth_pct is None else float(c.computed_growth_pct) for c in trade],
    }
    return page(
        request,
        "statistics.html.j2",
        visitor,
        checks=checks,
        chart=chart,
        brands=sections["brands"],
        talent=sections["talent"],
        month=months[0] if months else None,
    )


@router.get("/reports")
def report_list(request: Request, store: StoreDep, visitor: Province) -> Response:
    """List the months whose monthly supervision report can be downloaded (built on first download)."""
    return page(request, "reports.html.j2", visitor, months=monitoring.available_months(store=store))


@router.get("/reports/{month}/{lang}.pdf")
def report_pdf(
    request: Request,
    store: StoreDep,
    visitor: Province,
    month: Annotated[str, PathParam(pattern=MONTH_PATTERN)],
    lang: Literal["zh", "en"],
) -> Response:
    """Download a month's report as PDF (built on first download: only months with data, a few per hour)."""
    try:
        pdf = reports.report_file(store=store, month=month, lang=lang, requested_by=visitor.principal.username)
    except NotVisible:
        return not_found(request, visitor)
    except auth.Throttled as exc:
        retry = {"Retry-After": str(exc.retry_after)}
        return page(request, "message.html.j2", visitor, status_code=429, headers=retry, message_key="too_many")
    return FileResponse(pdf, media_type="application/pdf", filename=pdf.name)
