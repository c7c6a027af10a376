"""security programme (scans, findings, quarantine, upgrades) and pacs.002 statuses (branch security21)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 21:09:27.338818
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import cbec.storage.types
from cbec.storage import ddl

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "payment_status_reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("msg_id", sa.String(length=64), nullable=False),
        sa.Column("tx_index", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=1000), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("payment_id", sa.String(length=64), nullable=True),
        sa.Column("original_msg_id", sa.String(length=64), nullable=True),
        sa.Column("original_created_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=4), nullable=True),
        sa.Column("status_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("problem", sa.String(length=40), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("loaded_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_status_reports")),
        sa.UniqueConstraint("msg_id", "tx_index", name=op.f("uq_payment_status_reports_msg_id_tx_index")),
    )
    with op.batch_alter_table("payment_status_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_status_reports_payment_id"), ["payment_id"], unique=False)

    op.create_table(
        "security_scans",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("institution_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("file_format", sa.String(length=16), nullable=True),
        sa.Column("tool", sa.String(length=80), nullable=True),
        sa.Column("tool_version", sa.String(length=40), nullable=True),
        sa.Column("target", sa.String(length=300), nullable=True),
        sa.Column("source", sa.String(length=1000), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("scanned_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("imported_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=80), nullable=False),
        sa.Column(
            "counts", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_scans")),
        sa.UniqueConstraint("institution_id", "checksum", name=op.f("uq_security_scans_institution_id_checksum")),
    )
    with op.batch_alter_table("security_scans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_security_scans_institution_id"), ["institution_id"], unique=False)

    op.create_table(
        "security_upgrades",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("institution_id", sa.String(length=64), nullable=False),
        sa.Column("half", sa.String(length=7), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.Column("recorded_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_upgrades")),
        sa.UniqueConstraint("institution_id", "half", name=op.f("uq_security_upgrades_institution_id_half")),
    )
    with op.batch_alter_table("security_upgrades", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_security_upgrades_institution_id"), ["institution_id"], unique=False)

    op.create_table(
        "security_findings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("finding_id", sa.String(length=80), nullable=False),
        sa.Column("institution_id", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("scan_kind", sa.String(length=16), nullable=False),
        sa.Column("tool", sa.String(length=80), nullable=False),
        sa.Column("target", sa.String(length=300), nullable=False),
        sa.Column("rule_id", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("cve", sa.String(length=32), nullable=True),
        sa.Column("cwe", sa.String(length=16), nullable=True),
        sa.Column("cvss_vector", sa.String(length=200), nullable=True),
        sa.Column("cvss_score", cbec.storage.types.Amount(precision=38, scale=6), nullable=True),
        sa.Column("score_computed", sa.Boolean(), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("asset", sa.String(length=500), nullable=False),
        sa.Column("location", sa.String(length=500), nullable=False),
        sa.Column("discovered_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("respond_by", cbec.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("fix_by", cbec.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("first_scan_id", sa.Integer(), nullable=True),
        sa.Column("last_scan_id", sa.Integer(), nullable=True),
        sa.Column("last_seen_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("due_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["first_scan_id"], ["security_scans.id"], name=op.f("fk_security_findings_first_scan_id_security_scans")
        ),
        sa.ForeignKeyConstraint(
            ["last_scan_id"], ["security_scans.id"], name=op.f("fk_security_findings_last_scan_id_security_scans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_findings")),
        sa.UniqueConstraint("finding_id", name=op.f("uq_security_findings_finding_id")),
    )
    with op.batch_alter_table("security_findings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_security_findings_discovered_at"), ["discovered_at"], unique=False)
        batch_op.create_index("ix_security_findings_institution_state", ["institution_id", "state"], unique=False)

    op.create_table(
        "security_quarantine",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("scan_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=1000), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["scan_id"], ["security_scans.id"], name=op.f("fk_security_quarantine_scan_id_security_scans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_quarantine")),
    )
    with op.batch_alter_table("security_quarantine", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_security_quarantine_scan_id"), ["scan_id"], unique=False)

    ddl.create_transition_table(
        "security_finding_transitions", case_column="finding_pk", case_table="security_findings", reason=sa.Text()
    )


def downgrade() -> None:
    """Revert this revision."""

    ddl.drop_transition_table("security_finding_transitions", case_column="finding_pk")
    with op.batch_alter_table("security_quarantine", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_security_quarantine_scan_id"))

    op.drop_table("security_quarantine")
    with op.batch_alter_table("security_findings", schema=None) as batch_op:
        batch_op.drop_index("ix_security_findings_institution_state")
        batch_op.drop_index(batch_op.f("ix_security_findings_discovered_at"))

    op.drop_table("security_findings")
    with op.batch_alter_table("security_upgrades", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_security_upgrades_institution_id"))

    op.drop_table("security_upgrades")
    with op.batch_alter_table("security_scans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_security_scans_institution_id"))

    op.drop_table("security_scans")
    with op.batch_alter_table("payment_status_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_status_reports_payment_id"))

    op.drop_table("payment_status_reports")
