"""Writes of triage, idempotent: the register and the queue gain what is new, and nothing repeats."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, tuple_
from sqlalchemy.orm import Session

from cbec.core.calendar import WorkingCalendar
from cbec.core.clock import SHANGHAI
from cbec.core.jsontypes import JsonObject
from cbec.monitoring.triage.large_value import ReportDue
from cbec.monitoring.triage.lifecycle import DUE_WORKING_DAYS
from cbec.monitoring.triage.models import LargeValueReport, ReviewItem

CHUNK = 500  # keys per IN (...) lookup


@dataclass(frozen=True, slots=True)
class NewItem:
    """A payment that passed the threshold, as the queue will hold it."""

    month: str
    institution_id: str
    payment_id: str
    account_id: str | None
    score: float
    account_score: float
    severity: str
    config_version: str
    contributions: list[JsonObject]
    reason_zh: str
    reason_en: str


def save_reports(session: Session, reports: Sequence[ReportDue], *, month: str, now: datetime) -> tuple[int, int]:
    """Add the reports not yet in the register; refresh totals of those whose day grew. Return (added, changed)."""
    existing = {
        (r.institution_id, r.trade_date, r.rule_id, r.customer_id): r
        for r in session.scalars(select(LargeValueReport).where(LargeValueReport.month == month))
    }
    rows: list[dict[str, object]] = []
    changed = 0
    for report in reports:
        kept = existing.get(report.key)
        if kept is None:
            rows.append(
                {
                    "institution_id": report.institution_id,
                    "trade_date": report.trade_date,
                    "month": month,
                    "rule_id": report.rule_id,
                    "rule_version": report.rule_version,
                    "customer_id": report.customer_id,
                    "customer_type": report.customer_type,
                    "direction": report.direction,
                    "currencies": report.currencies,
                    "payment_count": report.payment_count,
                    "total_cny": report.total_cny,
                    "threshold_cny": report.threshold_cny,
                    "payment_ids": report.payment_ids,
                    "legal_basis": report.legal_basis,
                    "due_on": report.due_on,
                    "status": "due",
                    "created_at": now,
                }
            )
        elif (kept.payment_count, kept.total_cny) != (report.payment_count, report.total_cny):
            kept.payment_count, kept.total_cny = report.payment_count, report.total_cny
            kept.payment_ids, kept.currencies = report.payment_ids, report.currencies
            changed += 1
    if rows:  # one executemany, not an ORM object per report (a month can make thousands due)
        session.execute(insert(LargeValueReport), rows)
    added = len(rows)
    return added, changed


def existing_items(session: Session, keys: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
    """Return which (institution_id, payment_id) already have a review item."""
    found: set[tuple[str, str]] = set()
    for start in range(0, len(keys), CHUNK):
        part = list(keys[start : start + CHUNK])
        query = select(ReviewItem.institution_id, ReviewItem.payment_id).where(
            tuple_(ReviewItem.institution_id, ReviewItem.payment_id).in_(part)
        )
        found.update((i, p) for i, p in session.execute(query))
    return found


def save_items(
    session: Session, items: Sequence[NewItem], *, now: datetime, calendar: WorkingCalendar
) -> list[ReviewItem]:
    """Open a review item for each payment that has none (an item once opened is the analyst's); return the new."""
    have = existing_items(session, [(i.institution_id, i.payment_id) for i in items])
    new = [
        ReviewItem(
            month=i.month,
            institution_id=i.institution_id,
            payment_id=i.payment_id,
            account_id=i.account_id,
            score=i.score,
            account_score=i.account_score,
            severity=i.severity,
            config_version=i.config_version,
            contributions=i.contributions,
            reason_zh=i.reason_zh,
            reason_en=i.reason_en,
            state="new",
            due_at=calendar.add_working_days(now.astimezone(SHANGHAI), DUE_WORKING_DAYS.get(i.severity, 5)),
            updated_at=now,
            created_at=now,
        )
        for i in items
        if (i.institution_id, i.payment_id) not in have
    ]
    session.add_all(new)
    session.flush()
    return new
