"""The review queue and the report register as a principal may see them, and the queue's export contract.

An institution sees only its own items and reports; an enterprise or platform sees none (their rows are the
institutions' customers' payments): to them the queue reads as empty, like rows that do not exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy import Select, UnaryExpression, func, select
from sqlalchemy.orm import InstrumentedAttribute

from cbec.auth.domain import SYSTEM, Principal
from cbec.core.clock import parse_date
from cbec.monitoring.triage.models import LargeValueReport, ReviewItem
from cbec.storage.store import Store

RowT = TypeVar("RowT")

# What the queue export contract lists: items that passed triage and are still open, or closed as true positive.
EXPORTED_DISPOSITIONS = (None, "true_positive")


def _institution(principal: Principal) -> str | None:
    """Return the institution a principal is limited to (None: sees every institution)."""
    return principal.scope("institution_id")


def _where(
    query: Select[RowT],
    table: type[ReviewItem] | type[LargeValueReport],
    principal: Principal,
    *,
    institution_id: str | None,
    month: str | None,
) -> Select[RowT]:
    """Limit a query to the principal's institution, then to the institution and month asked for."""
    for value in (_institution(principal), institution_id):
        if value is not None:
            query = query.where(table.institution_id == value)
    if month is not None:
        query = query.where(table.month == month)
    return query


# The queue's filters besides month and institution: a column each, compared for equality.
ITEM_FILTERS = {"status": ReviewItem.state, "severity": ReviewItem.severity, "assignee": ReviewItem.assignee}
# How the queue may be sorted: a name for each order (ties broken by id, so paging is stable).
ITEM_SORTS: dict[str, tuple[UnaryExpression[Any] | InstrumentedAttribute[Any], ...]] = {
    "score": (ReviewItem.score.desc(), ReviewItem.id),
    "due_at": (ReviewItem.due_at.asc().nulls_last(), ReviewItem.id),
    "-created_at": (ReviewItem.created_at.desc(), ReviewItem.id.desc()),
    "id": (ReviewItem.id,),
}


def _filtered(query: Select[RowT], principal: Principal, filters: Mapping[str, str | None]) -> Select[RowT]:
    """Limit a query to what the principal may see, then to the filters given (month, institution_id, status...)."""
    query = _where(
        query, ReviewItem, principal, institution_id=filters.get("institution_id"), month=filters.get("month")
    )
    for name, column in ITEM_FILTERS.items():
        if filters.get(name) is not None:
            query = query.where(column == filters[name])
    return query


def list_items(
    *,
    store: Store,
    principal: Principal = SYSTEM,
    sort: str = "score",
    limit: int | None = 100,
    offset: int = 0,
    **filters: str | None,
) -> list[dict[str, Any]]:
    """Return review items the principal may see, highest score first (or by another of ITEM_SORTS).

    `filters`: month, institution_id, and any of ITEM_FILTERS (status, severity, assignee); None leaves one out.
    """
    query = _filtered(select(ReviewItem), principal, filters).order_by(*ITEM_SORTS[sort]).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    with store.reading() as session:  # on the page's connection when the queue page holds one
        return [item_view(r) for r in session.scalars(query)]


def count_items(*, store: Store, principal: Principal = SYSTEM, cap: int | None = None, **filters: str | None) -> int:
    """Return how many review items the principal may see under the filters (as list_items takes them).

    With `cap`, count at most cap + 1: a page needs to know there are more than it can show, not how many
    more (counting a million rows is most of a page's time; bench/review_queue.py).
    """
    matching = _filtered(select(ReviewItem.id), principal, filters)
    if cap is not None:
        matching = matching.limit(cap + 1)
    with store.reading() as session:
        return int(session.scalar(select(func.count()).select_from(matching.subquery())) or 0)


def get_item(*, store: Store, item_id: int, principal: Principal = SYSTEM) -> dict[str, Any] | None:
    """Return one review item, or None when it does not exist for the principal."""
    with store.factory() as session:
        item = session.get(ReviewItem, item_id)
        if item is None or not principal.can_see("institution_id", item.institution_id):
            return None
        return item_view(item)


def item_view(r: ReviewItem) -> dict[str, Any]:
    """Return a review item as entry points show it."""
    return {
        "id": r.id,
        "month": r.month,
        "institution_id": r.institution_id,
        "payment_id": r.payment_id,
        "account_id": r.account_id,
        "score": r.score,
        "account_score": r.account_score,
        "severity": r.severity,
        "status": r.state,
        "disposition": r.disposition,
        "disposition_reason": r.disposition_reason,
        "assignee": r.assignee,
        "proposed_by": r.proposed_by,
        "due_at": r.due_at,
        "config_version": r.config_version,
        "contributions": r.contributions,
        "reason_zh": r.reason_zh,
        "reason_en": r.reason_en,
        "created_at": r.created_at,
        "case_id": r.case_id,
    }


def export_queue(*, store: Store, principal: Principal = SYSTEM, month: str | None = None) -> list[dict[str, Any]]:
    """Return one row per payment of the review queue: open items, and closed ones disposed as true positive."""
    query = select(ReviewItem).where((ReviewItem.state != "closed") | (ReviewItem.disposition == "true_positive"))
    scoped = _institution(principal)
    if scoped is not None:
        query = query.where(ReviewItem.institution_id == scoped)
    if month is not None:
        query = query.where(ReviewItem.month == month)
    query = query.order_by(ReviewItem.score.desc(), ReviewItem.institution_id, ReviewItem.payment_id)
    with store.factory() as session:
        return [
            {
                "payment_id": r.payment_id,
                "institution_id": r.institution_id,
                "account_id": r.account_id,
                "score": r.score,
                "severity": r.severity,
                "status": r.state,
                "disposition": r.disposition,
                "review_item_id": r.id,
                "reason_en": r.reason_en,
                "reason_zh": r.reason_zh,
            }
            for r in session.scalars(query)
        ]


def list_reports(
    *,
    store: Store,
    principal: Principal = SYSTEM,
    month: str | None = None,
    institution_id: str | None = None,
    day: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Return the large-value report register the principal may see, by institution, day, rule and customer."""
    query = _where(select(LargeValueReport), LargeValueReport, principal, institution_id=institution_id, month=month)
    if day is not None:
        query = query.where(LargeValueReport.trade_date == parse_date(day))
    query = query.order_by(
        LargeValueReport.institution_id,
        LargeValueReport.trade_date,
        LargeValueReport.rule_id,
        LargeValueReport.customer_id,
    )
    if limit is not None:
        query = query.limit(limit)
    with store.factory() as session:
        return [
            {
                "id": r.id,
                "institution_id": r.institution_id,
                "trade_date": r.trade_date.isoformat(),
                "rule_id": r.rule_id,
                "rule_version": r.rule_version,
                "customer_id": r.customer_id,
                "customer_type": r.customer_type,
                "direction": r.direction,
                "currencies": r.currencies,
                "payment_count": r.payment_count,
                "total_cny": r.total_cny,
                "threshold_cny": r.threshold_cny,
                "payment_ids": r.payment_ids,
                "due_on": r.due_on.isoformat(),
                "status": r.status,
                "legal_basis": r.legal_basis,
            }
            for r in session.scalars(query)
        ]
