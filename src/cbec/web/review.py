"""The review queue on the web: items that passed triage, one item with its steps, files and forms, the STR draft.

Linked from the alert queue (the navigation is full). Every form posts with the session's CSRF token and runs
one service call; what the service refuses (a role, a state, maker-checker, a file) comes back as a page that
says why, in the page's language and the service's two-language message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any, Literal, get_args
from urllib.parse import parse_qsl, quote, urlencode

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from pydantic import Field
from starlette.responses import RedirectResponse, Response

from cbec.api.deps import RowId, StoreDep
from cbec.auth.domain import ROLES, Forbidden, NotVisible
from cbec.core.months import MONTH_SHAPE
from cbec.core.workflow import TransitionError
from cbec.monitoring import service as monitoring
from cbec.web.render import MonthFilter, PageNo, Queue, SeverityFilter, not_found, page, queue_page, registers
from cbec.web.session import Visitor, check_csrf, needs

router = APIRouter(include_in_schema=False)
AnyRole = Annotated[Visitor, Depends(needs(*ROLES))]
Csrf = Annotated[str, Form(max_length=100)]
Reason = Annotated[str, Form(max_length=4000)]


def _item_page(*, cap: int, limit: int, offset: int, sort: str, **read: Any) -> tuple[list[dict[str, Any]], int]:
    """Return one page of review items and how many there are, counted up to one past the cap."""
    rows = monitoring.list_items(limit=limit, offset=offset, sort=sort, **read)
    return rows, monitoring.count_items(cap=cap, **read)


REVIEW_ITEMS = Queue(
    _item_page,
    monitoring.available_months,
    ("review.html.j2", "review_rows.html.j2"),
    cap=10_000,
)
Status = Literal["", "new", "assigned", "in_review", "pending_check", "closed"]
Sort = Literal["score", "due_at", "-created_at", "id"]
Step = Literal["assign", "start", "comment", "close", "check"]
BulkIds = Annotated[list[Annotated[int, Field(ge=1, le=2**31 - 1)]] | None, Form(max_length=monitoring.MAX_BULK)]
# What the queue page's bulk form offers: the dispositions a bulk close takes, and how many items one call takes.
BULK_FORM: dict[str, Any] = {"bulk_dispositions": monitoring.BULK_DISPOSITIONS, "bulk_max": monitoring.MAX_BULK}


@router.get("/review")
def review_queue(
    request: Request,
    store: StoreDep,
    visitor: AnyRole,
    month: MonthFilter = "",
    status: Status = "",
    severity: SeverityFilter = "",
    assignee: Annotated[str, Query(max_length=80)] = "",
    page_no: PageNo = 1,
    sort: Sort = "score",
    bulk: Literal["", "assign", "close"] = "",
    ids: Annotated[str, Query(max_length=12 * monitoring.MAX_BULK)] = "",
) -> Response:
    """List the review items the user may see, filtered and sorted; an htmx request gets only the table back.

    After a bulk action (`bulk` and the `ids` it took, from the redirect that follows the POST) the page says what
    was done, read from the store: the items as they stand now, so a link cannot make it say anything else.
    """
    filters = {"month": month, "status": status, "severity": severity, "assignee": assignee}
    notice = _done(store, visitor, bulk, ids) if bulk else None
    return queue_page(request, visitor, store, REVIEW_ITEMS, filters, page_no, sort, **BULK_FORM, bulk_done=notice)


# The queue's view a bulk form was sent from (its filters, sort and page, in the form's `back` field): each value
# checked as the queue's own parameters are, anything else dropped, so the redirect can only lead back to /review.
_VIEW_CHECKS: dict[str, Callable[[str], bool]] = {
    "month": lambda v: re.fullmatch(MONTH_SHAPE, v) is not None,
    "status": lambda v: v in get_args(Status),
    "severity": lambda v: v in get_args(SeverityFilter),
    "assignee": lambda v: len(v) <= 80,
    "sort": lambda v: v in get_args(Sort),
    "page": lambda v: v.isdigit() and 1 <= int(v) <= 100_000,
}


def _view(back: str) -> dict[str, str]:
    """Return the queue view named by a bulk form's `back` field: only known, valid parameters, non-empty."""
    try:
        found = dict(parse_qsl(back, max_num_fields=len(_VIEW_CHECKS) * 2))
    except ValueError:  # more fields than a view has: not the queue's own form
        return {}
    return {k: found[k] for k, valid in _VIEW_CHECKS.items() if found.get(k) and valid(found[k])}


