"""IP: listing findings, marks' aliases and licences, takedown cases, image hashes, copies, border flags."""

from __future__ import annotations

import sqlalchemy as sa

from cbec.storage import ddl
from cbec.storage.ddl import AMOUNT, JSON, TIMESTAMP


def upgrade() -> None:
    """Create the trademark screen's tables and the takedown cases, then the copies and border checks."""
    ddl.create_table(
        "ip_listing_findings",
        sa.Column("listing_id", sa.String(64), nullable=False),
        sa.Column("platform_id", sa.String(64), nullable=False),
        sa.Column("enterprise_id", sa.String(32), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("mark_id", sa.String(64), nullable=False),
        sa.Column("mark_text", sa.String(200), nullable=False),
        sa.Column("score", AMOUNT, nullable=False),
        sa.Column("signals", JSON, nullable=False),
        sa.Column("found_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint("listing_id", "mark_id", name="uq_ip_listing_findings_listing_id_mark_id"),
        sa.Index("ix_ip_listing_findings_enterprise_id", "enterprise_id"),
        sa.Index("ix_ip_listing_findings_mark_id", "mark_id"),
    )
    ddl.create_table(
        "ip_mark_aliases",
        sa.Column("mark_id", sa.String(64), nullable=False),
        sa.Column("alias", sa.String(200), nullable=False),
        sa.Column("added_by", sa.String(80), nullable=False),
        sa.Column("added_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint("mark_id", "alias", name="uq_ip_mark_aliases_mark_id_alias"),
        sa.Index("ix_ip_mark_aliases_mark_id", "mark_id"),
    )
    ddl.create_table(
        "ip_mark_licences",
        sa.Column("mark_id", sa.String(64), nullable=False),
        sa.Column("enterprise_id", sa.String(32), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("added_by", sa.String(80), nullable=False),
        sa.UniqueConstraint("mark_id", "enterprise_id", name="uq_ip_mark_licences_mark_id_enterprise_id"),
        sa.Index("ix_ip_mark_licences_mark_id", "mark_id"),
    )
    _takedowns()
    _copies()


def _takedowns() -> None:
    """Takedown cases, their transition log and the evidence files attached to them."""
    ddl.create_table(
        "ip_takedown_cases",
        sa.Column("listing_id", sa.String(64), nullable=False),
        sa.Column("platform_id", sa.String(64), nullable=False),
        sa.Column("enterprise_id", sa.String(32), nullable=False),
        sa.Column("mark_id", sa.String(64), nullable=False),
        sa.Column("rights_holder", sa.String(200), nullable=False),
        sa.Column("evidence", sa.String(2000), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("due_at", TIMESTAMP, nullable=True),
        sa.Column("opened_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Index("ix_ip_takedown_cases_enterprise_id", "enterprise_id"),
        sa.Index("ix_ip_takedown_cases_listing_id", "listing_id"),
        sa.Index("ix_ip_takedown_cases_platform_id", "platform_id"),
    )
    ddl.create_transition_table(
        "ip_takedown_transitions", case_column="case_id", case_table="ip_takedown_cases", reason=sa.String(2000)
    )
    ddl.create_table(
        "ip_takedown_evidence",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        *ddl.stored_file_columns(),
        ddl.foreign_key("ip_takedown_evidence", "case_id", "ip_takedown_cases", ondelete="CASCADE"),
        sa.UniqueConstraint("case_id", "sha256", name="uq_ip_takedown_evidence_case_id_sha256"),
        sa.Index("ix_ip_takedown_evidence_case_id", "case_id"),
    )


def _copies() -> None:
    """Image hashes, the listings found copying a registered right, and declarations flagged at the border."""
    ddl.create_table(
        "ip_image_hashes",
        sa.Column("subject", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.String(140), nullable=False),
        sa.Column("ref", sa.String(1000), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("phash", sa.String(16), nullable=False),
        sa.Column("mirrored", sa.String(16), nullable=False),
        sa.Column("segments", JSON, nullable=False),
        sa.Column("hashed_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint("subject", "subject_id", "ref", name="uq_ip_image_hashes_subject_subject_id_ref"),
        sa.Index("ix_ip_image_hashes_subject_id", "subject_id"),
    )
    ddl.create_table(
        "ip_copy_findings",
        sa.Column("listing_id", sa.String(64), nullable=False),
        sa.Column("platform_id", sa.String(64), nullable=False),
        sa.Column("enterprise_id", sa.String(32), nullable=False),
        sa.Column("rule", sa.String(32), nullable=False),
        sa.Column("rule_version", sa.String(16), nullable=False),
        sa.Column("right_kind", sa.String(16), nullable=False),
        sa.Column("right_id", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("matched", sa.String(1000), nullable=False),
        sa.Column("how", sa.String(16), nullable=False),
        sa.Column("measure", AMOUNT, nullable=False),
        sa.Column("threshold", AMOUNT, nullable=False),
        sa.Column("evidence", JSON, nullable=False),
        sa.Column("found_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint(
            "platform_id",
            "listing_id",
            "rule",
            "right_id",
            name="uq_ip_copy_findings_platform_id_listing_id_rule_right_id",
        ),
        sa.Index("ix_ip_copy_findings_enterprise_id", "enterprise_id"),
        sa.Index("ix_ip_copy_findings_right_id", "right_id"),
    )
    ddl.create_table(
        "ip_border_flags",
        sa.Column("declaration_id", sa.String(64), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("enterprise_id", sa.String(32), nullable=False),
        sa.Column("hs_code", sa.String(10), nullable=False),
        sa.Column("recordation_id", sa.String(64), nullable=False),
        sa.Column("right_kind", sa.String(16), nullable=False),
        sa.Column("right_id", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("evidence", JSON, nullable=False),
        sa.Column("found_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint(
            "declaration_id", "recordation_id", name="uq_ip_border_flags_declaration_id_recordation_id"
        ),
        sa.Index("ix_ip_border_flags_month", "month"),
        sa.Index("ix_ip_border_flags_enterprise_id", "enterprise_id"),
    )


def downgrade() -> None:
    """Drop them."""
    ddl.drop_tables(
        "ip_border_flags",
        "ip_copy_findings",
        "ip_image_hashes",
        "ip_takedown_evidence",
        "ip_takedown_transitions",
        "ip_takedown_cases",
        "ip_mark_licences",
        "ip_mark_aliases",
        "ip_listing_findings",
    )
