"""The notices board (overdue highlighted), one notice with its history and actions, and the tenant portal."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from cbec.api.deps import RowId, StoreDep
from cbec.auth.domain import ENTERPRISE, INSTITUTION, PLATFORM, ROLES, TENANT_COLUMN, Forbidden, Principal
from cbec.cases import service as cases
from cbec.core.workflow import TransitionError
from cbec.monitoring import service as monitoring
from cbec.storage.store import Store
from cbec.supervision import service as supervision
from cbec.web.render import not_found, page, registers
from cbec.web.session import Visitor, check_csrf, needs

router = APIRouter(include_in_schema=False)
AnyRole = Annotated[Visitor, Depends(needs(*ROLES))]
Tenant = Annotated[Visitor, Depends(needs(*TENANT_COLUMN))]


@router.get("/notices")
def board(
    request: Request,
    store: StoreDep,
    visitor: AnyRole,
    state: Annotated[str, Query(max_length=20)] = "",
    overdue: bool = False,
    institution_id: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    """List the notices the user may see, newest first, overdue ones highlighted."""
    notices = supervision.list_notices(
        store=store,
        state=state or None,
        overdue=overdue,
        institution_id=institution_id or None,
        principal=visitor.principal,
    )
    return page(
        request,
        "notices.html.j2",
        visitor,
        notices=notices,
        filters={"state": state, "overdue": overdue, "institution_id": institution_id},
        registers=registers(store),
    )


@router.get("/notices/{notice_id}")
def notice_detail(request: Request, notice_id: RowId, store: StoreDep, visitor: AnyRole) -> Response:
    """Show one notice, its deadline and history, and the actions the user may take on it."""
    notice = supervision.get_notice(store=store, notice_id=notice_id, principal=visitor.principal)
    if notice is None:
        return not_found(request, visitor)
    actions = supervision.notice_actions(notice=notice, principal=visitor.principal)
    return page(
        request, "notice.html.j2", visitor, notice=notice, actions=actions, error=None, registers=registers(store)
    )


@router.post("/notices/{notice_id}/act")
def act(
    request: Request,
    notice_id: RowId,
    store: StoreDep,
    visitor: AnyRole,
    action: Annotated[str, Form(min_length=1, max_length=32)],
    reason: Annotated[str, Form(min_length=1, max_length=4000)],
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Take one action on a notice (answer as the institution, decide as the regulator)."""
    check_csrf(request, visitor, csrf)
    principal = visitor.principal
    notice = supervision.get_notice(store=store, notice_id=notice_id, principal=principal)
    if notice is None:
        return not_found(request, visitor)
    try:
        supervision.advance_notice(
            store=store,
            notice_id=notice_id,
            action=action,
            actor=principal.username,
            reason=reason,
            principal=principal,
        )
    except (Forbidden, TransitionError) as exc:
        actions = supervision.notice_actions(notice=notice, principal=principal)
        return page(
            request,
            "notice.html.j2",
            visitor,
            notice=notice,
            actions=actions,
            error=str(exc),
            status_code=409,
        )
    return RedirectResponse(f"/notices/{notice_id}", status_code=303)


@router.get("/portal")
def portal(request: Request, store: StoreDep, visitor: Tenant) -> Response:
    """Show a tenant its own alerts, the notices it has to answer and their deadlines."""
    principal = visitor.principal
    alerts = monitoring.list_alerts(store=store, principal=principal, limit=20)
    alert_total = monitoring.count_alerts(store=store, principal=principal)
    notices = supervision.list_notices(store=store, principal=principal)
    # Notices to answer: those on which the tenant has a step to take now.
    to_answer = [n for n in notices if supervision.notice_actions(notice=n, principal=principal)]
    deadlines = sorted((n for n in to_answer if n.due_at), key=lambda n: n.due_at)  # type: ignore[arg-type,return-value]
    rating = None
    if principal.role == INSTITUTION:
        month = alerts[0].month if alerts else None
        found = [] if month is None else supervision.list_ratings(store=store, month=month, principal=principal)
        rating = found[0] if found else None
    return page(
        request,
        "portal.html.j2",
        visitor,
        alerts=alerts,
        alert_total=alert_total,
        to_answer=to_answer,
        notices=notices,
        deadlines=deadlines,
        rating=rating,
        registers=registers(store),
        **_my_cases(store, principal),
    )


def _my_cases(store: Store, principal: Principal) -> dict[str, Any]:
    """A platform's or an enterprise's cases (complaints routed to it, takedowns...); an institution has its notices."""
    if principal.role not in (PLATFORM, ENTERPRISE):
        return {"cases": None}
    found = cases.case_board(store=store, principal=principal)
    return {"cases": found[:10], "case_total": len(found), "case_overdue": sum(r.overdue for r in found)}
