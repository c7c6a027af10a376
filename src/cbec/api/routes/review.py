"""/review-items, /review-cases and /large-value-reports: the review queue, its cases and the report register."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from cbec.api.deps import Limit, Offset, PrincipalDep, RowId, StoreDep
from cbec.api.problems import PROBLEM_RESPONSES
from cbec.auth.domain import NotVisible
from cbec.core.months import MONTH_PATTERN
from cbec.monitoring import service as monitoring
from cbec.monitoring.schemas import (
    AttachmentRead,
    LargeValueReportRead,
    ReportDraftRead,
    ReviewCaseDetail,
    ReviewCaseRead,
    ReviewItemRead,
    ReviewStepRead,
)

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
    severity: Literal["critical", "high", "medium", "low"] | None = None,
    assignee: Annotated[str | None, Query(max_length=80)] = None,
    sort: Literal["score", "due_at", "-created_at", "id"] = "score",
) -> list[ReviewItemRead]:
    """List the review items you may see (an institution: its own), highest risk score first (or by `sort`)."""
    filters = {"month": month, "status": status, "severity": severity, "assignee": assignee}
    items = monitoring.list_items(store=store, principal=principal, sort=sort, limit=limit, offset=offset, **filters)
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


class BulkAssign(BaseModel):
    """Give many items to one person or team queue, all or none."""

    item_ids: list[int] = Field(min_length=1, max_length=500)
    assignee: str = Field(min_length=1, max_length=80)
    reason: str = Field(default="", max_length=4000)


class BulkClose(BaseModel):
    """Close many items with one disposition, all or none (a checked false positive waits for its checker)."""

    item_ids: list[int] = Field(min_length=1, max_length=500)
    disposition: Literal["no_action", "false_positive", "escalated"]
    reason: str = Field(default="", max_length=4000)


@router.post("/review-items/bulk-assign", response_model=list[ReviewItemRead])
def bulk_assign(body: BulkAssign, store: StoreDep, principal: PrincipalDep) -> list[ReviewItemRead]:
    """Assign many items in one call: each step kept and audited; one refusal and nothing is done."""
    items = monitoring.bulk_assign(
        store=store, item_ids=body.item_ids, assignee=body.assignee, reason=body.reason, principal=principal
    )
    return [ReviewItemRead.model_validate(i) for i in items]


@router.post("/review-items/bulk-close", response_model=list[ReviewItemRead])
def bulk_close(body: BulkClose, store: StoreDep, principal: PrincipalDep) -> list[ReviewItemRead]:
    """Close many items in one call, all or none; maker-checker still holds for each item."""
    items = monitoring.bulk_close(
        store=store, item_ids=body.item_ids, disposition=body.disposition, reason=body.reason, principal=principal
    )
    return [ReviewItemRead.model_validate(i) for i in items]


@router.get("/review-cases", response_model=list[ReviewCaseRead])
def list_cases(
    store: StoreDep,
    principal: PrincipalDep,
    limit: Limit = 50,
    offset: Offset = 0,
    month: Annotated[str | None, Query(pattern=MONTH_PATTERN)] = None,
    status: Literal["open", "closed"] | None = None,
) -> list[ReviewCaseRead]:
    """List review cases you may see (an institution: its own), highest score first."""
    cases = monitoring.list_review_cases(
        store=store, principal=principal, month=month, status=status, limit=limit, offset=offset
    )
    return [ReviewCaseRead.model_validate(c) for c in cases]


@router.get("/review-cases/{case_id}", response_model=ReviewCaseDetail)
def get_case(case_id: RowId, store: StoreDep, principal: PrincipalDep) -> ReviewCaseDetail:
    """Return one review case with its items."""
    return ReviewCaseDetail.model_validate(
        monitoring.get_review_case(store=store, case_id=case_id, principal=principal)
    )


@router.post("/review-items/{item_id}/attachments", response_model=AttachmentRead, status_code=201)
async def attach(
    item_id: RowId,
    store: StoreDep,
    principal: PrincipalDep,
    file: Annotated[UploadFile, File(description="PDF, PNG, JPEG, plain text or CSV; at most 10 MiB")],
) -> AttachmentRead:
    """Keep a file in evidence on an open item (SHA-256 recorded; the same bytes twice are kept once)."""
    data = await file.read(monitoring.MAX_ATTACHMENT_BYTES + 1)
    row = monitoring.attach_file(
        store=store,
        item_id=item_id,
        name=file.filename or "attachment",
        content_type=file.content_type or "",
        data=data,
        principal=principal,
    )
    return AttachmentRead.model_validate(row)


@router.get("/review-items/{item_id}/attachments", response_model=list[AttachmentRead])
def attachments(item_id: RowId, store: StoreDep, principal: PrincipalDep) -> list[AttachmentRead]:
    """List the files in evidence on an item."""
    rows = monitoring.list_attachments(store=store, item_id=item_id, principal=principal)
    return [AttachmentRead.model_validate(r) for r in rows]


@router.get("/review-items/{item_id}/attachments/{attachment_id}", response_class=Response)
def download(item_id: RowId, attachment_id: RowId, store: StoreDep, principal: PrincipalDep) -> Response:
    """Download a file, after its bytes are checked against the SHA-256 kept when it was added."""
    record, data = monitoring.read_attachment(
        store=store, item_id=item_id, attachment_id=attachment_id, principal=principal
    )
    headers = {
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(record['name'])}",
        "X-Content-SHA256": record["sha256"],
    }
    return Response(content=data, media_type=record["content_type"], headers=headers)


@router.get("/review-items/{item_id}/report-draft", response_model=ReportDraftRead)
def report_draft(
    item_id: RowId, store: StoreDep, principal: PrincipalDep, format: Literal["json", "text"] = "json"
) -> ReportDraftRead | Response:
    """The suspicious transaction report drafted when the item closed as a true positive (JSON or readable text)."""
    draft = monitoring.get_report_draft(store=store, item_id=item_id, principal=principal)
    if draft is None:
        raise NotVisible(f"no report draft for review item {item_id} / 待审事项 {item_id} 无可疑交易报告草稿")
    if format == "text":
        return Response(content=monitoring.report_text(draft), media_type="text/plain; charset=utf-8")
    return ReportDraftRead.model_validate(draft)


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
