"""Scans and upgrades that did not happen: each closing period without one opens a finding of its own.

External scans quarterly and authenticated internal scans monthly by default (per institution in
supervision.yaml); the full system upgrade every half-year as a dated plan item with evidence. A period is judged
once it has ended; its finding (`MS-…`, `UP-…`) is discovered at the period's end and carries the same deadlines
as a high finding. A later scan of the kind, or the upgrade recorded as done, verifies it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cbec.audit import service as audit
from cbec.core.calendar import WorkingCalendar
from cbec.core.clock import SHANGHAI
from cbec.core.i18n import labels
from cbec.supervision.config import SCAN_KINDS, SupervisionConfig
from cbec.supervision.security import findings
from cbec.supervision.security.domain import Period, closing_period, deadlines, missed, period_of
from cbec.supervision.security.lifecycle import VERIFIED, WITHDRAWN
from cbec.supervision.security.models import SecurityFinding, SecurityScan, SecurityUpgrade
from cbec.supervision.security.schemas import UpgradeRead

KIND_TITLES = labels.pairs("scan_kind")  # (zh, en) by code: the catalogs name each code once


@dataclass(frozen=True, slots=True)
class _Gap:
    """A closed period without its scan or upgrade: the finding it opens, and a late scan that verifies it."""

    finding_id: str
    origin: str
    kind: str
    period: Period
    title: str
    late_scan_at: datetime | None = None


def _gaps(session: Session, institution: str, *, month: str, now: datetime, config: SupervisionConfig) -> list[_Gap]:
    """Return the institution's scan kinds and upgrade whose period ends with the month (and has ended) with none."""
    security = config.security
    gaps: list[_Gap] = []
    scans = session.execute(
        select(SecurityScan.kind, SecurityScan.scanned_at).where(
            SecurityScan.institution_id == institution, SecurityScan.status == "imported"
        )
    ).all()
    for kind in SCAN_KINDS:
        period = closing_period(month, security.cadence_of(institution).months(kind), security.since)
        if period is None or now < period.end:
            continue
        times = [t for k, t in scans if k == kind and t is not None]
        if missed(times, period):
            later = sorted(t for t in times if period.end <= t <= now)
            zh, en = KIND_TITLES[kind]
            title = f"{period.label} 未按期开展{zh} / no {en} in {period.label}"
            fid = f"MS-{institution}-{kind}-{period.label}"
            gaps.append(_Gap(fid, "cadence", kind, period, title, later[0] if later else None))
    period = closing_period(month, security.upgrade_every_months, security.since)
    if period is not None and now >= period.end:
        done = session.scalar(
            select(SecurityUpgrade).where(
                SecurityUpgrade.institution_id == institution, SecurityUpgrade.half == period.label
            )
        )
        if done is None or done.done_on is None:
            title = f"{period.label} 未完成系统全面升级 / no full system upgrade in {period.label}"
            gaps.append(_Gap(f"UP-{institution}-{period.label}", "upgrade", "upgrade", period, title))
    return gaps


def _missing(
    session: Session,
    gap: _Gap,
    *,
    institution_id: str,
    actor: str,
    now: datetime,
    calendar: WorkingCalendar,
    config: SupervisionConfig,
) -> bool:
    if session.scalar(select(SecurityFinding.id).where(SecurityFinding.finding_id == gap.finding_id)) is not None:
        return False
    severity, period = config.security.missed_scan_severity, gap.period
    respond_by, fix_by = deadlines(
        severity, period.end, urgent=config.security.urgent_severities, config=config.incidents, calendar=calendar
    )
    finding = SecurityFinding(
        finding_id=gap.finding_id,
        institution_id=institution_id,
        origin=gap.origin,
        scan_kind=gap.kind,
        tool="cadence",
        target=gap.kind,
        rule_id=f"missed_{gap.kind}",
        title=gap.title,
        severity=severity,
        asset=institution_id,
        location=period.label,
        discovered_at=period.end,
        respond_by=respond_by,
        fix_by=fix_by,
        last_seen_at=period.end,
    )
    findings.open_finding(session, finding, actor=actor, now=now, reason=gap.title)
    return True


def _verify_late(
    session: Session, fid: str, *, kind: str, at: datetime, actor: str, now: datetime, calendar: WorkingCalendar
) -> None:
    finding = session.scalars(select(SecurityFinding).where(SecurityFinding.finding_id == fid)).one()
    reason = f"已于 {at.astimezone(SHANGHAI):%Y-%m-%d %H:%M} 补做{kind}扫描 / a late {kind} scan was made"
    findings.step(session, finding, action="verify", actor=actor, reason=reason, now=now, calendar=calendar)


def check_cadence(
    session: Session,
    *,
    month: str,
    institutions: list[str],
    actor: str,
    now: datetime,
    calendar: WorkingCalendar,
    config: SupervisionConfig,
) -> list[str]:
    """Open a finding for every scan kind and upgrade whose period ends with the month and had none."""
    opened: list[str] = []
    for institution in sorted(set(institutions)):
        for gap in _gaps(session, institution, month=month, now=now, config=config):
            if _missing(
                session, gap, institution_id=institution, actor=actor, now=now, calendar=calendar, config=config
            ):
                opened.append(gap.finding_id)
                if gap.late_scan_at is not None:  # the check ran after a late scan was imported: it verifies at once
                    _verify_late(
                        session,
                        gap.finding_id,
                        kind=gap.kind,
                        at=gap.late_scan_at,
                        actor=actor,
                        now=now,
                        calendar=calendar,
                    )
    return opened


def record_upgrade(
    session: Session,
    *,
    institution_id: str,
    planned_on: date,
    done_on: date | None,
    evidence: str,
    actor: str,
    now: datetime,
    calendar: WorkingCalendar,
    config: SupervisionConfig,
) -> UpgradeRead:
    """Record (or update) the half-year's upgrade plan item; done with evidence, it verifies its finding."""
    if done_on is not None and not evidence.strip():
        raise ValueError("an upgrade reported done needs its evidence / 升级完成须附证据")
    half = period_of(f"{planned_on:%Y-%m}", config.security.upgrade_every_months).label
    item = session.scalar(
        select(SecurityUpgrade).where(SecurityUpgrade.institution_id == institution_id, SecurityUpgrade.half == half)
    )
    before = None if item is None else {"planned_on": str(item.planned_on), "done_on": str(item.done_on)}
    if item is None:
        item = SecurityUpgrade(institution_id=institution_id, half=half)
        session.add(item)
    item.planned_on, item.done_on, item.evidence = planned_on, done_on, evidence
    item.recorded_by, item.recorded_at = actor, now
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="security_upgrade.record",
        entity="security_upgrade",
        entity_id=f"{institution_id}:{half}",
        before=before,
        after={"planned_on": str(planned_on), "done_on": str(done_on), "evidence": evidence[:200]},
        now=now,
    )
    finding = session.scalar(select(SecurityFinding).where(SecurityFinding.finding_id == f"UP-{institution_id}-{half}"))
    if done_on is not None and finding is not None and finding.state not in (VERIFIED, WITHDRAWN):
        findings.step(
            session,
            finding,
            action="verify",
            actor=actor,
            reason=f"升级完成 / upgrade done {done_on}: {evidence}",
            now=now,
            calendar=calendar,
        )
    return UpgradeRead.model_validate(item)
