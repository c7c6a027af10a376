"""The credit dashboard: grades per period with reasons and measures, for regulators, partners and an enterprise."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from cbec.api.deps import StoreDep
from cbec.auth.domain import ENTERPRISE, PARTNER
from cbec.credit import service as credit
from cbec.web.render import page
from cbec.web.session import PROVINCE_ROLES, Visitor, needs

router = APIRouter(include_in_schema=False)
Reader = Annotated[Visitor, Depends(needs(*PROVINCE_ROLES, PARTNER, ENTERPRISE))]
PAGE_SIZE = 100


@router.get("/credit")
def credit_page(
    request: Request,
    store: StoreDep,
    visitor: Reader,
    grade: Annotated[str | None, Query(pattern="^[A-D]$")] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    """Show the current ratings you may see (an enterprise: its own) with grade counts, reasons and measures."""
    principal = visitor.principal
    everyone, _ = credit.ratings(store=store, principal=principal, limit=100_000)
    counts: dict[str, int] = {}
    for r in everyone:
        counts[r.grade] = counts.get(r.grade, 0) + 1
    rows, total = credit.ratings(store=store, principal=principal, grade=grade, limit=PAGE_SIZE, offset=offset)
    lists = credit.shared_list_entries(store=store, principal=principal)
    return page(
        request,
        "credit.html.j2",
        visitor,
        rows=rows,
        total=total,
        counts=dict(sorted(counts.items())),
        grade=grade,
        offset=offset,
        page_size=PAGE_SIZE,
        lists=lists,
    )
