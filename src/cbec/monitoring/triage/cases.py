"""Review cases: items grouped per institution, month and subject, so an analyst reads an account once.

An item's subject is its payer account ("account:<id>"); an item without one is grouped by the evidence that
raised its score most ("pattern:<signal>"). A new item joins the open case of its (institution, month, subject),
else opens one. A case's `score` is the largest of its items' scores, `combined_score` their noisy-or
(1 - prod(1 - score): several middling items weigh more than one); it closes when its last open item closes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from cbec.auth.domain import SYSTEM, NotVisible, Principal
from cbec.monitoring.triage.domain import NewItem
from cbec.monitoring.triage.models import ReviewCase, ReviewItem
from cbec.monitoring.triage.read import item_view
from cbec.storage.store import Store

CASE_STATES = ("open", "closed")
CaseKey = tuple[str, str, str]  # institution, month, subject


def subject_key(account_id: str | None, contributions: Sequence[dict[str, Any]]) -> str:
    """Return what an item is grouped by: its payer account, else its leading evidence."""
    if account_id:
        return f"account:{account_id}"
    lead = str(contributions[0].get("signal", "other")) if contributions else "other"
    return f"pattern:{lead}"


def file_into_cases(session: Session, items: Sequence[NewItem], *, now: datetime) -> list[int]:
    """Put each new item in the open case of its subject (opening cases as needed); return each item's case id.

    Called before the items are written, so they are inserted with their case. The open cases of the items'
    months are read in one query, grown in place, and the new ones inserted as rows in one executemany.
    """
    months = sorted({item.month for item in items})
    open_cases: dict[CaseKey, ReviewCase] = {}
    if months:
        query = select(ReviewCase).where(ReviewCase.month.in_(months), ReviewCase.state == "open")
        for found in session.scalars(query.order_by(ReviewCase.id.desc())):
            open_cases[(found.institution_id, found.month, found.subject_key)] = found  # the oldest open case wins
    keys: list[CaseKey] = []
    tally: dict[CaseKey, tuple[float, float, int]] = {}  # score, combined score, item count
    accounts: dict[CaseKey, str | None] = {}
    for item in items:
        key = (item.institution_id, item.month, subject_key(item.account_id, item.contributions))
        keys.append(key)
        held = open_cases.get(key)
        start = (held.score, held.combined_score, held.item_count) if held is not None else (0.0, 0.0, 0)
        score, combined, count = tally.get(key, start)
        tally[key] = (max(score, item.score), round(1.0 - (1.0 - combined) * (1.0 - item.score), 6), count + 1)
        accounts.setdefault(key, item.account_id)
    ids: dict[CaseKey, int] = {}
    rows: list[dict[str, Any]] = []
    for key, (score, combined, count) in tally.items():
        if (case := open_cases.get(key)) is not None:
            case.score, case.combined_score, case.item_count, case.updated_at = score, combined, count, now
            ids[key] = case.id
            continue
        institution, month, subject = key
        rows.append(
            {
                "institution_id": institution,
                "month": month,
                "subject_key": subject,
                "account_id": accounts[key],
                "state": "open",
                "score": score,
                "combined_score": combined,
                "item_count": count,
                "opened_at": now,
                "updated_at": now,
            }
        )
    if rows:
        # Keyed, so one batched RETURNING will do (new cases are the only open ones of their keys).
        opening = insert(ReviewCase).returning(
            ReviewCase.institution_id, ReviewCase.month, ReviewCase.subject_key, ReviewCase.id
        )
        ids.update({(i, m, s): case_id for i, m, s, case_id in session.execute(opening, rows)})
    return [ids[key] for key in keys]


def settle_case(session: Session, case_id: int | None, *, now: datetime) -> None:
    """Close a case whose items are all closed (after one of them closed)."""
    if case_id is None:
        return
    open_items = session.scalar(select(func.count()).where(ReviewItem.case_id == case_id, ReviewItem.state != "closed"))
    case = session.get(ReviewCase, case_id)
    if case is not None and not open_items and case.state == "open":
        case.state, case.updated_at = "closed", now


def case_view(case: ReviewCase) -> dict[str, Any]:
    """Return a case as entry points show it."""
    return {
        "id": case.id,
        "institution_id": case.institution_id,
        "month": case.month,
        "subject_key": case.subject_key,
        "account_id": case.account_id,
        "status": case.state,
        "score": case.score,
        "combined_score": case.combined_score,
        "item_count": case.item_count,
        "opened_at": case.opened_at,
        "updated_at": case.updated_at,
    }


def list_review_cases(
    *,
    store: Store,
    principal: Principal = SYSTEM,
    month: str | None = None,
    status: str | None = None,
    limit: int | None = 50,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Return the cases the principal may see (an institution: its own), highest score first."""
    query = select(ReviewCase)
    scoped = principal.scope("institution_id")
    if scoped is not None:
        query = query.where(ReviewCase.institution_id == scoped)
    if month is not None:
        query = query.where(ReviewCase.month == month)
    if status is not None:
        query = query.where(ReviewCase.state == status)
    query = query.order_by(ReviewCase.score.desc(), ReviewCase.id).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    with store.factory() as session:
        return [case_view(c) for c in session.scalars(query)]


def get_review_case(*, store: Store, case_id: int, principal: Principal = SYSTEM) -> dict[str, Any]:
    """Return one case with its items, highest score first; NotVisible when the principal may not see it."""
    with store.factory() as session:
        case = session.get(ReviewCase, case_id)
        if case is None or not principal.can_see("institution_id", case.institution_id):
            raise NotVisible(f"no review case {case_id} / 审查案件 {case_id} 不存在")
        items = session.scalars(
            select(ReviewItem).where(ReviewItem.case_id == case_id).order_by(ReviewItem.score.desc(), ReviewItem.id)
        )
        return {**case_view(case), "items": [item_view(i) for i in items]}
