"""Monthly institution ratings: measure every module from the lake and the store, score, keep, read back."""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from cbec.audit import service as audit
from cbec.auth.domain import SYSTEM, Principal
from cbec.core.calendar import WorkingCalendar
from cbec.core.clock import SHANGHAI
from cbec.core.months import last_day, previous_month
from cbec.feeds.service import batch_receipts, quarantined_raw, read_side
from cbec.monitoring import service as monitoring
from cbec.storage.engine import transaction
from cbec.storage.store import Store
from cbec.supervision import measures
from cbec.supervision.config import SupervisionConfig, shipped_config
from cbec.supervision.domain import Rating, assess_incident, rate
from cbec.supervision.models import InstitutionRating
from cbec.supervision.schemas import (
    ModuleRead,
    RatingRead,
)
from cbec.supervision.security.service import security_summary


def _judged_until(month: str, calendar: WorkingCalendar, days: int) -> datetime:
    """Return the end of the N-th working day after the month's last day."""
    return calendar.add_working_days(datetime.combine(last_day(month), time.min, tzinfo=SHANGHAI), days)


def _per_10k(count: Decimal | int, payments: int) -> Decimal | None:
    return None if not payments else (Decimal(count) * 10_000 / payments).quantize(Decimal("0.01"))


def _measure(store: Store, month: str, config: SupervisionConfig, now: datetime) -> dict[str, dict[str, Any]]:
    """Return per institution the (value, evidence) of every module."""
    calendar, rating = store.calendar(), config.rating
    con = read_side(store=store)
    try:
        payments = measures.payment_counts(con, month)
        settled = [
            r for r in measures.settlement_rows(con, month, config.settlement.target_hours) if r["channel"] is None
        ]
        complaints = measures.complaint_counts(con, month)
        incidents = [
            assess_incident(r, now=now, calendar=calendar, config=config.incidents)
            for r in measures.incident_rows(con, month)
        ]
        quality = measures.reporting_quality(
            con,
            month,
            receipts=batch_receipts(store=store, feed="payments"),
            quarantined=quarantined_raw(store=store, feed="payments", containing=month),
            calendar=calendar,
            late_after_working_days=rating.late_after_working_days,
            judged_until=_judged_until(month, calendar, rating.judge_within_working_days),
        )
    finally:
        con.close()
    alerts: dict[str, list[dict[str, Any]]] = {}
    for row in monitoring.alert_summary(store=store, month=month):
        alerts.setdefault(row["institution_id"] or "", []).append(row)
    # The monitoring run's kept counts when it ran: matching again was most of a month's rating.
    kept = monitoring.month_match_rates(store=store, month=month, by="institution_id")
    rates = {r["institution_id"]: r for r in kept}
    security = {s.institution_id: s for s in security_summary(store=store, month=month, now=now)}
    late_findings = {i: s.overdue for i, s in security.items() if s.overdue}
    institutions = sorted(set(payments) | {i.institution_id for i in incidents} | set(late_findings))
    out: dict[str, dict[str, Any]] = {}
    for inst in institutions:
        n = payments.get(inst, 0)
        mine = alerts.get(inst, [])
        weighted = sum(rating.severity_weights.get(a["severity"], 1) * a["alerts"] for a in mine)
        by_severity: dict[str, int] = {}
        for a in mine:
            by_severity[a["severity"]] = by_severity.get(a["severity"], 0) + a["alerts"]
        match = rates.get(inst, {})
        settle = next((r for r in settled if r["institution_id"] == inst), None)
        breached = [i for i in incidents if i.institution_id == inst and i.breached]
        complained, complaint_ids = complaints.get(inst, (0, []))
        dq = quality.get(inst)
        share = None if not settle or not settle["payments"] else Decimal(settle["within_target"]) / settle["payments"]
        out[inst] = {
            "aml": (
                _per_10k(weighted, n),
                {
                    "payments": n,
                    "alerts_by_severity": by_severity,
                    "weighted_alerts": weighted,
                    "alert_id_ranges": [[a["first_id"], a["last_id"]] for a in mine],
                },
            ),
            "documents": (
                None if match.get("rate") is None else Decimal(str(round(match["rate"], 4))),
                {"checked": match.get("payments", 0), "matched": match.get("matched", 0)},
            ),
            "settlement": (
                None if share is None else share.quantize(Decimal("0.0001")),
                {}
                if settle is None
                else {
                    k: settle[k] for k in ("payments", "confirmed", "within_target", "from_messages", "self_reported")
                }
                | {
                    "median_hours": round_hours(settle["median_hours"]),
                    "p90_hours": round_hours(settle["p90_hours"]),
                },
            ),
            "incidents": (
                Decimal(len(breached) + len(late_findings.get(inst, []))),
                {
                    "breached": [i.incident_id for i in breached],
                    "reported": sum(1 for i in incidents if i.institution_id == inst),
                    "findings_overdue": late_findings.get(inst, []),
                    "missed_scans": security[inst].missed_scans if inst in security else [],
                },
            ),
            "complaints": (
                _per_10k(complained, n),
                {"complaints": complained, "complaint_ids": complaint_ids},
            ),
            "data_quality": (
                None if dq is None else dq["share"].quantize(Decimal("0.0001")),
                {} if dq is None else {k: v for k, v in dq.items() if k != "share"},
            ),
        }
    return out


