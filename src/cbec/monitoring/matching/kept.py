"""The match counts a month's monitoring run keeps, so that reports and ratings read them instead of matching again."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select

from cbec.monitoring.models import MatchRateRecord
from cbec.storage.engine import transaction
from cbec.storage.store import Store


def keep_match_rates(store: Store, month: str, rates: Mapping[str, list[dict[str, Any]]]) -> None:
    """Replace the month's stored match counts, so that reports read them instead of matching again."""
    now = datetime.now(UTC)
    with transaction(store.factory) as session:
        session.execute(delete(MatchRateRecord).where(MatchRateRecord.month == month))
        session.add_all(
            MatchRateRecord(
                month=month,
                by=by,
                key=row[by] or "",
                payments=row["payments"],
                matched=row["matched"],
                refunded_or_reversed=row["refunded_or_reversed"],
                computed_at=now,
            )
            for by, rows in rates.items()
            for row in rows
        )


def kept_match_rates(*, store: Store, month: str, by: str) -> list[dict[str, Any]] | None:
    """Return the match rates the month's monitoring run kept (as match_rate_table), or None if it kept none."""
    query = select(MatchRateRecord).where(MatchRateRecord.month == month, MatchRateRecord.by == by)
    with store.factory() as session:
        records = list(session.scalars(query))
    if not records:
        return None
    rows = [
        {
            by: r.key or None,
            "payments": r.payments,
            "matched": r.matched,
            "rate": r.matched / r.payments if r.payments else None,
            "refunded_or_reversed": r.refunded_or_reversed,
        }
        for r in records
    ]
    return sorted(rows, key=lambda r: (r["rate"] is None, r["rate"] or 0, r[by] or ""))
