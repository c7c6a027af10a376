"""Writes of triage, idempotent: the register and the queue gain what is new, and nothing repeats."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert, select, tuple_
from sqlalchemy.orm import Session

from cbec.casework import service as casework
from cbec.core.calendar import WorkingCalendar
from cbec.core.clock import SHANGHAI
from cbec.monitoring.triage.assignment import AssignmentConfig, auto_assign
from cbec.monitoring.triage.cases import file_into_cases
from cbec.monitoring.triage.domain import NewItem
from cbec.monitoring.triage.large_value import ReportDue
from cbec.monitoring.triage.lifecycle import DUE_WORKING_DAYS
from cbec.monitoring.triage.models import REVIEW_ITEMS, LargeValueReport, ReviewItem

CHUNK = 500  # keys per IN (...) lookup


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
    session: Session,
    items: Sequence[NewItem],
    *,
    now: datetime,
    calendar: WorkingCalendar,
    assignment: AssignmentConfig,
) -> list[tuple[int, NewItem]]:
    """Open a review item for each payment that has none (an item once opened is the analyst's); return the new.

    Each new item's case and assignee are settled first, so it is inserted once, already `assigned` in its case;
    its `assign` step and that step's audit entry follow. One executemany each for the cases opened, the items,
    the steps and the audit entries: no ORM object and no UPDATE per item.
    """
    have = existing_items(session, [(i.institution_id, i.payment_id) for i in items])
    new = [i for i in items if (i.institution_id, i.payment_id) not in have]
    if not new:
        return []
    local_now = now.astimezone(SHANGHAI)
    by_severity = {
        s: calendar.add_working_days(local_now, DUE_WORKING_DAYS.get(s, 5)) for s in {i.severity for i in new}
    }
    opening = [by_severity[i.severity] for i in new]
    cases = file_into_cases(session, new, now=now)
    assigned = auto_assign(session, new, opening, config=assignment, now=now, calendar=calendar)
    rows = [
        {
            "month": i.month,
            "institution_id": i.institution_id,
            "payment_id": i.payment_id,
            "account_id": i.account_id,
            "score": i.score,
            "account_score": i.account_score,
            "severity": i.severity,
            "config_version": i.config_version,
            "contributions": i.contributions,
            "reason_zh": i.reason_zh,
            "reason_en": i.reason_en,
            "state": step.to_state,
            "assignee": assignee,
            "due_at": step.due_at,
            "updated_at": step.at,
            "created_at": now,
            "case_id": case_id,
        }
        for i, case_id, (assignee, step) in zip(new, cases, assigned, strict=True)
    ]
    # Each id comes back with its key (a batched RETURNING, not one statement per row as SQLite needs for
    # sort_by_parameter_order): the payment names its item, whatever order the rows return in.
    query = insert(ReviewItem).returning(ReviewItem.institution_id, ReviewItem.payment_id, ReviewItem.id)
    keyed = {(institution, payment): item_id for institution, payment, item_id in session.execute(query, rows)}
    ids = [keyed[(i.institution_id, i.payment_id)] for i in new]
    taken = [(item_id, due_at, step) for item_id, due_at, (_, step) in zip(ids, opening, assigned, strict=True)]
    casework.record_taken(session, REVIEW_ITEMS, taken)
    return list(zip(ids, new, strict=True))
