"""Build the supervision sections: institution ratings, notices, security incidents, settlement time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import TypeAdapter

from cbec.reports.context import BuildContext
from cbec.reports.rollups import kept
from cbec.supervision import service as supervision
from cbec.supervision.schemas import SettlementRead

_SETTLEMENT = TypeAdapter(list[SettlementRead])


def build_ratings(ctx: BuildContext) -> dict[str, Any]:
    """The month's institution ratings with their modules and last month's class (rated now if not yet)."""
    ratings = supervision.list_ratings(store=ctx.store, month=ctx.month)
    if not ratings:
        ratings = supervision.rate_month(store=ctx.store, month=ctx.month, actor="monthly-report")
    grades: dict[str, int] = {}
    for r in ratings:
        grades[r.grade] = grades.get(r.grade, 0) + 1
    return {
        "rows": [
            {
                "institution_id": r.institution_id,
                "total": r.total,
                "grade": r.grade,
                "previous_grade": r.previous_grade,
                "scores": {m.module: m.score for m in r.modules},
            }
            for r in ratings
        ],
        "modules": [m.module for m in ratings[0].modules] if ratings else [],
        "grades": dict(sorted(grades.items())),
        "changed": sum(1 for r in ratings if r.previous_grade and r.previous_grade != r.grade),
        "compared": sum(1 for r in ratings if r.previous_grade),
        "rules_version": supervision.rating_rules_version(),
    }


def build_notices(ctx: BuildContext) -> dict[str, Any]:
    """Warnings and rectification notices concerning the month or issued in it, with those overdue."""
    now = datetime.now(UTC)
    everything = supervision.list_notices(store=ctx.store, now=now)
    rows = [n for n in everything if n.month == ctx.month or f"{n.issued_at:%Y-%m}" == ctx.month]
    return {
        "rows": [
            {
                "id": n.id,
                "kind": n.kind,
                "institution_id": n.institution_id,
                "state": n.state,
                "due_at": n.due_at,
                "overdue": n.overdue,
            }
            for n in rows
        ],
        "issued": {k: sum(1 for n in rows if n.kind == k) for k in ("warning", "rectification")},
        "overdue": sum(1 for n in everything if n.overdue),
    }


def build_incidents(ctx: BuildContext) -> dict[str, Any]:
    """Security incidents of the month against the 48-hour response and 7-working-day fix deadlines."""
    found = supervision.incidents(store=ctx.store, month=ctx.month)
    return {
        "rows": [i.model_dump() for i in found],
        "total": len(found),
        "response_breached": sum(1 for i in found if i.response_breached),
        "fix_breached": sum(1 for i in found if i.fix_breached),
    }


def build_settlement(ctx: BuildContext) -> dict[str, Any]:
    """Payment confirmation time per institution against the < 24 h target and the 3-day baseline."""
    kpi = kept(
        ctx,
        name="settlement",
        month=ctx.month,
        reads={"payments": [ctx.month]},
        inputs=[_settlements_seen(ctx), str(supervision.rating_rules_version())],  # messages, targets
        compute=lambda: supervision.settlement_kpi(store=ctx.store, month=ctx.month),
        adapter=_SETTLEMENT,
    )
    rows = [k.model_dump() for k in kpi if k.channel is None]
    confirmed = sum(r["confirmed"] for r in rows)
    within = sum((r["share_within_target"] or 0) * r["payments"] for r in rows)
    payments = sum(r["payments"] for r in rows)
    return {
        "rows": rows,
        "from_messages": sum(r["from_messages"] for r in rows),  # timed by pacs.008/pacs.002 pairs
        "self_reported": sum(r["self_reported"] for r in rows),  # timed by the feed's confirmed_at
        "confirmed": confirmed,
        "share_within_target": within / payments if payments else None,
        "target_hours": rows[0]["target_hours"] if rows else 24,
        "baseline_hours": rows[0]["baseline_hours"] if rows else 72,
    }


def _settlements_seen(ctx: BuildContext) -> str:
    """Return what the read side's pacs.002 settlements are (count and latest times): a loaded message changes it."""
    if not ctx.has_view("payment_settlements"):
        return "no settlement messages"
    found = ctx.con.execute(
        "SELECT count(*), max(settled_at), max(message_created_at) FROM payment_settlements"
    ).fetchall()
    return repr(found)


def build_security(ctx: BuildContext) -> dict[str, Any]:
    """The payment security programme of the month: scans, findings, overdue steps, missed scans and upgrades."""
    rows = [s.model_dump() for s in supervision.security_summary(store=ctx.store, month=ctx.month)]
    return {
        "rows": rows,
        "scans": sum(r["scans"] for r in rows),
        "new": sum(r["new_findings"] for r in rows),
        "open": sum(r["critical_high_open"] for r in rows),
        "overdue": sum(len(r["overdue"]) for r in rows),
        "missed": sum(len(r["missed_scans"]) for r in rows),
    }
