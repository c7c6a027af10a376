"""Tables of the security programme: scans imported, findings on their lifecycle, rejected rows, upgrades."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cbec.storage.base import IdKeyed
from cbec.storage.cases import CaseColumns, CaseTables, TransitionColumns
from cbec.storage.types import Amount, PortableJSON, UTCDateTime


class SecurityScan(IdKeyed):
    """One scanner file imported for one institution (the same file twice is one scan)."""

    __tablename__ = "security_scans"
    audit_entity: ClassVar[str] = "security_scan"
    __table_args__ = (UniqueConstraint("institution_id", "checksum"),)

    institution_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # external | internal
    status: Mapped[str] = mapped_column(String(16))  # imported | rejected
    file_format: Mapped[str | None] = mapped_column(String(16))
    tool: Mapped[str | None] = mapped_column(String(80))
    tool_version: Mapped[str | None] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(1000))
    checksum: Mapped[str] = mapped_column(String(64))
    scanned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    imported_by: Mapped[str] = mapped_column(String(80))
    counts: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)


class SecurityFinding(CaseColumns):
    """A vulnerability (or a missed scan, or a missed upgrade) of one institution, on the finding lifecycle."""

    __tablename__ = "security_findings"
    __table_args__ = (Index("ix_security_findings_institution_state", "institution_id", "state"),)

    finding_id: Mapped[str] = mapped_column(String(80), unique=True)
    institution_id: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(16))  # scan | cadence | upgrade
    scan_kind: Mapped[str] = mapped_column(String(16))
    tool: Mapped[str] = mapped_column(String(80))
    target: Mapped[str] = mapped_column(String(300))
    rule_id: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(500))
    cve: Mapped[str | None] = mapped_column(String(32))
    cwe: Mapped[str | None] = mapped_column(String(16))
    cvss_vector: Mapped[str | None] = mapped_column(String(200))
    cvss_score: Mapped[Decimal | None] = mapped_column(Amount())
    score_computed: Mapped[bool] = mapped_column(default=False)
    severity: Mapped[str] = mapped_column(String(8))
    asset: Mapped[str] = mapped_column(String(500))
    location: Mapped[str] = mapped_column(String(500))
    discovered_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    respond_by: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fix_by: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_scan_id: Mapped[int | None] = mapped_column(ForeignKey("security_scans.id"))
    last_scan_id: Mapped[int | None] = mapped_column(ForeignKey("security_scans.id"))
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SecurityFindingTransition(TransitionColumns):
    """One step of a finding: emergency plan started, fix reported, verified or reopened by a scan, overdue."""

    __tablename__ = "security_finding_transitions"

    finding_pk: Mapped[int] = mapped_column(ForeignKey("security_findings.id", ondelete="CASCADE"), index=True)


class SecurityQuarantine(IdKeyed):
    """A finding row (or a whole file) that broke a rule, kept with file, place in the file, rule and raw text."""

    __tablename__ = "security_quarantine"

    scan_id: Mapped[int] = mapped_column(ForeignKey("security_scans.id"), index=True)
    source: Mapped[str] = mapped_column(String(1000))
    location: Mapped[str | None] = mapped_column(String(200))  # None: the whole file
    rule: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text)


class SecurityUpgrade(IdKeyed):
    """The half-yearly full system upgrade: a dated plan item per institution and half-year, with its evidence."""

    __tablename__ = "security_upgrades"
    __table_args__ = (UniqueConstraint("institution_id", "half"),)

    institution_id: Mapped[str] = mapped_column(String(64), index=True)
    half: Mapped[str] = mapped_column(String(7))  # e.g. 2026-H2
    planned_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


FINDINGS = CaseTables(
    entity="security_finding", items=SecurityFinding, steps=SecurityFindingTransition, link="finding_pk"
)
