"""/ratings, /notices, /incidents, /settlement, /security: supervision of payment institutions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from cbec.api.deps import Limit, Month, Offset, Page, PrincipalDep, RowId, StoreDep, require, step_args, visible
from cbec.api.problems import PROBLEM_RESPONSES
from cbec.auth.domain import INSTITUTION, REGULATORS, Principal
from cbec.core.months import MONTH_PATTERN
from cbec.supervision import service as supervision
from cbec.supervision.schemas import IncidentRead, NoticeCreate, NoticeRead, RatingRead, SettlementRead
from cbec.supervision.service import FindingRead

router = APIRouter(tags=["supervision"], responses=PROBLEM_RESPONSES)


@router.get("/ratings", response_model=list[RatingRead])
def ratings(
    month: Month,
    store: StoreDep,
    principal: PrincipalDep,
    institution_id: Annotated[str | None, Query(max_length=64)] = None,
) -> list[RatingRead]:
    """Return the month's institution ratings you may see, worst first, with every module's evidence."""
    return supervision.list_ratings(store=store, month=month, institution_id=institution_id, principal=principal)


@router.get("/notices", response_model=Page[NoticeRead])
def notices(
    store: StoreDep,
    principal: PrincipalDep,
    limit: Limit = 50,
    offset: Offset = 0,
    institution_id: Annotated[str | None, Query(max_length=64)] = None,
    state: Annotated[str | None, Query(max_length=20)] = None,
    overdue: bool = False,
) -> Page[NoticeRead]:
    """List warnings and rectification notices you may see, newest first; `overdue` for those past due."""
    found = supervision.list_notices(
        store=store, institution_id=institution_id, state=state, overdue=overdue, principal=principal
    )
    return Page[NoticeRead](items=found[offset : offset + limit], total=len(found), limit=limit, offset=offset)


class NoticeIssue(BaseModel):
    """A notice to issue."""

    kind: str = Field(pattern="^(warning|rectification)$")
    institution_id: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=300)
    body: str = Field(min_length=1, max_length=4000)
    month: str | None = Field(default=None, pattern=MONTH_PATTERN)


@router.post("/notices", response_model=NoticeRead, status_code=201)
def issue(
    body: NoticeIssue, store: StoreDep, principal: Annotated[Principal, Depends(require(*REGULATORS))]
) -> NoticeRead:
    """Issue a warning or rectification notice; the deadline is counted in Chinese working days."""
    data = NoticeCreate(**body.model_dump())
    return supervision.issue_notice(store=store, data=data, actor=principal.username, principal=principal)


@router.get("/notices/{notice_id}", response_model=NoticeRead)
def notice(notice_id: RowId, store: StoreDep, principal: PrincipalDep) -> NoticeRead:
    """Return one notice with its whole history."""
    found = supervision.get_notice(store=store, notice_id=notice_id, principal=principal)
    return visible(found, f"no notice {notice_id} / 通知 {notice_id} 不存在")


class Transition(BaseModel):
    """One action on a notice, with the reason recorded beside who and when."""

    action: str = Field(min_length=1, max_length=32)
    reason: str = Field(min_length=1, max_length=4000)


@router.post("/notices/{notice_id}/transitions", response_model=NoticeRead)
def advance(notice_id: RowId, body: Transition, store: StoreDep, principal: PrincipalDep) -> NoticeRead:
    """Answer (institution: acknowledge, submit_plan, report_rectified) or decide (regulator: verify, reject, ...)."""
    return supervision.advance_notice(store=store, notice_id=notice_id, **step_args(body, principal))


@router.get("/incidents", response_model=list[IncidentRead])
def incidents(month: Month, store: StoreDep, principal: PrincipalDep) -> list[IncidentRead]:
    """Return the month's security incidents you may see against their 48 h and 7-working-day deadlines."""
    return supervision.incidents(store=store, month=month, principal=principal)


@router.get("/settlement", response_model=list[SettlementRead])
def settlement(month: Month, store: StoreDep, principal: PrincipalDep) -> list[SettlementRead]:
    """Return settlement confirmation time per institution and channel (yours only, for an institution)."""
    return supervision.settlement_kpi(store=store, month=month, principal=principal)


FindingId = Annotated[str, Path(pattern=r"^(SF|MS|UP)-[A-Za-z0-9_.-]{1,76}$", description="finding id")]
SecurityReader = Annotated[Principal, Depends(require(*REGULATORS, INSTITUTION))]


@router.get("/security/findings", response_model=list[FindingRead])
def security_findings(
    store: StoreDep,
    principal: SecurityReader,
    month: Annotated[str | None, Query(pattern=MONTH_PATTERN)] = None,
    institution_id: Annotated[str | None, Query(max_length=64)] = None,
) -> list[FindingRead]:
    """Return the security findings you may see (an institution: its own), discovered or due in the month."""
    return supervision.list_findings(store=store, month=month, institution_id=institution_id, principal=principal)


@router.get("/security/findings/{finding_id}", response_model=FindingRead)
def security_finding(finding_id: FindingId, store: StoreDep, principal: SecurityReader) -> FindingRead:
    """Return one finding with its deadlines and every step."""
    found = supervision.get_finding(store=store, finding_id=finding_id, principal=principal)
    return visible(found, f"no finding {finding_id} / 漏洞 {finding_id} 不存在")


@router.post("/security/findings/{finding_id}/transitions", response_model=FindingRead)
def security_step(finding_id: FindingId, body: Transition, store: StoreDep, principal: SecurityReader) -> FindingRead:
    """Record a step: the institution starts its emergency plan or reports the fix (verified by a later scan)."""
    return supervision.advance_finding(store=store, finding_id=finding_id, **step_args(body, principal))
