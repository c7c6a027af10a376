"""Importing one scanner file for one institution: store or quarantine every row, then let the scan decide.

A finding seen for the first time opens, with its deadlines counted from its discovery. One seen again after a
fix was reported is reopened. One of the same coverage (institution, scan kind, tool, target) last seen before
this scan and absent from it is verified. A scan of a kind verifies that kind's missed-scan finding. The same
file twice (by checksum, per institution) is one scan: the second import changes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cbec.audit import service as audit
from cbec.core.calendar import WorkingCalendar
from cbec.core.clock import SHANGHAI
from cbec.supervision.config import SCAN_KINDS, SupervisionConfig
from cbec.supervision.security import findings
from cbec.supervision.security.domain import deadlines, finding_id
from cbec.supervision.security.formats import read_scan
from cbec.supervision.security.lifecycle import FIXED, VERIFIED, WITHDRAWN
from cbec.supervision.security.models import SecurityFinding, SecurityQuarantine, SecurityScan
from cbec.supervision.security.scanfile import FileRejected, ParsedScan, ScanFinding
from cbec.supervision.security.schemas import QuarantinedFinding, ScanImportRead

# A scanned finding is stored as the scanner reported it, but where in the file it stood and its fingerprint
# (the finding id is made from the fingerprint).
NOT_STORED = frozenset({"where", "fingerprint"})


def _quarantine(session: Session, scan: SecurityScan, where: str | None, rule: str, detail: str, raw: str) -> None:
    place = f"{scan.source}:{where}" if where else scan.source
    session.add(
        SecurityQuarantine(
            scan_id=scan.id,
            source=scan.source,
            location=where,
            rule=rule,
            message=f"{place}: {detail} [rule {rule}]",
            raw=raw.replace("\x00", "\\x00"),
        )
    )


def _report(session: Session, scan: SecurityScan, *, again: bool) -> ScanImportRead:
    rejected = session.scalars(select(SecurityQuarantine).where(SecurityQuarantine.scan_id == scan.id))
    counts = scan.counts
    return ScanImportRead(
        scan_id=scan.id,
        institution_id=scan.institution_id,
        kind=scan.kind,
        status=scan.status,
        already_imported=again,
        file_format=scan.file_format,
        tool=scan.tool,
        target=scan.target,
        scanned_at=scan.scanned_at,
        read=int(counts.get("read", 0)),
        new=int(counts.get("new", 0)),
        seen_again=int(counts.get("seen_again", 0)),
        reopened=list(counts.get("reopened", [])),
        verified=list(counts.get("verified", [])),
        quarantined=[QuarantinedFinding.model_validate(q) for q in rejected],
    )


def import_scan(
    session: Session,
    *,
    data: bytes,
    source: str,
    institution_id: str,
    kind: str,
    actor: str,
    now: datetime,
    calendar: WorkingCalendar,
    config: SupervisionConfig,
) -> ScanImportRead:
    """Import a SARIF or Trivy file as one scan of an institution (see the module docstring)."""
    if kind not in SCAN_KINDS:
        raise ValueError(f"scan kind must be one of {', '.join(SCAN_KINDS)} / 扫描类型应为 external 或 internal")
    checksum = hashlib.sha256(data).hexdigest()
    known = session.scalar(
        select(SecurityScan).where(SecurityScan.institution_id == institution_id, SecurityScan.checksum == checksum)
    )
    if known is not None:
        return _report(session, known, again=True)
    scan = SecurityScan(
        institution_id=institution_id,
        kind=kind,
        status="imported",
        source=source[:1000],
        checksum=checksum,
        imported_at=now,
        imported_by=actor,
        counts={},
    )
    session.add(scan)
    session.flush()
    try:
        parsed = read_scan(data, max_bytes=config.security.max_file_bytes, max_findings=config.security.max_findings)
    except FileRejected as exc:
        scan.status, scan.counts = "rejected", {"read": 0, "rule": exc.rule}
        _quarantine(session, scan, None, exc.rule, exc.detail, data[:2000].decode("utf-8", "replace"))
        _audit(session, scan, actor=actor, now=now)
        return _report(session, scan, again=False)
    scan.file_format, scan.tool, scan.tool_version = parsed.file_format, parsed.tool, parsed.tool_version
    scan.target, scan.scanned_at = parsed.target, parsed.scanned_at
    for where, rule, detail, raw in parsed.rejected:
        _quarantine(session, scan, where, rule, detail, raw)
    counts, duplicates = _apply(session, scan, parsed, actor=actor, now=now, calendar=calendar, config=config)
    counts["read"] = len(parsed.findings) + len(parsed.rejected)
    counts["quarantined"] = len(parsed.rejected) + duplicates
    scan.counts = counts
    _audit(session, scan, actor=actor, now=now)
    return _report(session, scan, again=False)


def _apply(
    session: Session,
    scan: SecurityScan,
    parsed: ParsedScan,
    *,
    actor: str,
    now: datetime,
    calendar: WorkingCalendar,
    config: SupervisionConfig,
) -> tuple[dict[str, object], int]:
    """Open, see again or reopen each finding; verify what the scan no longer sees. Return counts, duplicates."""
    seen: set[str] = set()
    new, again, duplicates, reopened = 0, 0, 0, []
    for item in parsed.findings:
        fid = finding_id(scan.institution_id, item.fingerprint)
        if fid in seen:
            duplicates += 1
            _quarantine(session, scan, item.where, "duplicate_in_file", f"{fid} is already listed in this file", "")
            continue
        seen.add(fid)
        existing = session.scalar(select(SecurityFinding).where(SecurityFinding.finding_id == fid))
        if existing is None:
            _open(session, scan, item, fid, actor=actor, now=now, calendar=calendar, config=config)
            new += 1
            continue
        again += 1
        assert scan.scanned_at is not None
        existing.last_scan_id = scan.id
        claimed = existing.state in (FIXED, VERIFIED) and scan.scanned_at > existing.updated_at
        existing.last_seen_at = max(existing.last_seen_at, scan.scanned_at)
        if claimed:
            when = f"{scan.scanned_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
            findings.step(
                session,
                existing,
                action="reopen",
                actor=actor,
                reason=f"复扫仍发现 / still seen by scan #{scan.id} ({scan.tool}, {when})",
                now=now,
                calendar=calendar,
            )
            reopened.append(fid)
    verified = _verify_absent(session, scan, seen, actor=actor, now=now, calendar=calendar)
    return {"new": new, "seen_again": again, "reopened": reopened, "verified": verified}, duplicates


def _open(
    session: Session,
    scan: SecurityScan,
    item: ScanFinding,
    fid: str,
    *,
    actor: str,
    now: datetime,
    calendar: WorkingCalendar,
    config: SupervisionConfig,
) -> None:
    respond_by, fix_by = deadlines(
        item.severity,
        item.discovered_at,
        urgent=config.security.urgent_severities,
        config=config.incidents,
        calendar=calendar,
    )
    assert scan.scanned_at is not None and scan.tool is not None and scan.target is not None
    finding = SecurityFinding(
        finding_id=fid,
        institution_id=scan.institution_id,
        origin="scan",
        scan_kind=scan.kind,
        tool=scan.tool,
        target=scan.target,
        **{k: v for k, v in asdict(item).items() if k not in NOT_STORED},
        respond_by=respond_by,
        fix_by=fix_by,
        first_scan_id=scan.id,
        last_scan_id=scan.id,
        last_seen_at=max(scan.scanned_at, item.discovered_at),
    )
    reason = f"{scan.tool} 扫描发现 / found by {scan.tool}: {scan.source} {item.where}"
    findings.open_finding(session, finding, actor=actor, now=now, reason=reason)


def _verify_absent(
    session: Session,
    scan: SecurityScan,
    seen: set[str],
    *,
    actor: str,
    now: datetime,
    calendar: WorkingCalendar,
) -> list[str]:
    """Verify the findings this scan covers but no longer sees, and the missed-scan finding of its kind."""
    assert scan.scanned_at is not None
    covered = select(SecurityFinding).where(
        SecurityFinding.institution_id == scan.institution_id,
        SecurityFinding.state.not_in((VERIFIED, WITHDRAWN)),
        (
            (SecurityFinding.origin == "scan")
            & (SecurityFinding.scan_kind == scan.kind)
            & (SecurityFinding.tool == scan.tool)
            & (SecurityFinding.target == scan.target)
            & (SecurityFinding.last_seen_at < scan.scanned_at)
        )
        | (
            (SecurityFinding.origin == "cadence")
            & (SecurityFinding.scan_kind == scan.kind)
            & (SecurityFinding.discovered_at <= scan.scanned_at)
        ),
    )
    when = f"{scan.scanned_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
    verified = []
    for finding in session.scalars(covered.order_by(SecurityFinding.id)):
        if finding.finding_id in seen:
            continue
        reason = (
            f"复扫未再发现 / absent from scan #{scan.id} ({scan.tool}, {when})"
            if finding.origin == "scan"
            else f"已完成{scan.kind}扫描 / a {scan.kind} scan was made: #{scan.id} ({when})"
        )
        findings.step(session, finding, action="verify", actor=actor, reason=reason, now=now, calendar=calendar)
        verified.append(finding.finding_id)
    return verified


def _audit(session: Session, scan: SecurityScan, *, actor: str, now: datetime) -> None:
    audit.record_change(
        session,
        scan,
        actor=actor,
        action="security_scan.import" if scan.status == "imported" else "security_scan.reject",
        after={"institution_id": scan.institution_id, "source": scan.source, "checksum": scan.checksum}
        | {k: v for k, v in scan.counts.items() if not isinstance(v, list)},
        now=now,
    )
