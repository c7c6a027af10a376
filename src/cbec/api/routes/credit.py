"""/credit: enterprise credit ratings shared with regulators, registered partners and the enterprise itself."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from cbec.api.deps import Limit, Offset, Page, PrincipalDep, StoreDep
from cbec.api.problems import PROBLEM_RESPONSES
from cbec.core.months import MONTH_PATTERN
from cbec.credit import service as credit
from cbec.credit.schemas import CreditHistoryRead, CreditRatingRead, ListEntryRead

router = APIRouter(prefix="/credit", tags=["credit"], responses=PROBLEM_RESPONSES)

EnterpriseId = Annotated[str, Path(pattern=r"^[0-9A-Z]{18}$", description="unified social credit code")]
Period = Annotated[str | None, Query(pattern=MONTH_PATTERN, description="YYYY-MM (default: the latest)")]


@router.get("/ratings", response_model=Page[CreditRatingRead])
def ratings(
    store: StoreDep,
    principal: PrincipalDep,
    period: Period = None,
    grade: Annotated[str | None, Query(pattern="^[A-Z]$")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[CreditRatingRead]:
    """List current credit ratings with reasons and measures (an enterprise: its own only)."""
    items, total = credit.ratings(
        store=store, principal=principal, period=period, grade=grade, limit=limit, offset=offset
    )
    return Page[CreditRatingRead](items=items, total=total, limit=limit, offset=offset)


@router.get("/enterprises/{enterprise_id}", response_model=CreditRatingRead)
def rating(
    enterprise_id: EnterpriseId, store: StoreDep, principal: PrincipalDep, period: Period = None
) -> CreditRatingRead:
    """Return an enterprise's rating with its reasons, hard rules, measures and list entries."""
    return credit.rating(store=store, enterprise_id=enterprise_id, principal=principal, period=period)


@router.get("/enterprises/{enterprise_id}/history", response_model=list[CreditHistoryRead])
def history(enterprise_id: EnterpriseId, store: StoreDep, principal: PrincipalDep) -> list[CreditHistoryRead]:
    """Return an enterprise's rating in every period scored, oldest first."""
    return credit.history(store=store, enterprise_id=enterprise_id, principal=principal)


@router.get("/lists", response_model=list[ListEntryRead])
def lists(
    store: StoreDep,
    principal: PrincipalDep,
    kind: Annotated[str | None, Query(pattern="^(red|black)$")] = None,
) -> list[ListEntryRead]:
    """Return the current red and black list entries (an enterprise: its own)."""
    return credit.shared_list_entries(store=store, principal=principal, kind=kind)
