"""Cases: the alerts of one fund-flow pattern instance grouped with its subgraph, stored and exported."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from cbec.core.clock import month_key
from cbec.core.jsontypes import JsonObject
from cbec.monitoring.engine import from_micros
from cbec.monitoring.graph.config import GraphParams
from cbec.monitoring.graph.patterns import NAMES, Finding, subgraph
from cbec.monitoring.models import AlertPayment, AlertRecord, CaseAlert, CaseRecord
from cbec.monitoring.schemas import CaseRead
from cbec.storage.engine import transaction
from cbec.storage.store import Store


def _sharing(session: Session, finding: Finding) -> set[tuple[int, str]]:
    """Return the ids and months of stored alerts naming any payment of the finding."""
    keys = [(e.institution_id, e.payment_id) for e in finding.edges]
    found: set[tuple[int, str]] = set()
    for start in range(0, len(keys), 400):
        part = keys[start : start + 400]
        query = select(AlertPayment.alert_id, AlertPayment.alert_month).where(
            tuple_(AlertPayment.institution_id, AlertPayment.payment_id).in_(part)
        )
        found.update((alert_id, month) for alert_id, month in session.execute(query))
    return found


def open_cases(session: Session, findings: Sequence[Finding], *, params: GraphParams, now: datetime) -> int:
    """Open one case per finding not yet a case, with its graph alert and the alerts sharing its payments."""
    keys = [f.key for f in findings]
    known: set[str] = set()
    for start in range(0, len(keys), 500):
        part = keys[start : start + 500]
        known.update(session.scalars(select(CaseRecord.case_key).where(CaseRecord.case_key.in_(part))))
    opened = 0
    for finding in findings:
        if finding.key in known:
            continue
        known.add(finding.key)
        zh, en = NAMES[finding.pattern]
        first = from_micros(finding.first_us)
        case = CaseRecord(
            case_key=finding.key,
            pattern=finding.pattern,
            status="open",
            severity=params.pattern(finding.pattern).severity,
            title_zh=f"{zh}：{finding.anchor}",
            title_en=f"{en}: {finding.anchor}",
            first_at=first,
            last_at=from_micros(finding.last_us),
            month=month_key(first),
            account_count=len(finding.accounts),
            payment_count=len(finding.edges),
            total_cny=finding.total_cny,
            institutions=sorted({e.institution_id for e in finding.edges}),
            subgraph=subgraph(finding.edges),
            created_at=now,
        )
        session.add(case)
        session.flush()
        session.add_all(
            CaseAlert(case_id=case.id, alert_id=alert_id, alert_month=month)
            for alert_id, month in sorted(_sharing(session, finding))
        )
        opened += 1
    return opened


def _read(session: Session, case: CaseRecord, *, with_subgraph: bool) -> CaseRead:
    read = CaseRead.model_validate(case, from_attributes=True)
    rows = session.execute(
        select(AlertRecord.id, AlertRecord.rule_id)
        .join(CaseAlert, CaseAlert.alert_id == AlertRecord.id)
        .where(CaseAlert.case_id == case.id)
        .order_by(AlertRecord.id)
    ).all()
    read.alert_ids = [r[0] for r in rows]
    read.rule_ids = sorted({r[1] for r in rows})
    if not with_subgraph:
        read.subgraph = {}
    return read


def list_cases(
    *, store: Store, month: str | None = None, pattern: str | None = None, limit: int | None = 100
) -> list[CaseRead]:
    """Return cases, newest first, filtered by month or pattern (without their subgraphs)."""
    with store.factory() as session:
        query = select(CaseRecord)
        if month:
            query = query.where(CaseRecord.month == month)
        if pattern:
            query = query.where(CaseRecord.pattern == pattern)
        query = query.order_by(CaseRecord.first_at.desc(), CaseRecord.id.desc()).limit(limit)
        return [_read(session, c, with_subgraph=False) for c in session.scalars(query)]


def get_case(*, store: Store, case_id: int) -> CaseRead | None:
    """Return one case with its alerts and subgraph."""
    with store.factory() as session:
        case = session.get(CaseRecord, case_id)
        return None if case is None else _read(session, case, with_subgraph=True)


def export_case(*, store: Store, case_id: int) -> JsonObject | None:
    """Return one case as JSON-ready values: the case, its alerts and its subgraph (nodes and edges)."""
    case = get_case(store=store, case_id=case_id)
    return None if case is None else case.model_dump(mode="json")


def save_cases(*, store: Store, findings: Sequence[Finding], params: GraphParams, now: datetime) -> int:
    """Open the cases of findings whose alerts are stored (one transaction); return how many were opened."""
    with transaction(store.factory) as session:
        return open_cases(session, findings, params=params, now=now)


__all__ = ["export_case", "get_case", "list_cases", "open_cases", "save_cases"]
