"""The alert counts rollup: alerts per (month, institution, rule, severity), kept where alerts are written.

The alert list's `total` is a sum over these few rows (a few thousand per month) instead of a count over every
alert (a million on a busy province): the count was most of a list request's time. Alerts are only ever added
by write_alerts (store.py), which calls add_counts in its own transaction; counts are upserted in key order so
that two writers (JetStream workers) never wait on each other in a cycle. Filters the rollup has no column for
(an enterprise's `key_contains`) are counted on the alerts themselves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any, TypedDict

from sqlalchemy import Select, func, literal_column, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from cbec.monitoring.models import AlertCount

CountKey = tuple[str, str, str, str]  # month, institution_id ("" for several), rule_id, severity


class QueueFilters(TypedDict, total=False):
    """The filters a reader picks on the alert queue, each a column of the rollup (None or absent: no filter)."""

    month: str | None
    rule_id: str | None
    severity: str | None
    institution_id: str | None


def add_counts(session: Session, keys: Iterable[CountKey]) -> None:
    """Add one to the count of each key given (once per alert written)."""
    counted = Counter(keys)
    if not counted:
        return
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    rows = [
        {"month": m, "institution_id": i, "rule_id": r, "severity": s, "alerts": n}
        for (m, i, r, s), n in sorted(counted.items())
    ]
    for start in range(0, len(rows), 2_000):  # 5 parameters a row: well under PostgreSQL's 65,535
        statement = insert(AlertCount).values(rows[start : start + 2_000])
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["month", "institution_id", "rule_id", "severity"],
                set_={"alerts": AlertCount.alerts + statement.excluded.alerts},
            )
        )


def rollup_count(session: Session, filters: QueueFilters) -> int:
    """Return the number of alerts with these filters, summed from the rollup."""
    return int(session.scalar(rollup_total(filters)) or 0)


def rollup_total(filters: QueueFilters) -> Select[Any]:
    """Return the query that sums the rollup's alerts with these filters."""
    query = select(func.coalesce(func.sum(AlertCount.alerts), literal_column("0")))  # no bound parameter (store._fixed)
    if month := filters.get("month"):
        query = query.where(AlertCount.month == month)
    if rule_id := filters.get("rule_id"):
        query = query.where(AlertCount.rule_id == rule_id)
    if severity := filters.get("severity"):
        query = query.where(AlertCount.severity == severity)
    if institution_id := filters.get("institution_id"):
        query = query.where(AlertCount.institution_id == institution_id)
    return query
