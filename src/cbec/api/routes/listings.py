"""/listings/screen: screen listing titles against the registered trademarks."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body

from cbec.api.deps import PrincipalDep, StoreDep
from cbec.api.problems import PROBLEM_RESPONSES
from cbec.auth.domain import Forbidden
from cbec.ip import service as ip
from cbec.ip.schemas import ListingIn, ScreenResult

router = APIRouter(prefix="/listings", tags=["ip"], responses=PROBLEM_RESPONSES)


@router.post("/screen", response_model=list[ScreenResult])
def screen(
    store: StoreDep,
    principal: PrincipalDep,
    listings: Annotated[list[ListingIn], Body(min_length=1, max_length=1_000)],
) -> list[ScreenResult]:
    """Return the best registered mark per listing title (empty when none), its score and the signals that fired."""
    if principal.role == "institution":
        raise Forbidden("支付机构无此权限 / payment institutions do not screen listings")
    if principal.tenant_column == "enterprise_id":
        listings = [ListingIn(title=i.title, enterprise_id=principal.tenant_id) for i in listings]
    return ip.screen_titles(store=store, listings=listings)
