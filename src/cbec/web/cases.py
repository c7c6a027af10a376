"""The quality page (filings, findings, cases) and the case board (every kind of case), with the API's tenant rules."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from cbec.api.deps import StoreDep
from cbec.auth.domain import ENTERPRISE, INSTITUTION, PLATFORM
from cbec.cases import service as cases
from cbec.quality import service as quality
from cbec.web.render import page, registers
from cbec.web.session import PROVINCE_ROLES, Visitor, needs

router = APIRouter(include_in_schema=False)
QualityReader = Annotated[Visitor, Depends(needs(*PROVINCE_ROLES, ENTERPRISE))]
CaseReader = Annotated[Visitor, Depends(needs(*PROVINCE_ROLES, INSTITUTION, PLATFORM, ENTERPRISE))]
Kind = Literal["", "complaint", "takedown", "quality_case", "notice", "credit_repair"]
PAGE_SIZE = 50


@router.get("/quality")
def quality_page(request: Request, store: StoreDep, visitor: QualityReader) -> Response:
    """Per enterprise its filings, findings, inspections and cases; then the quality cases (an enterprise: its own)."""
    principal, now = visitor.principal, datetime.now(UTC)
    found = quality.list_cases(store=store, principal=principal)
    return page(
        request,
        "quality.html.j2",
        visitor,
        per_enterprise=quality.enterprise_quality(store=store, now=now, principal=principal),
        rows=[(c, quality.case_overdue(case=c, now=now)) for c in found],
        measures=quality.measure_titles(),
        states=cases.QUALITY_STATES,
        registers=registers(store),
    )


@router.get("/cases")
def case_board(
    request: Request,
    store: StoreDep,
    visitor: CaseReader,
    kind: Kind = "",
    overdue: bool = False,
    page_no: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1,
) -> Response:
    """Every kind of case the user may see, overdue first, then by deadline; filtered by kind and lateness."""
    rows = cases.case_board(store=store, principal=visitor.principal, kind=kind or None, overdue_only=overdue)
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page_no = min(page_no, pages)
    return page(
        request,
        "cases.html.j2",
        visitor,
        rows=rows[(page_no - 1) * PAGE_SIZE : page_no * PAGE_SIZE],
        total=len(rows),
        overdue_total=sum(r.overdue for r in rows),
        page_no=page_no,
        pages=pages,
        filters={"kind": kind, "overdue": overdue},
        kinds=cases.CASE_KINDS,
        registers=registers(store),
    )