def round_hours(value: float | None) -> float | None:
    """Return hours to two places (None stays None)."""
    return None if value is None else round(float(value), 2)


def rate_month(
    *,
    store: Store,
    month: str,
    now: datetime | None = None,
    config: SupervisionConfig | None = None,
    actor: str = "system",
) -> list[RatingRead]:
    """Rate every institution active in a month and store the ratings (a rerun replaces the month's)."""
    config = config or shipped_config()
    now = now or datetime.now(UTC)
    ratings = [
        rate(inst, month, measured, config.rating) for inst, measured in _measure(store, month, config, now).items()
    ]
    with transaction(store.factory) as session:
        for r in ratings:
            record = session.scalar(
                select(InstitutionRating).where(
                    InstitutionRating.month == month, InstitutionRating.institution_id == r.institution_id
                )
            )
            if record is None:
                record = InstitutionRating(month=month, institution_id=r.institution_id)
                session.add(record)
            before = None if record.grade is None else {"grade": record.grade, "total": record.total}
            record.config_version, record.total, record.grade = config.version, r.total, r.grade
            record.modules, record.computed_at = _modules_json(r), now
            audit.record(
                session,
                actor=actor,
                action="rating.compute",
                entity="institution_rating",
                entity_id=f"{month}:{r.institution_id}",
                before=before,
                after={"grade": r.grade, "total": r.total, "config_version": config.version},
                now=now,
            )
    return list_ratings(store=store, month=month, config=config)


def _modules_json(rating: Rating) -> list[dict[str, Any]]:
    return [
        {
            "module": m.module,
            "value": None if m.value is None else str(m.value),
            "score": str(m.score),
            "weight": str(m.weight),
            "evidence": m.evidence,
        }
        for m in rating.modules
    ]


def list_ratings(
    *,
    store: Store,
    month: str,
    institution_id: str | None = None,
    config: SupervisionConfig | None = None,
    principal: Principal = SYSTEM,
) -> list[RatingRead]:
    """Return the month's stored ratings the principal may see, worst first, with last month's grade."""
    config = config or shipped_config()
    institution_id = principal.scope("institution_id") or institution_id
    with store.factory() as session:
        query = select(InstitutionRating).where(InstitutionRating.month.in_([month, previous_month(month)]))
        if institution_id:
            query = query.where(InstitutionRating.institution_id == institution_id)
        records = list(session.scalars(query))
    before = {r.institution_id: r for r in records if r.month != month}
    out = []
    for r in (r for r in records if r.month == month):
        modules = [
            ModuleRead(
                module=m["module"],
                title_zh=config.rating.modules[m["module"]].title_zh,
                title_en=config.rating.modules[m["module"]].title_en,
                value=None if m["value"] is None else Decimal(m["value"]),
                score=Decimal(m["score"]),
                weight=Decimal(m["weight"]),
                evidence=m["evidence"],
            )
            for m in r.modules
        ]
        prev = before.get(r.institution_id)
        out.append(
            RatingRead(
                month=r.month,
                institution_id=r.institution_id,
                config_version=r.config_version,
                total=r.total,
                grade=r.grade,
                modules=modules,
                previous_grade=prev.grade if prev else None,
                previous_total=prev.total if prev else None,
            )
        )
    return sorted(out, key=lambda r: (r.total, r.institution_id))
