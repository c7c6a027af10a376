"""What entry points and the credit file call for product quality and consumer education."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pycountry
from sqlalchemy import func, select

from cbec.auth.domain import SYSTEM, Principal
from cbec.casework import service as casework
from cbec.core.workflow import Lifecycle, is_overdue
from cbec.feeds.service import lake_views, read_side
from cbec.quality import conformity
from cbec.quality.cases import open_case
from cbec.quality.config import shipped_config, standards
from cbec.quality.domain import check_filing, measure_for
from cbec.quality.education import add_education_event as add_education_event
from cbec.quality.education import education_events as education_events
from cbec.quality.education import education_reach as education_reach
from cbec.quality.lifecycle import quality_case_lifecycle
from cbec.quality.models import QUALITY_CASES, FilingFindingRecord, QualityCase
from cbec.quality.schemas import (
    EducationReach,
    EnterpriseQuality,
    QualityCaseRead,
    StandardsCheck,
    StandardsTableSummary,
)
from cbec.quality.standards import StandardsFileError as StandardsFileError  # a refused user table: callers say why
from cbec.quality.standards import load_table
from cbec.storage.engine import transaction
from cbec.storage.store import Store

__all__ = [
    "EducationReach",
    "EnterpriseQuality",
    "QualityCaseRead",
    "StandardsCheck",
    "StandardsFileError",
    "StandardsTableSummary",
]


def _lifecycle(measure: str) -> Lifecycle:
    return quality_case_lifecycle(shipped_config(), measure)


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
    known = set(standards()) | load_table().chinese_codes()
    countries = {c.alpha_2 for c in pycountry.countries}
    counts: dict[str, int] = {}
    with transaction(store.factory) as session:
        seen = {(f.filing_id, f.code, f.detail_en) for f in session.scalars(select(FilingFindingRecord))}
        for row in _filings(store):
            for f in check_filing({k: (None if v is None else str(v)) for k, v in row.items()}, known, countries):
                counts[f.code] = counts.get(f.code, 0) + 1
                if (f.filing_id, f.code, f.detail_en) not in seen:
                    seen.add((f.filing_id, f.code, f.detail_en))
                    session.add(FilingFindingRecord(**asdict(f), found_at=now))  # kept as found, with when
    return counts


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
            case = open_case(
                session,
                key=inspection_id,
                filing_id=filing_id,
                enterprise_id=enterprise_id,
                product=product,
                defect=defect,
                measure=measure,
                now=now,
                calendar=store.calendar(),
                evidence={"inspection_id": inspection_id},
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
    return casework.step_visible(
        store,
        QUALITY_CASES,
        case_id,
        visible=lambda case: principal.can_see("enterprise_id", case.enterprise_id),
        missing=f"no quality case {case_id} / 质量案件 {case_id} 不存在",
        lifecycle_of=lambda case: _lifecycle(case.measure),
        action=action,
        actor=actor,
        reason=reason,
        role=principal.role,
        read=lambda _session, case: QualityCaseRead.model_validate(case),
        now=now,
    )


def check_case_deadlines(*, store: Store, now: datetime | None = None) -> list[int]:
    """The scheduled check: cases past their deadline become overdue, then escalate."""
    return casework.run_deadline_check(
        store, QUALITY_CASES, lifecycle_of=lambda case: _lifecycle(case.measure), now=now
    )


def list_cases(*, store: Store, principal: Principal = SYSTEM, state: str | None = None) -> list[QualityCaseRead]:
    """Return the quality cases the principal may see (an enterprise: its own), newest first."""
    return casework.list_visible(
        store, QUALITY_CASES, principal=principal, read=QualityCaseRead.model_validate, state=state
    )


def enterprise_quality(
    *, store: Store, now: datetime | None = None, principal: Principal = SYSTEM
) -> list[EnterpriseQuality]:
    """Return per enterprise its filings, findings, inspections (failed), open and overdue cases (a tenant: its own)."""
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
            late = is_overdue(_lifecycle(case.measure), state=case.state, due_at=case.due_at, now=now)
            entry[1] += int(late)
    ids = sorted(set(filings) | set(inspected) | set(findings) | set(cases))
    if (scope := principal.scope("enterprise_id")) is not None:
        ids = [e for e in ids if e == scope]
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


def measure_titles() -> dict[str, tuple[str, str]]:
    """Return each measure's title in Chinese and in English, by measure name."""
    return {name: (m.title_zh, m.title_en) for name, m in shipped_config().measures.items()}


def check_standards(*, store: Store, standards_file: Path | None = None, now: datetime | None = None) -> StandardsCheck:
    """Check every active filing against the standards table (shipped, or extended by a user file)."""
    table = load_table(standards_file)
    return conformity.check_filings_against_standards(store=store, table=table, now=now or datetime.now(UTC))


def standards_table(*, standards_file: Path | None = None) -> StandardsTableSummary:
    """Return the standards table's size and sources (shipped, or extended by a user file)."""
    return conformity.summarise(load_table(standards_file))


def inspection_base_rate() -> float:
    """Return the share of enterprises an inspection sample draws at the routine grade."""
    return shipped_config().inspection_base_rate


def case_overdue(*, case: QualityCaseRead, now: datetime) -> bool:
    """Tell whether a quality case shows as overdue (in a late state, or past its deadline and not finished)."""
    return is_overdue(_lifecycle(case.measure), state=case.state, due_at=case.due_at, now=now)
