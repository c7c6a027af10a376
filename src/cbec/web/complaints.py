"""Complaints on the web: the public form (no login) and tracking page, the businesses' and regulators' handling."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi import Path as PathParam
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from cbec.api.deps import RowId, StoreDep, client_address
from cbec.auth import service as auth
from cbec.auth.domain import ROLES, NotVisible
from cbec.complaints import service as complaints
from cbec.complaints.schemas import ComplaintCreate
from cbec.core.workflow import TransitionError
from cbec.web.i18n import lang_of
from cbec.web.render import not_found, page, registers
from cbec.web.session import Visitor, check_csrf, check_origin, needs

router = APIRouter(include_in_schema=False)
AnyRole = Annotated[Visitor, Depends(needs(*ROLES))]
TRACKING_CODE = re.compile(r"TS[0-9A-F]{12}")
Code = Annotated[str, PathParam(pattern=r"^TS[0-9A-F]{12}$")]


@router.get("/complaint")
def complaint_form(request: Request) -> Response:
    """The public complaint form, in the visitor's language; no login needed."""
    return page(request, "complaint_form.html.j2", errors=[], values={})


@router.post("/complaint")
def file_complaint(
    request: Request,
    store: StoreDep,
    text: Annotated[str, Form(max_length=4000)],
    consumer_name: Annotated[str, Form(max_length=100)],
    consumer_phone: Annotated[str, Form(max_length=30)],
    platform_id: Annotated[str, Form(max_length=64)] = "",
    enterprise_id: Annotated[str, Form(max_length=32)] = "",
    order_id: Annotated[str, Form(max_length=64)] = "",
    amount_claimed: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """File the complaint and show its tracking code (the personal data is sealed before it is stored)."""
    check_origin(request)
    values = {
        "text": text,
        "consumer_name": consumer_name,
        "consumer_phone": consumer_phone,
        "platform_id": platform_id,
        "enterprise_id": enterprise_id,
        "order_id": order_id,
        "amount_claimed": amount_claimed,
    }
    try:
        data = ComplaintCreate(
            text=text,
            language=lang_of(request),
            consumer_name=consumer_name,
            consumer_phone=consumer_phone,
            platform_id=platform_id or None,
            enterprise_id=enterprise_id or None,
            order_id=order_id or None,
            amount_claimed=Decimal(amount_claimed) if amount_claimed else None,
            currency="CNY" if amount_claimed else None,
        )
    except (ValidationError, ArithmeticError) as exc:
        errors = [str(e["loc"][-1]) for e in exc.errors()] if isinstance(exc, ValidationError) else ["amount_claimed"]
        return page(request, "complaint_form.html.j2", errors=errors, values=values, status_code=422)
    try:
        auth.spend(store=store, action="complaint", key=client_address(request))
    except auth.Throttled as exc:
        return page(
            request,
            "complaint_form.html.j2",
            status_code=429,
            headers={"Retry-After": str(exc.retry_after)},
            errors=[],
            values=values,
            retry_after=exc.retry_after,
        )
    filed = complaints.file_complaint(store=store, data=data, source="web")
    return RedirectResponse(f"/complaint/track/{filed.tracking_code}?new=1", status_code=303)


@router.get("/complaint/track")
def track_lookup(request: Request, code: Annotated[str, Query(max_length=64)] = "") -> Response:
    """The lookup form; a well-formed code goes to its complaint's page, a malformed one is named as such."""
    typed = code.strip().upper()
    if not typed:
        return page(request, "complaint_lookup.html.j2", code="", malformed=False)
    if not TRACKING_CODE.fullmatch(typed):
        return page(request, "complaint_lookup.html.j2", status_code=400, code=code.strip(), malformed=True)
    return RedirectResponse(f"/complaint/track/{typed}", status_code=303)


@router.get("/complaint/track/{code}")
def track(request: Request, store: StoreDep, code: Annotated[str, PathParam(max_length=64)], new: int = 0) -> Response:
    """Show where a complaint stands (public, by tracking code; personal data masked)."""
    if not TRACKING_CODE.fullmatch(code):
        return page(request, "complaint_lookup.html.j2", status_code=404, code=code, malformed=True)
    found = complaints.track(store=store, tracking_code=code)
    if found is None:
        return page(request, "complaint_lookup.html.j2", status_code=404, code=code, malformed=False, unknown=True)
    return page(request, "complaint_track.html.j2", complaint=found, new=bool(new), states=complaints.STATE_TITLES)


@router.post("/complaint/track/{code}/close")
def close(
    request: Request,
    store: StoreDep,
    code: Code,
    satisfaction: Annotated[int, Form(ge=1, le=5)],
    reason: Annotated[str, Form(max_length=2000)] = "",
    action: Annotated[str, Form(pattern="^(close|dispute)$")] = "close",
) -> Response:
    """The consumer closes with a satisfaction score, or disputes the answer."""
    check_origin(request)
    try:
        complaints.consumer_step(
            store=store,
            tracking_code=code,
            action=action,
            reason=reason or action,
            satisfaction=satisfaction if action == "close" else None,
        )
    except (TransitionError, NotVisible):
        return page(request, "message.html.j2", status_code=409, message_key="not_allowed")
    return RedirectResponse(f"/complaint/track/{code}", status_code=303)


PAGE_SIZE = 25


@router.get("/complaints")
def complaints_board(
    request: Request,
    store: StoreDep,
    visitor: AnyRole,
    state: Annotated[str, Query(max_length=32)] = "",
    category: Annotated[str, Query(max_length=32)] = "",
    page_no: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1,
) -> Response:
    """Complaints the user may handle (all for regulators, those routed to it for a business), a page at a time."""
    state = state if state in complaints.STATE_TITLES else ""
    category = category if category in complaints.CATEGORIES else ""
    who, chosen_state, chosen_category = visitor.principal, state or None, category or None
    total = complaints.count_complaints(store=store, principal=who, state=chosen_state, category=chosen_category)
    pages = max(1, -(-total // PAGE_SIZE))
    page_no = min(page_no, pages)
    rows = complaints.list_complaints(
        store=store,
        principal=who,
        state=chosen_state,
        category=chosen_category,
        limit=PAGE_SIZE,
        offset=(page_no - 1) * PAGE_SIZE,
    )
    return page(
        request,
        "complaints.html.j2",
        visitor,
        rows=rows,
        total=total,
        page_no=page_no,
        pages=pages,
        filters={"state": state, "category": category},
        states=complaints.STATE_TITLES,
        categories=complaints.CATEGORY_TITLES,
        registers=registers(store),
    )


@router.get("/complaints/{case_id}")
def complaint_detail(request: Request, store: StoreDep, visitor: AnyRole, case_id: RowId) -> Response:
    """One complaint: what happened, who answers it, its deadline, its history and the steps this user may take."""
    try:
        found = complaints.get_complaint(store=store, case_id=case_id, principal=visitor.principal)
    except NotVisible:
        return not_found(request, visitor)
    return page(
        request,
        "complaint.html.j2",
        visitor,
        c=found,
        steps=complaints.actions_for(role=visitor.principal.role, state=found.state),
        states=complaints.STATE_TITLES,
        categories=complaints.CATEGORY_TITLES,
        registers=registers(store),
    )


@router.post("/complaints/{case_id}/act")
def act(
    request: Request,
    store: StoreDep,
    visitor: AnyRole,
    case_id: RowId,
    action: Annotated[str, Form(max_length=32)],
    reason: Annotated[str, Form(min_length=1, max_length=4000)],
    csrf: Annotated[str, Form(max_length=80)],
) -> Response:
    """Take one step on a complaint (accept, reject, answer, settle, mediate...)."""
    check_csrf(request, visitor, csrf)
    try:
        complaints.advance_complaint(
            store=store,
            case_id=case_id,
            action=action,
            actor=visitor.principal.username,
            reason=reason,
            principal=visitor.principal,
        )
    except NotVisible:
        return not_found(request, visitor)
    except (TransitionError, PermissionError):
        return page(request, "message.html.j2", visitor, status_code=409, message_key="not_allowed")
    return RedirectResponse(f"/complaints/{case_id}", status_code=303)
