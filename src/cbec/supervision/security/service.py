"""The security programme's door (handed on by `cbec.supervision.service`): import, check, steps, reads."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import or_, select

from cbec.auth.domain import INSTITUTION, REGULATORS, SYSTEM, Forbidden, NotVisible, Principal
from cbec.core.months import month_bounds
from cbec.feeds.service import register_rows
from cbec.storage.engine import transaction
from cbec.storage.store import Store
from cbec.supervision.config import shipped_config
from cbec.supervision.security import cadence, findings, scans
from cbec.supervision.security.lifecycle import FIXED, OVERDUE_FIX, OVERDUE_RESPONSE, VERIFIED, WITHDRAWN
from cbec.supervision.security.models import SecurityFinding, SecurityFindingTransition, SecurityScan
from cbec.supervision.security.schemas import (
    FindingRead,
    ScanImportRead,
    SecuritySummaryRead,
    UpgradeRead,
)

MAX_READ_BYTES = 64 * 1024 * 1024  # never read more than this from disk, whatever the configured limit


def _own(principal: Principal, institution_id: str) -> None:
    """Let regulators act for any institution and an institution only for itself."""
    if principal.role in REGULATORS or principal is SYSTEM:
        return
    if principal.role != INSTITUTION or not principal.can_see("institution_id", institution_id):
        raise Forbidden(f"不能为机构 {institution_id} 操作 / may not act for institution {institution_id}")


def import_scan(
    *,
    store: Store,
    path: Path,
    institution_id: str,
    kind: str = "internal",
    actor: str,
    now: datetime | None = None,
    principal: Principal = SYSTEM,
) -> ScanImportRead:
    """Import one SARIF 2.1.0 or Trivy JSON file as a scan of an institution; the same file again changes nothing."""
    _own(principal, institution_id)
    config = shipped_config()
    with path.open("rb") as handle:
        data = handle.read(min(config.security.max_file_bytes, MAX_READ_BYTES) + 1)
    with transaction(store.factory) as session:
        return scans.import_scan(
            session,
            data=data,
            source=str(path),
            institution_id=institution_id,
            kind=kind,
            actor=actor,
            now=now or datetime.now(UTC),
            calendar=store.calendar(),
            config=config,
        )


def _institutions(store: Store) -> list[str]:
    """Every institution the programme watches: configured, registered as payment institution, or scanned."""
    config = shipped_config().security
    known = set(config.institutions)
    known |= {
        str(r["institution_id"])
        for r in register_rows(store=store, feed="institutions")
        if r.get("kind") == "payment_institution"
    }
    with store.factory() as session:
        known |= set(session.scalars(select(SecurityScan.institution_id).distinct()))
    return sorted(known)


def check(*, store: Store, month: str, actor: str = "system", now: datetime | None = None) -> dict[str, list[str]]:
    """The scheduled check: findings for missed scans and upgrades of periods ending with the month, then deadlines.

    Returns the findings opened and the findings that went overdue (each with a risk warning issued).
    """
    now, config = now or datetime.now(UTC), shipped_config()
    institutions = _institutions(store)
    with transaction(store.factory) as session:
        opened = cadence.check_cadence(
            session,
            month=month,
            institutions=institutions,
            actor=actor,
            now=now,
            calendar=store.calendar(),
            config=config,
        )
        steps = findings.check_deadlines(session, now=now, calendar=store.calendar(), config=config.notices)
    return {"opened": opened, "overdue": [f"{fid}:{s.to_state}" for fid, s in steps]}


def advance_finding(
    *,
    store: Store,
    finding_id: str,
    action: str,
    actor: str,
    reason: str,
    now: datetime | None = None,
    principal: Principal = SYSTEM,
) -> FindingRead:
    """Take a step on a finding: the institution starts its emergency plan or reports the fix."""
    now = now or datetime.now(UTC)
    with transaction(store.factory) as session:
        finding = session.scalar(select(SecurityFinding).where(SecurityFinding.finding_id == finding_id))
        if finding is None or not principal.can_see("institution_id", finding.institution_id):
            raise NotVisible(f"no finding {finding_id} / 漏洞 {finding_id} 不存在")
        findings.step(
            session,
            finding,
            action=action,
            actor=actor,
            reason=reason,
            now=now,
            calendar=store.calendar(),
            role=None if principal is SYSTEM else principal.role,
        )
        return findings.read(finding, now=now, session=session)


def list_findings(
    *,
    store: Store,
    month: str | None = None,
    institution_id: str | None = None,
    now: datetime | None = None,
    principal: Principal = SYSTEM,
) -> list[FindingRead]:
    """Return the findings the principal may see; with a month, those discovered or due in it."""
    now = now or datetime.now(UTC)
    institution_id = principal.scope("institution_id") or institution_id
    query = select(SecurityFinding).order_by(SecurityFinding.discovered_at, SecurityFinding.finding_id)
    if institution_id:
        query = query.where(SecurityFinding.institution_id == institution_id)
    if month:
        start, end = month_bounds(month)
        query = query.where(
            or_(
                *(
                    (column >= start) & (column < end)
                    for column in (SecurityFinding.discovered_at, SecurityFinding.respond_by, SecurityFinding.fix_by)
                )
            )
        )
    with store.factory() as session:
        return [findings.read(f, now=now) for f in session.scalars(query)]


def get_finding(
    *, store: Store, finding_id: str, now: datetime | None = None, principal: Principal = SYSTEM
) -> FindingRead | None:
    """Return one finding with its history; None when the principal may not see it."""
    with store.factory() as session:
        finding = session.scalar(select(SecurityFinding).where(SecurityFinding.finding_id == finding_id))
        if finding is None or not principal.can_see("institution_id", finding.institution_id):
            return None
        return findings.read(finding, now=now or datetime.now(UTC), session=session)


def record_upgrade(
    *,
    store: Store,
    institution_id: str,
    planned_on: date,
    done_on: date | None,
    evidence: str,
    actor: str,
    now: datetime | None = None,
    principal: Principal = SYSTEM,
) -> UpgradeRead:
    """Record the half-year's full system upgrade (planned date, done date, evidence)."""
    _own(principal, institution_id)
    with transaction(store.factory) as session:
        return cadence.record_upgrade(
            session,
            institution_id=institution_id,
            planned_on=planned_on,
            done_on=done_on,
            evidence=evidence,
            actor=actor,
            now=now or datetime.now(UTC),
            calendar=store.calendar(),
            config=shipped_config(),
        )


