"""What the security programme returns to entry points, the rating and the report."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from cbec.casework.schemas import StepRead

DEADLINE_COLUMNS = ("finding_id", "institution_id", "severity", "discovered_at", "respond_by", "fix_by", "status")


class FindingStepRead(StepRead):
    """One recorded step of a finding."""


class FindingRead(BaseModel):
    """A finding as shown: what, where, how severe, its two deadlines, its state and whether it is overdue."""

    model_config = ConfigDict(from_attributes=True)

    finding_id: str
    institution_id: str
    origin: str
    scan_kind: str
    tool: str
    rule_id: str
    title: str
    cve: str | None
    cwe: str | None
    cvss_vector: str | None
    cvss_score: Decimal | None
    score_computed: bool
    severity: str
    asset: str
    location: str
    discovered_at: datetime
    respond_by: datetime | None
    fix_by: datetime | None
    state: str
    due_at: datetime | None
    overdue: bool = False
    history: list[FindingStepRead] = Field(default_factory=list)


class QuarantinedFinding(BaseModel):
    """A rejected row (location None: the whole file) with its rule and message."""

    model_config = ConfigDict(from_attributes=True)

    source: str
    location: str | None
    rule: str
    message: str


class ScanImportRead(BaseModel):
    """What one import did: the scan, and how every row of the file was accounted for."""

    scan_id: int
    institution_id: str
    kind: str
    status: str
    already_imported: bool
    file_format: str | None
    tool: str | None
    target: str | None
    scanned_at: datetime | None
    read: int
    new: int
    seen_again: int
    reopened: list[str]
    verified: list[str]
    quarantined: list[QuarantinedFinding]


class UpgradeRead(BaseModel):
    """The half-yearly system upgrade of one institution: planned date, done date and evidence."""

    model_config = ConfigDict(from_attributes=True)

    institution_id: str
    half: str
    planned_on: date
    done_on: date | None
    evidence: str


class SecuritySummaryRead(BaseModel):
    """One institution's programme in a month, for the report: scans, open and overdue findings, upgrades."""

    institution_id: str
    scans: int
    new_findings: int
    critical_high_open: int
    overdue: list[str]
    missed_scans: list[str]
    verified: int
    reopened: int
