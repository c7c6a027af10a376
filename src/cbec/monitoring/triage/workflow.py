"""The analyst's steps on a review item: assign, start, comment, close with a disposition, the maker-checker pair.

Each step runs on the shared case lifecycle (casework.take_step: role checked, state checked, reason required,
a transitions row and an audit entry `review_item.<action>`), in one transaction. An item another institution
owns reads as missing. The item keeps its deadline (set by severity when it opened) until it closes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from cbec.auth.domain import Forbidden, NotVisible, Principal
from cbec.casework import service as casework
from cbec.core.calendar import WorkingCalendar
from cbec.monitoring.triage.cases import settle_case
from cbec.monitoring.triage.lifecycle import REVIEW_ITEM, check_disposition, needs_checker
from cbec.monitoring.triage.models import REVIEW_ITEMS, ReviewItem
from cbec.monitoring.triage.read import item_view
from cbec.monitoring.triage.report_draft import draft_report, lake_payments, report_payment_ids
from cbec.storage.engine import transaction
from cbec.storage.store import Store


def visible_item(session: Session, item_id: int, principal: Principal) -> ReviewItem:
    item = session.get(ReviewItem, item_id)
    if item is None or not principal.can_see("institution_id", item.institution_id):
        raise NotVisible(f"no review item {item_id} / 待审事项 {item_id} 不存在")
    return item


def apply_step(
    session: Session,
    item: ReviewItem,
    principal: Principal,
    action: str,
    reason: str,
    *,
    now: datetime,
    calendar: WorkingCalendar,
    payments: Sequence[Mapping[str, Any]] = (),
    **changes: Any,
) -> None:
    """Take one action on an item in the caller's transaction and apply `changes`.

    A closed item settles its case; one closed as a true positive drafts its report from `payments`.
    """
    keep = item.due_at if REVIEW_ITEM.next_state(item.state, action) != "closed" else None
    casework.take_step(
        session,
        REVIEW_ITEMS,
        item,
        lifecycle=REVIEW_ITEM,
        action=action,
        actor=principal.username,
        reason=reason,
        now=now,
        calendar=calendar,
        role=principal.role,
        due_at=keep,
    )
    for name, value in changes.items():
        setattr(item, name, value)
    if item.state == "closed":
        item.due_at = None
        session.flush()
        settle_case(session, item.case_id, now=now)
        if item.disposition == "true_positive":
            draft_report(session, item, payments=payments, analyst=principal.username, reason=reason, now=now)


def _step(
    store: Store,
    item_id: int,
    principal: Principal,
    action: str,
    reason: str,
    now: datetime | None,
    payments: Sequence[Mapping[str, Any]] = (),
    **changes: Any,
) -> dict[str, Any]:
    """Take one action on an item the principal may see, apply `changes` to it, and return the item."""
    now = now or datetime.now(UTC)
    with transaction(store.factory) as session:
        item = visible_item(session, item_id, principal)
        apply_step(
            session, item, principal, action, reason, now=now, calendar=store.calendar(), payments=payments, **changes
        )
        session.flush()
        return item_view(item)


def assign_item(
    *, store: Store, item_id: int, assignee: str, principal: Principal, reason: str = "", now: datetime | None = None
) -> dict[str, Any]:
    """Give an item to a person or a team queue (again, to reassign it)."""
    if not assignee.strip():
        raise ValueError("须指定处理人 / name the person or team queue")
    why = reason or f"分派给 / assigned to {assignee}"
    return _step(store, item_id, principal, "assign", why, now, assignee=assignee)


def start_item(*, store: Store, item_id: int, principal: Principal, now: datetime | None = None) -> dict[str, Any]:
    """Start reviewing an assigned item."""
    return _step(store, item_id, principal, "start", "开始审查 / review started", now)


def comment_item(
    *, store: Store, item_id: int, text: str, principal: Principal, now: datetime | None = None
) -> dict[str, Any]:
    """Add a comment to an open item (kept as a step that leaves the state as it is)."""
    if not text.strip():
        raise ValueError("评论不能为空 / a comment needs text")
    return _step(store, item_id, principal, "comment", text, now)


def apply_close(
    session: Session,
    item: ReviewItem,
    principal: Principal,
    disposition: str,
    reason: str,
    *,
    now: datetime,
    calendar: WorkingCalendar,
    payments: Sequence[Mapping[str, Any]] = (),
) -> None:
    """Close an item in the caller's transaction, or propose the close when it needs a checker (maker-checker)."""
    why = reason or f"处置 / disposition {disposition}"
    if needs_checker(item.severity, disposition):
        apply_step(
            session,
            item,
            principal,
            "propose_close",
            why,
            now=now,
            calendar=calendar,
            disposition=disposition,
            disposition_reason=reason,
            proposed_by=principal.username,
        )
        return
    apply_step(
        session,
        item,
        principal,
        "close",
        why,
        now=now,
        calendar=calendar,
        payments=payments,
        disposition=disposition,
        disposition_reason=reason,
    )


def close_item(
    *,
    store: Store,
    item_id: int,
    disposition: str,
    reason: str,
    principal: Principal,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Close an item with a disposition; a high or critical false positive waits for a second person's check.

    A true positive drafts its suspicious transaction report, with the payments read from the lake first.
    """
    check_disposition(disposition, reason)
    with store.factory() as session:
        item = visible_item(session, item_id, principal)
        institution_id = item.institution_id
        reported = report_payment_ids(session, item) if disposition == "true_positive" else []
    payments = lake_payments(store, institution_id, reported) if reported else []
    now = now or datetime.now(UTC)
    with transaction(store.factory) as session:
        item = visible_item(session, item_id, principal)
        apply_close(
            session, item, principal, disposition, reason, now=now, calendar=store.calendar(), payments=payments
        )
        session.flush()
        return item_view(item)


def check_close(
    *, store: Store, item_id: int, approve: bool, reason: str, principal: Principal, now: datetime | None = None
) -> dict[str, Any]:
    """The checker's answer to a proposed close: confirm it (another person than the maker) or send it back."""
    with store.factory() as session:
        maker = visible_item(session, item_id, principal).proposed_by
    if approve and maker == principal.username:
        raise Forbidden("复核须由另一人完成 / maker-checker: a second person must confirm this close")
    if approve:
        return _step(store, item_id, principal, "confirm_close", reason or "复核确认 / confirmed", now)
    return _step(
        store,
        item_id,
        principal,
        "reject_close",
        reason or "复核退回 / sent back",
        now,
        disposition=None,
        disposition_reason=None,
        proposed_by=None,
    )


def item_steps(*, store: Store, item_id: int, principal: Principal) -> list[dict[str, Any]]:
    """Return an item's steps in order (assignments, comments, dispositions), for the principal who may see it."""
    with store.factory() as session:
        visible_item(session, item_id, principal)
        return [
            {
                "action": s.action,
                "from_state": s.from_state,
                "to_state": s.to_state,
                "actor": s.actor,
                "at": s.at,
                "reason": s.reason,
                "due_at": s.due_at,
            }
            for s in casework.history(session, REVIEW_ITEMS, item_id)
        ]