def security_summary(
    *, store: Store, month: str, now: datetime | None = None, principal: Principal = SYSTEM
) -> list[SecuritySummaryRead]:
    """Per institution for a month: scans, new findings, critical/high unresolved, overdue, missed scans."""
    now = now or datetime.now(UTC)
    start, end = month_bounds(month)
    cutoff = min(now, end)
    with store.factory() as session:
        scan_rows = session.execute(
            select(SecurityScan.institution_id, SecurityScan.scanned_at).where(SecurityScan.status == "imported")
        ).all()
        all_findings = list(session.scalars(select(SecurityFinding).where(SecurityFinding.discovered_at <= end)))
        moved = {
            (fid, action)
            for fid, action in session.execute(
                select(SecurityFinding.finding_id, SecurityFindingTransition.action)
                .join(SecurityFindingTransition, SecurityFindingTransition.finding_pk == SecurityFinding.id)
                .where(SecurityFindingTransition.at >= start, SecurityFindingTransition.at < end)
            )
        }
    institutions = sorted({i for i, _ in scan_rows} | {f.institution_id for f in all_findings})
    out = []
    for inst in institutions:
        if not principal.can_see("institution_id", inst):
            continue
        mine = [f for f in all_findings if f.institution_id == inst]
        out.append(
            SecuritySummaryRead(
                institution_id=inst,
                scans=sum(1 for i, t in scan_rows if i == inst and t is not None and start <= t < end),
                new_findings=sum(1 for f in mine if f.origin == "scan" and start <= f.discovered_at < end),
                critical_high_open=sum(
                    1 for f in mine if f.severity in ("critical", "high") and f.state not in (FIXED, VERIFIED)
                ),
                overdue=sorted(f.finding_id for f in mine if _late(f, cutoff)),
                # a missed period's finding is discovered at the period's end: the first instant after the month
                missed_scans=sorted(
                    f.finding_id for f in mine if f.origin != "scan" and start < f.discovered_at <= end
                ),
                verified=sum(1 for f in mine if (f.finding_id, "verify") in moved),
                reopened=sum(1 for f in mine if (f.finding_id, "reopen") in moved),
            )
        )
    return out


def _late(finding: SecurityFinding, at: datetime) -> bool:
    """Tell whether a finding was past a deadline at a moment (overdue state, or unresolved past its deadline)."""
    if finding.state in (OVERDUE_RESPONSE, OVERDUE_FIX):
        return True
    unresolved = finding.state not in (FIXED, VERIFIED, WITHDRAWN)
    return unresolved and finding.due_at is not None and finding.due_at < at