def _done(store: StoreDep, visitor: Visitor, action: str, ids: str) -> dict[str, Any] | None:
    """Return the notice of a bulk action: the listed items the user may see, their assignee, those awaiting a check."""
    wanted = [int(i) for i in ids.split(",")[: monitoring.MAX_BULK] if i.isdigit() and 0 < int(i) < 2**31]
    found = [monitoring.get_item(store=store, item_id=i, principal=visitor.principal) for i in wanted]
    items = [item for item in found if item is not None]
    if not items:
        return None
    return {
        "action": action,
        "items": [i["id"] for i in items],
        "assignee": items[0]["assignee"] or "",
        "pending": [i["id"] for i in items if i["status"] == "pending_check"],
    }


@router.post("/review/bulk")
def bulk(
    request: Request,
    store: StoreDep,
    visitor: AnyRole,
    csrf: Csrf,
    action: Annotated[Literal["assign", "close"], Form()],
    item: BulkIds = None,  # the ticked rows' ids (a browser sends none when none is ticked)
    assignee: Annotated[str, Form(max_length=80)] = "",
    disposition: Annotated[str, Form(max_length=20)] = "",
    reason: Reason = "",
    back: Annotated[str, Form(max_length=400)] = "",  # the view the form was sent from: filters, sort, page
) -> Response:
    """Assign the ticked items, or close them with one disposition, all or none (the API's bulk service).

    Done, it redirects to the queue with the items taken (post, redirect, get: a reload does not post again) and
    the queue says what was done; refused, the queue comes back with the refusal naming the item (nothing done).
    Either way the queue keeps the filters, sort and page it was sent from.
    """
    check_csrf(request, visitor, csrf)
    who, chosen, view = visitor.principal, item or [], _view(back)
    try:
        if action == "assign":
            done = monitoring.bulk_assign(store=store, item_ids=chosen, assignee=assignee, reason=reason, principal=who)
        else:
            done = monitoring.bulk_close(
                store=store, item_ids=chosen, disposition=disposition, reason=reason, principal=who
            )
    except (Forbidden, NotVisible, TransitionError, ValueError) as exc:
        status = 403 if isinstance(exc, Forbidden) else 404 if isinstance(exc, NotVisible) else 409
        return _queue(request, store, visitor, status, view, bulk_refused=str(exc))
    taken = ",".join(str(i["id"]) for i in done)
    return RedirectResponse(f"/review?{urlencode({**view, 'bulk': action, 'ids': taken}, safe=',')}", status_code=303)


def _queue(
    request: Request, store: StoreDep, visitor: Visitor, status: int, view: dict[str, str], **notice: Any
) -> Response:
    """Render the queue's view the bulk form was sent from, with a bulk action's refusal."""
    filters = {k: view.get(k, "") for k in ("month", "status", "severity", "assignee")}
    page_no, sort = int(view.get("page", 1)), view.get("sort", "score")
    return queue_page(request, visitor, store, REVIEW_ITEMS, filters, page_no, sort, status, **BULK_FORM, **notice)


@router.get("/review/{item_id}")
def review_item(request: Request, item_id: RowId, store: StoreDep, visitor: AnyRole) -> Response:
    """One item: why it is here, its case, its steps and files, the forms the user may use, its STR draft."""
    principal = visitor.principal
    item = monitoring.get_item(store=store, item_id=item_id, principal=principal)
    if item is None:
        return not_found(request, visitor)
    return page(
        request,
        "review_item.html.j2",
        visitor,
        item=item,
        steps=monitoring.item_steps(store=store, item_id=item_id, principal=principal),
        files=monitoring.list_attachments(store=store, item_id=item_id, principal=principal),
        draft=monitoring.get_report_draft(store=store, item_id=item_id, principal=principal),
        dispositions=monitoring.DISPOSITIONS,
        registers=registers(store),
    )


