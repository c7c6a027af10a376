"""Grades applied: inspection sampling, the customs export's fast-clearance flags, tighter monitoring tolerances.

Every application is audited with the grade (and the period of the score) that caused it; a rerun for the same
month applies the same measures and records nothing twice.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cbec.audit import service as audit
from cbec.audit.service import record
from cbec.core.months import check_month
from cbec.credit.config import shipped_config
from cbec.credit.customs import customs_export_rows
from cbec.credit.models import CreditScore
from cbec.credit.sampling import counts_by_grade, draw_sample
from cbec.credit.schemas import GradeSample, InspectionSample, TighteningRead
from cbec.monitoring import service as monitoring
from cbec.quality import service as quality
from cbec.storage.engine import transaction
from cbec.storage.store import Store

SAMPLE_ENTITY = "credit_inspection_sample"
CLEARANCE_ENTITY = "credit_fast_clearance"
TOLERANCE_ENTITY = "credit_monitoring_tolerance"


def grades_in_force(session: Session, month: str) -> dict[str, tuple[str, str]]:
    """Return enterprise → (period, grade) of its latest score for a period up to the month."""
    check_month(month)
    query = (
        select(CreditScore.enterprise_id, CreditScore.period, CreditScore.grade)
        .where(CreditScore.period <= month)
        .order_by(CreditScore.period, CreditScore.id)
    )
    return {e: (p, g) for e, p, g in session.execute(query).all()}


def _recorded(store: Store, entity: str, month: str) -> set[str]:
    entries = audit.list_entries(store=store, entity=entity, limit=1_000_000)
    return {e.entity_id for e in entries if e.entity_id.startswith(f"{month}:")}


def draw_inspection_sample(
    *, store: Store, month: str, population: list[str], base_rate: float, actor: str, now: datetime
) -> InspectionSample:
    """Draw the month's inspection sample from `population` by grade; audit each enterprise drawn with its grade."""
    config = shipped_config()
    with store.factory() as session:
        in_force = grades_in_force(session, month)
    grades = {e: (in_force[e][1] if e in in_force else None) for e in population}
    multipliers = {g: m.inspection_rate_multiplier for g, m in config.measures.items()}
    draws = draw_sample(grades, multipliers, base_rate, key=f"inspection:{month}")
    done = _recorded(store, SAMPLE_ENTITY, month)
    with transaction(store.factory) as session:
        for d in draws:
            if d.drawn and f"{month}:{d.enterprise_id}" not in done:
                record(
                    session,
                    actor=actor,
                    action="credit_measure.inspection_sample",
                    entity=SAMPLE_ENTITY,
                    entity_id=f"{month}:{d.enterprise_id}",
                    after={
                        "grade": d.grade,
                        "credit_period": in_force.get(d.enterprise_id, ("", ""))[0] or None,
                        "rate": round(d.rate, 6),
                        "base_rate": base_rate,
                        "multiplier": multipliers.get(d.grade, 1.0),
                    },
                    now=now,
                )
    return InspectionSample(
        month=month,
        base_rate=base_rate,
        by_grade=[
            GradeSample(grade=g, enterprises=n, drawn=k, rate=round(rate, 6))
            for g, (n, k, rate) in counts_by_grade(draws, config.grade_order).items()
        ],
        drawn=[d.enterprise_id for d in draws if d.drawn],
    )


def inspection_sample(
    *, store: Store, month: str, actor: str = "system", base_rate: float | None = None, now: datetime | None = None
) -> InspectionSample:
    """Draw the month's quality inspection sample among enterprises with filings, weighted by credit grade."""
    population = [e.enterprise_id for e in quality.enterprise_quality(store=store) if e.filings > 0]
    rate = quality.inspection_base_rate() if base_rate is None else base_rate
    return draw_inspection_sample(
        store=store, month=month, population=population, base_rate=rate, actor=actor, now=now or datetime.now(UTC)
    )


def customs_export(*, store: Store, month: str, actor: str, now: datetime) -> list[dict[str, str]]:
    """Return the customs export of a month (grade and measures per enterprise); audit each fast-clearance flag."""
    config = shipped_config()
    with store.factory() as session:
        in_force = grades_in_force(session, month)
    rows = customs_export_rows(in_force, {g: m.model_dump() for g, m in config.measures.items()})
    done = _recorded(store, CLEARANCE_ENTITY, month)
    with transaction(store.factory) as session:
        for row in rows:
            if row["fast_clearance"] == "1" and f"{month}:{row['enterprise_id']}" not in done:
                record(
                    session,
                    actor=actor,
                    action="credit_measure.fast_clearance",
                    entity=CLEARANCE_ENTITY,
                    entity_id=f"{month}:{row['enterprise_id']}",
                    after={"grade": row["credit_grade"], "credit_period": row["credit_period"], "fast_clearance": True},
                    now=now,
                )
    return rows


def monitoring_tolerances(*, store: Store, month: str, tolerance: Decimal) -> dict[str, dict[str, Any]]:
    """Return, for enterprises whose grade tightens monitoring, the three-document amount tolerance that applies."""
    config = shipped_config()
    with store.factory() as session:
        in_force = grades_in_force(session, month)
    out: dict[str, dict[str, Any]] = {}
    for enterprise_id, (period, grade) in sorted(in_force.items()):
        factor = config.measures[grade].monitoring_tolerance_factor
        if factor < 1:
            tightened = (tolerance * Decimal(str(factor))).quantize(Decimal("0.0001"))
            out[enterprise_id] = {"grade": grade, "credit_period": period, "tolerance": tightened}
    return out


def apply_monitoring_tightening(*, store: Store, month: str, actor: str, now: datetime) -> TighteningRead:
    """Run the month's three-document amount check at each low grade's tighter tolerance; audit each enterprise."""
    base = monitoring.MATCH_TOLERANCE
    tightened = monitoring_tolerances(store=store, month=month, tolerance=base)
    asked = {
        e: monitoring.Tightened(
            tolerance=t["tolerance"],
            why_zh=f"信用等级 {t['grade']}（{t['credit_period']}）",
            why_en=f"credit grade {t['grade']} ({t['credit_period']})",
        )
        for e, t in tightened.items()
    }
    found, new = monitoring.run_tightened_matching(store=store, month=month, tolerances=asked, base=base)
    done = _recorded(store, TOLERANCE_ENTITY, month)
    with transaction(store.factory) as session:
        for enterprise_id, t in tightened.items():
            if f"{month}:{enterprise_id}" in done:
                continue
            record(
                session,
                actor=actor,
                action="credit_measure.monitoring_tolerance",
                entity=TOLERANCE_ENTITY,
                entity_id=f"{month}:{enterprise_id}",
                after={
                    "grade": t["grade"],
                    "credit_period": t["credit_period"],
                    "tolerance": str(t["tolerance"]),
                    "base_tolerance": str(base),
                    "alerts_found": found.get(enterprise_id, 0),
                },
                now=now,
            )
    by_grade: dict[str, int] = {}
    for t in tightened.values():
        by_grade[t["grade"]] = by_grade.get(t["grade"], 0) + 1
    return TighteningRead(
        month=month,
        base_tolerance=base,
        enterprises_by_grade=dict(sorted(by_grade.items())),
        alerts_found=sum(found.values()),
        alerts_new=new,
    )
