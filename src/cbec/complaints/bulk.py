"""Complaints in bulk: feed complaints imported as cases, and the figures the credit file and the report read."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cbec.casework import service as casework
from cbec.complaints.classifier import classify_texts
from cbec.complaints.config import shipped_config
from cbec.complaints.domain import CATEGORIES
from cbec.complaints.keys import load_keyring
from cbec.complaints.lifecycle import complaint_lifecycle
from cbec.complaints.models import COMPLAINTS, ComplaintCase
from cbec.complaints.personal import seal_text
from cbec.core.calendar import WorkingCalendar
from cbec.core.clock import SHANGHAI
from cbec.core.months import month_bounds
from cbec.core.workflow import Lifecycle, is_overdue
from cbec.feeds.service import lake_views, read_side
from cbec.storage.engine import transaction
from cbec.storage.store import Store


def resolution_by_enterprise(*, store: Store) -> dict[str, tuple[int, int]]:
    """Return per enterprise the complaints routed to it and how many of them were settled or closed."""
    resolved_states = ("settled", "closed")
    found: dict[str, tuple[int, int]] = {}
    with store.factory() as session:
        rows = session.execute(
            select(ComplaintCase.respondent_id, ComplaintCase.state).where(
                ComplaintCase.respondent_kind == "enterprise"
            )
        )
        for enterprise_id, state in rows:
            if enterprise_id is None:
                continue
            handled, resolved = found.get(enterprise_id, (0, 0))
            found[enterprise_id] = (handled + 1, resolved + (state in resolved_states))
    return found


def month_summary(*, store: Store, month: str) -> dict[str, object]:
    """Return the month's complaints by category and by state, the overdue ones and mean satisfaction."""
    start, end = month_bounds(month)
    now = datetime.now(UTC)
    with store.factory() as session:
        rows = list(
            session.execute(
                select(
                    ComplaintCase.category,
                    ComplaintCase.state,
                    ComplaintCase.due_at,
                    ComplaintCase.satisfaction,
                ).where(ComplaintCase.received_at >= start, ComplaintCase.received_at < end)
            )
        )
    categories: dict[str, int] = {}
    states: dict[str, int] = {}
    for category, state, _, _ in rows:
        categories[category] = categories.get(category, 0) + 1
        states[state] = states.get(state, 0) + 1
    lifecycle = complaint_lifecycle(shipped_config().deadlines)
    scores = [s for *_, s in rows if s is not None]
    return {
        "total": len(rows),
        "by_category": dict(sorted(categories.items(), key=lambda kv: -kv[1])),
        "by_state": states,
        "overdue": sum(is_overdue(lifecycle, state=state, due_at=due, now=now) for _, state, due, _ in rows),
        "satisfaction": round(sum(scores) / len(scores), 2) if scores else None,
    }


def file_case(
    session: Session,
    lifecycle: Lifecycle,
    calendar: WorkingCalendar,
    *,
    received_at: datetime,
    now: datetime,
    actor: str,
    reason: str,
    audit_action: str,
    after: dict[str, Any],
    **fields: Any,
) -> ComplaintCase:
    """Open a complaint as a case, however it came in: a fresh public tracking code, the lifecycle's first state
    and its acceptance deadline counted from receipt, the opening step and its audit entry (`fields`: the rest)."""
    case = ComplaintCase(
        tracking_code=f"TS{secrets.token_hex(6).upper()}",
        received_at=received_at,
        state=lifecycle.initial,
        due_at=lifecycle.due(lifecycle.initial, received_at.astimezone(SHANGHAI), calendar),
        updated_at=now,
        **fields,
    )
    casework.open_item(
        session,
        COMPLAINTS,
        case,
        actor=actor,
        at=received_at,
        opening="file",
        reason=reason,
        audit_action=audit_action,
        after=after,
        now=now,
    )
    return case


def import_feed(*, store: Store, month: str, now: datetime | None = None) -> int:
    """Open a case for every complaint of the month's `complaints` feed not yet imported; return how many.

    Feed rows carry no name or phone (the consumer is a keyed pseudonym in the lake); each is classified with
    the shipped model unless the platform sent a category, and starts the 7-working-day acceptance clock at
    its own received time.
    """
    now = now or datetime.now(UTC)
    con = read_side(store=store)
    try:
        if "complaints" not in lake_views(con):
            return 0
        cursor = con.execute(
            "SELECT complaint_id, received_at, language, text, category, enterprise_id, platform_id, order_id, "
            "amount_claimed, currency FROM complaints WHERE month = ? ORDER BY received_at, complaint_id",
            [month],
        )
        names = [c[0] for c in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    finally:
        con.close()
    with store.factory() as session:
        known = set(session.scalars(select(ComplaintCase.complaint_id).where(ComplaintCase.complaint_id.is_not(None))))
    fresh = [r for r in rows if r["complaint_id"] not in known]
    if not fresh:
        return 0
    found = classify_texts([r["text"] for r in fresh], settings=store.settings)
    lifecycle, calendar = complaint_lifecycle(shipped_config().deadlines), store.calendar()
    ring = load_keyring(store.settings)
    with transaction(store.factory) as session:
        for row, guess in zip(fresh, found, strict=True):
            text, text_personal = seal_text(row["text"], ring)
            given = row["category"] if row["category"] in CATEGORIES else None
            category = given or guess.category
            file_case(
                session,
                lifecycle,
                calendar,
                received_at=row["received_at"],
                now=now,
                actor="feed",
                reason="complaints feed",
                audit_action="complaint.import",
                after={"complaint_id": row["complaint_id"], "category": category},
                source="feed",
                complaint_id=row["complaint_id"],
                language=(row["language"] or "zh")[:8],
                text=text,
                text_personal=text_personal,
                category=category,
                confidence=None if given else Decimal(str(round(guess.confidence, 4))),
                category_by="platform" if given else f"model:{guess.model_version}",
                enterprise_id=row["enterprise_id"],
                platform_id=row["platform_id"],
                order_id=row["order_id"],
                amount_claimed=row["amount_claimed"],
                currency=row["currency"],
            )
    return len(fresh)
