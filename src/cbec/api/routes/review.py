"""/review-items and /large-value-reports: the review queue (what passed triage) and the report register."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from cbec.api.deps import Limit, Offset, PrincipalDep, RowId, StoreDep
from cbec.api.problems import PROBLEM_RESPONSES
from cbec.auth.domain import NotVisible
from cbec.core.months import MONTH_PATTERN
from cbec.monitoring import service as monitoring
from cbec.monitoring.schemas import LargeValueReportRead, ReviewItemRead, ReviewStepRead

router = APIRouter(tags=["review"], responses=PROBLEM_RESPONSES)
State = Literal["new", "assigned", "in_review", "pending_check", "closed"]
Disposition = Literal["true_positive", "false_positive", "no_action", "escalated"]


@router.get("/review-items", response_model=list[ReviewItemRead])
def list_items(
    store: StoreDep,
    principal: PrincipalDep,
    limit: Limit = 50,
    offset: Offset = 0,
    month: Annotated[str | None, Query(pattern=MONTH_PATTERN)] = None,
    status: State | None = None,
) -> list[ReviewItemRead]:
    """List the review items you may see (an institution: its own), highest risk score first."""
    items = monitoring.list_items(
        store=store, principal=principal, month=month, status=status, limit=limit, offset=offset
    )
    return [ReviewItemRead.model_validate(i) for i in items]


@router.get("/review-items/{item_id}", response_model=ReviewItemRead)
def get_item(item_id: RowId, store: StoreDep, principal: PrincipalDep) -> ReviewItemRead:
    """Return one review item with its top contributions."""
    item = monitoring.get_item(store=store, item_id=item_id, principal=principal)
    if item is None:
        raise NotVisible(f"no review item {item_id} / 待审事项 {item_id} 不存在")
    return ReviewItemRead.model_validate(item)


@router.get("/review-items/{item_id}/steps", response_model=list[ReviewStepRead])
def item_steps(item_id: RowId, store: StoreDep, principal: PrincipalDep) -> list[ReviewStepRead]:
    """Return an item's steps in order: assignments, comments, dispositions."""
    return [
        ReviewStepRead.model_validate(s)
        for s in monitoring.item_steps(store=store, item_id=item_id, principal=principal)
    ]


class Assign(BaseModel):
    """Give an item to a person or a team queue."""

    assignee: str = Field(min_length=1, max_length=80)
    reason: str = Field(default="", max_length=4000)


class Comment(BaseModel):
    """A comment on an open item (an institution answers its own items this way)."""

    text: str = Field(min_length=1, max_length=4000)


class Close(BaseModel):
    """Close with a disposition; a false positive needs its reason (and, high or critical, a second person)."""

    disposition: Disposition
    reason: str = Field(default="", max_length=4000)


class Check(BaseModel):
    """The checker's answer to a proposed close."""

    approve: bool
    reason: str = Field(default="", max_length=4000)


@router.post("/review-items/{item_id}/assign", response_model=ReviewItemRead)
def assign(item_id: RowId, body: Assign, store: StoreDep, principal: PrincipalDep) -> ReviewItemRead:
    """Assign (or reassign) an item: regulators only."""
    item = monitoring.assign_item(
        store=store, item_id=item_id, assignee=body.assignee, reason=body.reason, principal=principal
    )
    return ReviewItemRead.model_validate(item)


@router.post("/review-items/{item_id}/start", response_model=ReviewItemRead)
def start(item_id: RowId, store: StoreDep, principal: PrincipalDep) -> ReviewItemRead:
    """Start reviewing an assigned item: regulators only."""
    return ReviewItemRead.model_validate(monitoring.start_item(store=store, item_id=item_id, principal=principal))


@router.post("/review-items/{item_id}/comments", response_model=ReviewItemRead)
def comment(item_id: RowId, body: Comment, store: StoreDep, principal: PrincipalDep) -> ReviewItemRead:
    """Comment on an open item you may see."""
    item = monitoring.comment_item(store=store, item_id=item_id, text=body.text, principal=principal)
    return ReviewItemRead.model_validate(item)


@router.post("/review-items/{item_id}/close", response_model=ReviewItemRead)
def close(item_id: RowId, body: Close, store: StoreDep, principal: PrincipalDep) -> ReviewItemRead:
    """Close an item in review with a disposition (a high or critical false positive waits for a checker)."""
    item = monitoring.close_item(
        store=store, item_id=item_id, disposition=body.disposition, reason=body.reason, principal=principal
    )
    return ReviewItemRead.model_validate(item)


@router.post("/review-items/{item_id}/check", response_model=ReviewItemRead)
def check(item_id: RowId, body: Check, store: StoreDep, principal: PrincipalDep) -> ReviewItemRead:
    """Confirm (a second person) or send back a proposed close."""
    item = monitoring.check_close(
        store=store, item_id=item_id, approve=body.approve, reason=body.reason, principal=principal
    )
    return ReviewItemRead.model_validate(item)


@router.get("/large-value-reports", response_model=list[LargeValueReportRead])
def list_reports(
    store: StoreDep,
    principal: PrincipalDep,
    month: Annotated[str | None, Query(pattern=MONTH_PATTERN)] = None,
    day: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$")] = None,
    limit: Limit = 100,
) -> list[LargeValueReportRead]:
    """List the large-value report register you may see (an institution: its own), by day and customer."""
    rows = monitoring.list_reports(store=store, principal=principal, month=month, day=day, limit=limit)
    return [LargeValueReportRead.model_validate(r) for r in rows]
