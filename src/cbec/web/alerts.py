"""The alert queue (filters, paging, htmx partial updates) and one alert with its evidence graph."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from cbec.api.deps import RowId, StoreDep
from cbec.auth.domain import REGULATORS, ROLES
from cbec.monitoring import service as monitoring
from cbec.monitoring.schemas import AlertRead
from cbec.supervision import service as supervision
from cbec.web.render import MonthFilter, PageNo, Queue, SeverityFilter, not_found, page, queue_page, registers
from cbec.web.session import Visitor, check_csrf, needs

router = APIRouter(include_in_schema=False)
AnyRole = Annotated[Visitor, Depends(needs(*ROLES))]
Regulator = Annotated[Visitor, Depends(needs(*sorted(REGULATORS)))]


def _alert_page(**read: Any) -> tuple[list[AlertRead], int]:
    """Return one page of alerts and their total, read in one statement as the API's list reads them."""
    rows, total, _cursor = monitoring.page_alerts(**read)
    return rows, total


ALERTS = Queue(
    _alert_page,
    monitoring.available_months,
    ("alerts.html.j2", "alert_rows.html.j2"),
)
Sort = Literal["severity", "-first_at", "first_at", "-id", "id", "rule_id", "institution_id"]


@router.get("/alerts")
def alert_queue(
    request: Request,
    store: StoreDep,
    visitor: AnyRole,
    month: MonthFilter = "",
    severity: SeverityFilter = "",
    rule_id: Annotated[str, Query(max_length=80)] = "",
    institution_id: Annotated[str, Query(max_length=64)] = "",
    page_no: PageNo = 1,
    sort: Sort = "severity",
) -> Response:
    """List the alerts the user may see, sorted by a column; an htmx request gets only the table back."""
    filters = {"month": month, "severity": severity, "rule_id": rule_id, "institution_id": institution_id}
    return queue_page(request, visitor, store, ALERTS, filters, page_no, sort)


@router.get("/alerts/{alert_id}")
def alert_detail(request: Request, alert_id: RowId, store: StoreDep, visitor: AnyRole) -> Response:
    """Show one alert: its explanation, the evidence graph of its payments, and (for a regulator) a notice form."""
    alert = monitoring.get_alert(store=store, alert_id=alert_id, principal=visitor.principal)
    graph = monitoring.evidence_graph(store=store, alert_id=alert_id, principal=visitor.principal)
    if alert is None or graph is None:
        return not_found(request, visitor)
    # Where the money went or came from: the countries of the accounts other than China's (a corridor alert's point).
    countries = sorted({n.country for n in graph.nodes if n.country and n.country != "CN"})
    amounts: dict[str, Decimal] = {}
    for edge in graph.edges:
        amounts[edge.currency] = amounts.get(edge.currency, Decimal(0)) + edge.amount
    return page(
        request,
        "alert.html.j2",
        visitor,
        alert=alert,
        graph=graph,
        countries=countries,
        amounts=amounts,
        registers=registers(store),
    )


@router.post("/alerts/{alert_id}/notice")
def issue_from_alert(
    request: Request,
    alert_id: RowId,
    store: StoreDep,
    visitor: Regulator,
    kind: Annotated[Literal["warning", "rectification"], Form()],
    title: Annotated[str, Form(min_length=1, max_length=300)],
    body: Annotated[str, Form(min_length=1, max_length=4000)],
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Issue a notice to the alert's institution, with the alert as its evidence; go to the new notice."""
    check_csrf(request, visitor, csrf)
    alert = monitoring.get_alert(store=store, alert_id=alert_id, principal=visitor.principal)
    if alert is None or alert.institution_id is None:
        return not_found(request, visitor)
    data = supervision.NoticeCreate(
        kind=kind,
        institution_id=alert.institution_id,
        title=title,
        body=body,
        month=alert.month,
        evidence={"alert_id": alert.id, "rule_id": alert.rule_id, "key": alert.key_text},
    )
    notice = supervision.issue_notice(
        store=store, data=data, actor=visitor.principal.username, principal=visitor.principal
    )
    return RedirectResponse(f"/notices/{notice.id}", status_code=303)
