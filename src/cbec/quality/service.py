"""What entry points and the credit file call for product quality and consumer education."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pycountry
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cbec.audit import service as audit
from cbec.auth.domain import REGULATORS, SYSTEM, Forbidden, NotVisible, Principal
from cbec.core.calendar import WorkingCalendar
from cbec.core.clock import SHANGHAI
from cbec.core.workflow import SYSTEM_ACTOR, Lifecycle, Step, advance, overdue_steps
from cbec.feeds.service import lake_views, read_side
from cbec.quality.config import shipped_config, standards
from cbec.quality.domain import check_filing, measure_for, quality_case_lifecycle
from cbec.quality.models import EducationEvent, FilingFindingRecord, QualityCase, QualityCaseTransition
from cbec.quality.schemas import EducationReach, EnterpriseQuality, QualityCaseRead
from cbec.storage.engine import transaction
from cbec.storage.store import Store

__all__ = ["EducationReach", "EnterpriseQuality", "QualityCaseRead"]
ENTERPRISE_ACTIONS = frozenset({"report_done"})


def _calendar(store: Store) -> WorkingCalendar:
    return WorkingCalendar.from_file(store.settings.holiday_file)


def _lifecycle(measure: str) -> Lifecycle:
    config = shipped_config()
    return quality_case_lifecycle(
        config.measures[measure].working_days, config.verify_working_days, config.escalate_after_working_days
    )


def _filings(store: Store) -> list[dict[str, Any]]:
    """Return the current filings (a lake feed) as rows."""
    con = read_side(store=store)
    try:
        if "filings" not in lake_views(con):
            return []
        cursor = con.execute("SELECT filing_id, enterprise_id, hs_code, standards, origin_country FROM filings")
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def check_filings(*, store: Store, now: datetime | None = None) -> dict[str, int]:
    """Check every current filing (HS code, cited GB standards, origin); store new findings; count them by code."""
    now = now or datetime.now(UTC)
    known, countries = set(standards()), {c.alpha_2 for c in pycountry.countries}
    counts: dict[str, int] = {}
    with transaction(store.factory) as session:
        seen = {(f.filing_id, f.code, f.detail_en) for f in session.scalars(select(FilingFindingRecord))}
        for row in _filings(store):
            for f in check_filing({k: (None if v is None else str(v)) for k, v in row.items()}, known, countries):
                counts[f.code] = counts.get(f.code, 0) + 1
                if (f.filing_id, f.code, f.detail_en) not in seen:
                    seen.add((f.filing_id, f.code, f.detail_en))
                    session.add(
                        FilingFindingRecord(
                            filing_id=f.filing_id,
                            enterprise_id=f.enterprise_id,
                            code=f.code,
                            detail_zh=f.detail_zh,
                            detail_en=f.detail_en,
                            found_at=now,
                        )
                    )
    return counts


def _record(session: Session, case: QualityCase, step: Step) -> None:
    audit.record_step(
        session,
        item=case,
        step=step,
        transition=QualityCaseTransition,
        link={"case_id": case.id},
        entity="quality_case",
    )


def open_cases(*, store: Store, now: datetime | None = None) -> list[QualityCaseRead]:
    """Open a quality case for every failed inspection without one; the measure follows the filing's standards."""
    now = now or datetime.now(UTC)
    config, categories = shipped_config(), standards()
    filings = {str(r["filing_id"]): r for r in _filings(store)}
    con = read_side(store=store)
    try:
        views = lake_views(con)
        failed = (
            []
            if "inspections" not in views
            else con.execute(
                "SELECT inspection_id, enterprise_id, filing_id, product_name, defect FROM inspections "
                "WHERE result = 'fail' ORDER BY sampled_at, inspection_id"
            ).fetchall()
        )
    finally:
        con.close()
    opened = []
    with transaction(store.factory) as session:
        have = set(session.scalars(select(QualityCase.inspection_id)))
        for inspection_id, enterprise_id, filing_id, product, defect in failed:
            if inspection_id in have:
                continue
            cited = str((filings.get(str(filing_id)) or {}).get("standards") or "").split(";")
            measure = measure_for(
                {categories[s.strip()] for s in cited if s.strip() in categories},
                config.measure_by_category,
                config.default_measure,
            )
            lifecycle = _lifecycle(measure)
            case = QualityCase(
                inspection_id=inspection_id,
                filing_id=filing_id,
                enterprise_id=enterprise_id,
                product_name=product,
                defect=defect,
                measure=measure,
                state=lifecycle.initial,
                due_at=lifecycle.due(lifecycle.initial, now.astimezone(SHANGHAI), _calendar(store)),
                opened_at=now,
                updated_at=now,
            )
            session.add(case)
            session.flush()
            audit.record(
                session,
                actor=SYSTEM_ACTOR,
                action="quality_case.open",
                entity="quality_case",
                entity_id=case.id,
                after={"inspection_id": inspection_id, "measure": measure, "due_at": case.due_at},
                now=now,
            )
            opened.append(QualityCaseRead.model_validate(case))
    return opened


def advance_case(
    *,
    store: Store,
    case_id: int,
    action: str,
    actor: str,
    reason: str,
    principal: Principal = SYSTEM,
    now: datetime | None = None,
) -> QualityCaseRead:
    """The enterprise reports the measure done; the regulator verifies or rejects."""
    now = now or datetime.now(UTC)
    with transaction(store.factory) as session:
        case = session.get(QualityCase, case_id)
        if case is None or not principal.can_see("enterprise_id", case.enterprise_id):
            raise NotVisible(f"no quality case {case_id} / 质量案件 {case_id} 不存在")
        if principal.tenant_column is not None and action not in ENTERPRISE_ACTIONS:
            raise Forbidden(f"{action} is the regulator's / 该操作由监管部门执行")
        if principal.tenant_column is None and principal.role not in REGULATORS:
            raise Forbidden(f"role {principal.role} may not {action}")
        _record(
            session,
            case,
            advance(
                _lifecycle(case.measure),
                state=case.state,
                action=action,
                actor=actor,
                reason=reason,
                now=now,
                calendar=_calendar(store),
            ),
        )
        return QualityCaseRead.model_validate(case)


