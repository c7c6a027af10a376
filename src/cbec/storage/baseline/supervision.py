"""Supervision: institution ratings, rectification notices, and the security programme (scans, findings, upgrades)."""

from __future__ import annotations

import sqlalchemy as sa

from cbec.storage import ddl
from cbec.storage.ddl import AMOUNT, JSON, TIMESTAMP


def upgrade() -> None:
    """Create the ratings, the notices with their transitions, then the security programme's tables."""
    ddl.create_table(
        "institution_ratings",
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("institution_id", sa.String(64), nullable=False),
        sa.Column("config_version", sa.Integer(), nullable=False),
        sa.Column("total", AMOUNT, nullable=False),
        sa.Column("grade", sa.String(4), nullable=False),
        sa.Column("modules", JSON, nullable=False),
        sa.Column("computed_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint("month", "institution_id", name="uq_institution_ratings_month_institution_id"),
        sa.Index("ix_institution_ratings_institution_id", "institution_id"),
        sa.Index("ix_institution_ratings_month", "month"),
    )
    ddl.create_table(
        "notices",
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("institution_id", sa.String(64), nullable=False),
        sa.Column("month", sa.String(7), nullable=True),
        sa.Column("origin", sa.String(120), nullable=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("evidence", JSON, nullable=False),
        sa.Column("issued_by", sa.String(80), nullable=False),
        sa.Column("issued_at", TIMESTAMP, nullable=False),
        sa.Column("due_at", TIMESTAMP, nullable=True),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint("origin", name="uq_notices_origin"),
        sa.Index("ix_notices_institution_id", "institution_id"),
        sa.Index("ix_notices_state_due", "state", "due_at"),
        sa.Index("ix_notices_due_at", "due_at"),
    )
    ddl.create_transition_table("notice_transitions", case_column="notice_id", case_table="notices", reason=sa.Text())
    _security()


def _security() -> None:
    """The security programme: scan imports (and what they quarantined), findings with their steps, upgrades."""
    ddl.create_table(
        "security_scans",
        sa.Column("institution_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("file_format", sa.String(16), nullable=True),
        sa.Column("tool", sa.String(80), nullable=True),
        sa.Column("tool_version", sa.String(40), nullable=True),
        sa.Column("target", sa.String(300), nullable=True),
        sa.Column("source", sa.String(1000), nullable=False),
        sa.Column("checksum", sa.String(64), nullable=False),
        sa.Column("scanned_at", TIMESTAMP, nullable=True),
        sa.Column("imported_at", TIMESTAMP, nullable=False),
        sa.Column("imported_by", sa.String(80), nullable=False),
        sa.Column("counts", JSON, nullable=False),
        sa.UniqueConstraint("institution_id", "checksum", name="uq_security_scans_institution_id_checksum"),
        sa.Index("ix_security_scans_institution_id", "institution_id"),
    )
    ddl.create_table(
        "security_upgrades",
        sa.Column("institution_id", sa.String(64), nullable=False),
        sa.Column("half", sa.String(7), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(80), nullable=False),
        sa.Column("recorded_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint("institution_id", "half", name="uq_security_upgrades_institution_id_half"),
        sa.Index("ix_security_upgrades_institution_id", "institution_id"),
    )
    ddl.create_table(
        "security_findings",
        sa.Column("finding_id", sa.String(80), nullable=False),
        sa.Column("institution_id", sa.String(64), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("scan_kind", sa.String(16), nullable=False),
        sa.Column("tool", sa.String(80), nullable=False),
        sa.Column("target", sa.String(300), nullable=False),
        sa.Column("rule_id", sa.String(200), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("cve", sa.String(32), nullable=True),
        sa.Column("cwe", sa.String(16), nullable=True),
        sa.Column("cvss_vector", sa.String(200), nullable=True),
        sa.Column("cvss_score", AMOUNT, nullable=True),
        sa.Column("score_computed", sa.Boolean(), nullable=False),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("asset", sa.String(500), nullable=False),
        sa.Column("location", sa.String(500), nullable=False),
        sa.Column("discovered_at", TIMESTAMP, nullable=False),
        sa.Column("respond_by", TIMESTAMP, nullable=True),
        sa.Column("fix_by", TIMESTAMP, nullable=True),
        sa.Column("first_scan_id", sa.Integer(), nullable=True),
        sa.Column("last_scan_id", sa.Integer(), nullable=True),
        sa.Column("last_seen_at", TIMESTAMP, nullable=False),
        *ddl.case_columns(),
        ddl.foreign_key("security_findings", "first_scan_id", "security_scans"),
        ddl.foreign_key("security_findings", "last_scan_id", "security_scans"),
        sa.UniqueConstraint("finding_id", name="uq_security_findings_finding_id"),
        sa.Index("ix_security_findings_discovered_at", "discovered_at"),
        sa.Index("ix_security_findings_institution_state", "institution_id", "state"),
    )
    ddl.create_table(
        "security_quarantine",
        sa.Column("scan_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(1000), nullable=False),
        sa.Column("location", sa.String(200), nullable=True),
        sa.Column("rule", sa.String(40), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        ddl.foreign_key("security_quarantine", "scan_id", "security_scans"),
        sa.Index("ix_security_quarantine_scan_id", "scan_id"),
    )
    ddl.create_transition_table(
        "security_finding_transitions", case_column="finding_pk", case_table="security_findings", reason=sa.Text()
    )


def downgrade() -> None:
    """Drop them (the transition logs first)."""
    ddl.drop_tables(
        "security_finding_transitions",
        "security_quarantine",
        "security_findings",
        "security_upgrades",
        "security_scans",
        "notice_transitions",
        "notices",
        "institution_ratings",
    )
