"""Bulk actions on review items: assign many, or close many with one disposition, in one call.

All or nothing: every item is stepped in one transaction, and the first refusal (an item the person may not
see, a state that does not allow the step, a role that may not take it) rolls the whole call back and names the
item. Each item still takes its own steps, each kept and audited as if taken alone, and maker-checker still
holds per item: closing a high or critical item as a false positive leaves it pending a second person's check.
An assigned item is started first (assign → start → close), so a queue can be cleared from where it stands.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from cbec.auth.domain import Forbidden, NotVisible, Principal
from cbec.monitoring.triage.lifecycle import check_disposition
from cbec.monitoring.triage.models import ReviewItem
from cbec.monitoring.triage.read import item_view
from cbec.monitoring.triage.workflow import apply_close, apply_step, visible_item
from cbec.storage.engine import transaction
from cbec.storage.store import Store

MAX_BULK = 500
UNDONE = "整批未执行 / nothing in this call was done"
BULK_DISPOSITIONS = ("no_action", "false_positive", "escalated")  # a true positive drafts a report: one at a time


class BulkError(ValueError):
    """A bulk call refused whole, naming the item that stopped it."""


def _ids(item_ids: Sequence[int]) -> list[int]:
    unique = list(dict.fromkeys(item_ids))
    if not unique:
        raise BulkError("未选择事项 / no items chosen")
    if len(unique) > MAX_BULK:
        raise BulkError(f"一次最多 {MAX_BULK} 项 / at most {MAX_BULK} items per call")
    return unique


def _each(
    store: Store,
    item_ids: Sequence[int],
    principal: Principal,
    steps: Callable[[Session, ReviewItem, datetime], None],
    now: datetime | None,
) -> list[dict[str, Any]]:
    """Run `steps(session, item, now)` on each item in one transaction; re-raise the first refusal naming its item."""
    now = now or datetime.now(UTC)
    done: list[dict[str, Any]] = []
    with transaction(store.factory) as session:
        for item_id in _ids(item_ids):
            try:
                item = visible_item(session, item_id, principal)
                steps(session, item, now)
            except (Forbidden, NotVisible) as exc:
                raise type(exc)(f"#{item_id}: {exc} ({UNDONE})") from exc
            except ValueError as exc:
                raise BulkError(f"#{item_id}: {exc} ({UNDONE})") from exc
            done.append(item_view(item))
    return done


def bulk_assign(
    *,
    store: Store,
    item_ids: Sequence[int],
    assignee: str,
    principal: Principal,
    reason: str = "",
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Give many items to one person or team queue, all or none."""
    if not assignee.strip():
        raise ValueError("须指定处理人 / name the person or team queue")
    why = reason or f"批量分派给 / bulk-assigned to {assignee}"

    def assign(session: Session, item: ReviewItem, now: datetime) -> None:
        apply_step(session, item, principal, "assign", why, now=now, calendar=store.calendar(), assignee=assignee)

    return _each(store, item_ids, principal, assign, now)


def bulk_close(
    *,
    store: Store,
    item_ids: Sequence[int],
    disposition: str,
    reason: str,
    principal: Principal,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Close many items with one disposition, all or none; a checked one waits for its second person."""
    if disposition not in BULK_DISPOSITIONS:
        raise BulkError(f"批量处置只能为 / bulk disposition must be one of {', '.join(BULK_DISPOSITIONS)}")
    check_disposition(disposition, reason)
    calendar = store.calendar()

    def close(session: Session, item: ReviewItem, now: datetime) -> None:
        if item.state == "assigned":
            started = "批量处置前开始审查 / started for a bulk close"
            apply_step(session, item, principal, "start", started, now=now, calendar=calendar)
        apply_close(session, item, principal, disposition, reason, now=now, calendar=calendar)

    return _each(store, item_ids, principal, close, now)
