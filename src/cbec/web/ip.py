"""The IP page: takedown cases, copied images and descriptions, customs border flags; each party its own."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.responses import Response

from cbec.api.deps import StoreDep
from cbec.auth.domain import ENTERPRISE, PLATFORM, REGULATORS, NotVisible
from cbec.core.months import MONTH_PATTERN
from cbec.ip import service as ip
from cbec.web.render import not_found, page
from cbec.web.session import Visitor, needs

router = APIRouter(include_in_schema=False)
Reader = Annotated[Visitor, Depends(needs(*sorted(REGULATORS), PLATFORM, ENTERPRISE))]


@router.get("/ip")
def ip_page(
    request: Request,
    store: StoreDep,
    visitor: Reader,
    month: Annotated[str | None, Query(pattern=MONTH_PATTERN)] = None,
) -> Response:
    """Show the takedowns, copy findings and (not for platforms) border flags the visitor may see."""
    principal = visitor.principal
    show_flags = principal.role != PLATFORM  # the border is customs' and the declarant's business
    flags = ip.list_border_flags(store=store, month=month, principal=principal) if show_flags and month else []
    return page(
        request,
        "ip.html.j2",
        visitor,
        takedowns=ip.list_takedowns(store=store, principal=principal)[:200],
        copies=ip.list_copy_findings(store=store, principal=principal, limit=200),
        flags=flags,
        month=month,
        show_flags=show_flags,
    )


@router.get("/ip/takedowns/{case_id}")
def takedown_page(
    request: Request, store: StoreDep, visitor: Reader, case_id: Annotated[int, Path(ge=1, le=2**31 - 1)]
) -> Response:
    """Show one takedown case with its steps and evidence files (SHA-256)."""
    principal = visitor.principal
    try:
        case = ip.get_takedown(store=store, case_id=case_id, principal=principal)
    except NotVisible:
        return not_found(request, visitor)
    return page(
        request,
        "ip_takedown.html.j2",
        visitor,
        case=case,
        steps=ip.takedown_steps(store=store, case_id=case_id, principal=principal),
        evidence=ip.list_evidence(store=store, case_id=case_id, principal=principal),
    )