def _act(request: Request, visitor: Visitor, item_id: int, call: Callable[[], object]) -> Response:
    """Run one step and go back to the item; a refusal is a page saying why (in both languages)."""
    try:
        call()
    except NotVisible:
        return not_found(request, visitor)
    except Forbidden as exc:
        return page(request, "message.html.j2", visitor, status_code=403, message_key="not_allowed", detail=str(exc))
    except (TransitionError, ValueError) as exc:
        return page(request, "message.html.j2", visitor, status_code=409, message_key="not_allowed", detail=str(exc))
    return RedirectResponse(f"/review/{item_id}", status_code=303)


@router.post("/review/{item_id}/step/{step}")
def take_step(
    request: Request,
    item_id: RowId,
    step: Step,
    store: StoreDep,
    visitor: AnyRole,
    csrf: Csrf,
    assignee: Annotated[str, Form(max_length=80)] = "",
    text: Reason = "",
    reason: Reason = "",
    disposition: Annotated[str, Form(max_length=20)] = "",
    decision: Annotated[Literal["", "approve", "send_back"], Form()] = "",
) -> Response:
    """Take one step from the item's forms: assign, start, comment, close or check (maker-checker)."""
    check_csrf(request, visitor, csrf)
    who, at = visitor.principal, item_id
    steps: dict[str, Callable[[], object]] = {
        "assign": lambda: monitoring.assign_item(
            store=store, item_id=at, assignee=assignee, reason=reason, principal=who
        ),
        "start": lambda: monitoring.start_item(store=store, item_id=at, principal=who),
        "comment": lambda: monitoring.comment_item(store=store, item_id=at, text=text, principal=who),
        "close": lambda: monitoring.close_item(
            store=store, item_id=at, disposition=disposition, reason=reason, principal=who
        ),
        "check": lambda: monitoring.check_close(
            store=store, item_id=at, approve=decision == "approve", reason=reason, principal=who
        ),
    }
    return _act(request, visitor, item_id, steps[step])


@router.post("/review/{item_id}/attach")
async def attach(
    request: Request,
    item_id: RowId,
    store: StoreDep,
    visitor: AnyRole,
    file: Annotated[UploadFile, File()],
    csrf: Csrf,
) -> Response:
    """Keep a file in evidence on the item (PDF, PNG, JPEG, text or CSV; SHA-256 recorded)."""
    check_csrf(request, visitor, csrf)
    data = await file.read(monitoring.MAX_ATTACHMENT_BYTES + 1)
    name, kind, who = file.filename or "attachment", file.content_type or "", visitor.principal
    return _act(
        request,
        visitor,
        item_id,
        lambda: monitoring.attach_file(
            store=store, item_id=item_id, name=name, content_type=kind, data=data, principal=who
        ),
    )


@router.get("/review/{item_id}/files/{attachment_id}")
def download(request: Request, item_id: RowId, attachment_id: RowId, store: StoreDep, visitor: AnyRole) -> Response:
    """Download a file in evidence, after its bytes are checked against its SHA-256."""
    try:
        record, data = monitoring.read_attachment(
            store=store, item_id=item_id, attachment_id=attachment_id, principal=visitor.principal
        )
    except NotVisible:
        return not_found(request, visitor)
    except ValueError as exc:
        return page(request, "message.html.j2", visitor, status_code=409, message_key="file_damaged", detail=str(exc))
    headers = {
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(record['name'])}",
        "X-Content-SHA256": record["sha256"],
    }
    return Response(content=data, media_type=record["content_type"], headers=headers)


@router.get("/review/{item_id}/report")
def report(request: Request, item_id: RowId, store: StoreDep, visitor: AnyRole) -> Response:
    """The suspicious transaction report drafted for the item, as a person reads it (JSON: the API's /report-draft)."""
    draft = monitoring.get_report_draft(store=store, item_id=item_id, principal=visitor.principal)
    if draft is None:
        return not_found(request, visitor)
    return page(request, "review_report.html.j2", visitor, draft=draft, registers=registers(store))
