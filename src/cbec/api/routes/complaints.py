"""/complaints: consumers file and follow complaints without logging in; businesses and regulators handle them."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from cbec.api.deps import Limit, Offset, PrincipalDep, RowId, StoreDep, client_address, step_args, visible
from cbec.api.problems import PROBLEM_RESPONSES
from cbec.auth import service as auth
from cbec.complaints import service as complaints
from cbec.complaints.schemas import ComplaintCreate, ComplaintRead

router = APIRouter(prefix="/complaints", tags=["complaints"], responses=PROBLEM_RESPONSES)
TrackingCode = Annotated[str, Path(pattern=r"^TS[0-9A-F]{12}$", description="the code given at filing")]


@router.post("", response_model=ComplaintRead, status_code=201, responses={429: PROBLEM_RESPONSES[401]})
def file(body: ComplaintCreate, store: StoreDep, request: Request) -> ComplaintRead:
    """File a complaint (public, no login; a few per client address, then 429): keep the tracking code."""
    auth.spend(store=store, action="complaint", key=client_address(request))
    return complaints.file_complaint(store=store, data=body, source="api")


@router.get("/track/{code}", response_model=ComplaintRead)
def track(code: TrackingCode, store: StoreDep) -> ComplaintRead:
    """Follow a complaint by its tracking code (public; personal data masked)."""
    found = complaints.track(store=store, tracking_code=code)
    return visible(found, "查无此投诉 / no complaint with this tracking code")


class ConsumerStep(BaseModel):
    """The consumer disputes the business's answer, or closes the complaint with a satisfaction score."""

    action: Literal["dispute", "close"]
    reason: str = Field(min_length=1, max_length=2000)
    satisfaction: int | None = Field(default=None, ge=1, le=5)


@router.post("/track/{code}/steps", response_model=ComplaintRead)
def consumer_step(code: TrackingCode, body: ConsumerStep, store: StoreDep) -> ComplaintRead:
    """Dispute or close a complaint as the consumer who filed it (public, by tracking code)."""
    return complaints.consumer_step(
        store=store,
        tracking_code=code,
        action=body.action,
        reason=body.reason,
        satisfaction=body.satisfaction,
    )


@router.get("", response_model=list[ComplaintRead])
def list_complaints(
    store: StoreDep,
    principal: PrincipalDep,
    limit: Limit = 50,
    offset: Offset = 0,
    state: Annotated[str | None, Query(max_length=20)] = None,
) -> list[ComplaintRead]:
    """List the complaints you may see (a business: those routed to it), newest first, masked."""
    return complaints.list_complaints(store=store, principal=principal, state=state, limit=limit, offset=offset)


class Step(BaseModel):
    """One step by the regulator (accept, reject, mediate, settle, fail) or the business (answer, settle)."""

    action: str = Field(min_length=1, max_length=32)
    reason: str = Field(min_length=1, max_length=4000)


@router.post("/{case_id}/transitions", response_model=ComplaintRead)
def advance(case_id: RowId, body: Step, store: StoreDep, principal: PrincipalDep) -> ComplaintRead:
    """Take one step on a complaint you may handle."""
    return complaints.advance_complaint(store=store, case_id=case_id, **step_args(body, principal))