def check_case_deadlines(*, store: Store, now: datetime | None = None) -> list[int]:
    """The scheduled check: cases past their deadline become overdue, then escalate."""
    now = now or datetime.now(UTC)
    moved: list[int] = []
    with transaction(store.factory) as session:
        for case in session.scalars(
            select(QualityCase).where(QualityCase.due_at.is_not(None), QualityCase.due_at < now)
        ):
            for step in overdue_steps(
                _lifecycle(case.measure),
                state=case.state,
                due_at=case.due_at,
                updated_at=case.updated_at,
                now=now,
                calendar=_calendar(store),
            ):
                _record(session, case, step)
                moved.append(case.id)
    return sorted(set(moved))


def list_cases(*, store: Store, principal: Principal = SYSTEM, state: str | None = None) -> list[QualityCaseRead]:
    """Return the quality cases the principal may see (an enterprise: its own), newest first."""
    query = select(QualityCase).order_by(QualityCase.id.desc())
    if state:
        query = query.where(QualityCase.state == state)
    if (scope := principal.scope("enterprise_id")) is not None:
        query = query.where(QualityCase.enterprise_id == scope)
    with store.factory() as session:
        return [QualityCaseRead.model_validate(c) for c in session.scalars(query)]


def enterprise_quality(*, store: Store, now: datetime | None = None) -> list[EnterpriseQuality]:
    """Return per enterprise its filings, findings, inspections (failed) and open or overdue cases."""
    now = now or datetime.now(UTC)
    filings: dict[str, int] = {}
    for row in _filings(store):
        filings[str(row["enterprise_id"])] = filings.get(str(row["enterprise_id"]), 0) + 1
    con = read_side(store=store)
    try:
        views = lake_views(con)
        inspected: dict[str, tuple[int, int]] = (
            {}
            if "inspections" not in views
            else {
                str(e): (int(n), int(f))
                for e, n, f in con.execute(
                    "SELECT enterprise_id, count(*), count(*) FILTER "
                    "(WHERE result = 'fail') FROM inspections GROUP "
                    "BY 1"
                ).fetchall()
            }
        )
    finally:
        con.close()
    with store.factory() as session:
        query = select(FilingFindingRecord.enterprise_id, func.count()).group_by(FilingFindingRecord.enterprise_id)
        findings = {str(e): int(n) for e, n in session.execute(query).all()}
        cases: dict[str, list[int]] = {}
        for case in session.scalars(select(QualityCase).where(QualityCase.state.not_in(("verified",)))):
            entry = cases.setdefault(case.enterprise_id, [0, 0])
            entry[0] += 1
            entry[1] += int(case.state in ("overdue", "escalated") or (case.due_at is not None and case.due_at < now))
    ids = sorted(set(filings) | set(inspected) | set(findings) | set(cases))
    return [
        EnterpriseQuality(
            enterprise_id=e,
            filings=filings.get(e, 0),
            filing_findings=int(findings.get(e, 0)),
            inspections=inspected.get(e, (0, 0))[0],
            inspections_failed=inspected.get(e, (0, 0))[1],
            cases_open=cases.get(e, [0, 0])[0],
            cases_overdue=cases.get(e, [0, 0])[1],
        )
        for e in ids
    ]


def add_education_event(
    *,
    store: Store,
    held_on: date,
    city: str,
    topic: str,
    attendance: int,
    organiser: str,
    actor: str = "system",
) -> int:
    """Record a consumer-education event with its attendance."""
    if attendance < 0:
        raise ValueError("attendance cannot be negative")
    now = datetime.now(UTC)
    with transaction(store.factory) as session:
        event = EducationEvent(
            held_on=held_on,
            city=city,
            topic=topic,
            attendance=attendance,
            organiser=organiser,
            created_at=now,
        )
        session.add(event)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="education.add",
            entity="education_event",
            entity_id=event.id,
            after={"held_on": held_on.isoformat(), "city": city, "attendance": attendance},
            now=now,
        )
        return event.id


def education_reach(*, store: Store, year: int) -> EducationReach:
    """Return the people reached in a year against the yearly target (100,000 in the seed)."""
    target = shipped_config().education_target_per_year
    with store.factory() as session:
        rows: list[Any] = list(
            session.execute(
                select(EducationEvent.city, EducationEvent.attendance, EducationEvent.held_on).where(
                    EducationEvent.held_on >= date(year, 1, 1), EducationEvent.held_on < date(year + 1, 1, 1)
                )
            )
        )
    by_city: dict[str, int] = {}
    for city, attendance, _ in rows:
        by_city[city] = by_city.get(city, 0) + attendance
    total = sum(by_city.values())
    return EducationReach(
        year=year,
        events=len(rows),
        attendance=total,
        target=target,
        share_of_target=round(total / target, 4),
        by_city=dict(sorted(by_city.items())),
        first_day=min((r[2] for r in rows), default=None),
    )


def measure_titles() -> dict[str, tuple[str, str]]:
    """Return each measure's title in Chinese and in English, by measure name."""
    return {name: (m.title_zh, m.title_en) for name, m in shipped_config().measures.items()}
