"""ip: patent, work and customs-recordation registers; image hashes, copy findings, border flags, evidence files

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 22:00:00

Three registers of cbec's own feeds (`reg_patents`, `reg_copyrights`, `reg_customs_recordations`, docs/feeds.md);
`ip_image_hashes` keeps the perceptual hashes of listing images, design views and registered images (never the
images); `ip_copy_findings` the listings whose image or description copies a registered right; `ip_border_flags`
the declarations of recorded goods from neither owner nor licensee; `ip_takedown_evidence` the files (under
CBEC_HOME, with their SHA-256) given on a takedown case.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import cbec.storage.types
from cbec.storage import ddl

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the registers and the four tables."""
    ddl.create_register_table(
        "reg_patents",
        ["patent_id"],
        sa.Column("patent_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("classes", sa.String(length=200), nullable=False),
        sa.Column("claims", sa.Text(), nullable=True),
        sa.Column("views", sa.Text(), nullable=True),
        sa.Column("jurisdiction", sa.String(length=8), nullable=False),
        sa.Column("filed_at", sa.Date(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
    )
    ddl.create_register_table(
        "reg_copyrights",
        ["work_id"],
        sa.Column("work_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("image", sa.String(length=1000), nullable=True),
        sa.Column("registered_at", sa.Date(), nullable=True),
    )
    ddl.create_register_table(
        "reg_customs_recordations",
        ["recordation_id"],
        sa.Column("recordation_id", sa.String(length=64), nullable=False),
        sa.Column("right_kind", sa.String(length=32), nullable=False),
        sa.Column("right_id", sa.String(length=64), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("licensees", sa.String(length=1000), nullable=True),
        sa.Column("hs_codes", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
    )
    op.create_table(
        "ip_image_hashes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.String(length=140), nullable=False),
        sa.Column("ref", sa.String(length=1000), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("phash", sa.String(length=16), nullable=False),
        sa.Column("mirrored", sa.String(length=16), nullable=False),
        sa.Column(
            "segments", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("hashed_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ip_image_hashes")),
        sa.UniqueConstraint("subject", "subject_id", "ref", name=op.f("uq_ip_image_hashes_subject_subject_id_ref")),
    )
    op.create_index(op.f("ix_ip_image_hashes_subject_id"), "ip_image_hashes", ["subject_id"], unique=False)
    op.create_table(
        "ip_copy_findings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("listing_id", sa.String(length=64), nullable=False),
        sa.Column("platform_id", sa.String(length=64), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("rule_version", sa.String(length=16), nullable=False),
        sa.Column("right_kind", sa.String(length=16), nullable=False),
        sa.Column("right_id", sa.String(length=64), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("matched", sa.String(length=1000), nullable=False),
        sa.Column("how", sa.String(length=16), nullable=False),
        sa.Column("measure", cbec.storage.types.Amount(precision=38, scale=6), nullable=False),
        sa.Column("threshold", cbec.storage.types.Amount(precision=38, scale=6), nullable=False),
        sa.Column(
            "evidence", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("found_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ip_copy_findings")),
        sa.UniqueConstraint(
            "platform_id",
            "listing_id",
            "rule",
            "right_id",
            name=op.f("uq_ip_copy_findings_platform_id_listing_id_rule_right_id"),
        ),
    )
    op.create_index(op.f("ix_ip_copy_findings_enterprise_id"), "ip_copy_findings", ["enterprise_id"], unique=False)
    op.create_index(op.f("ix_ip_copy_findings_right_id"), "ip_copy_findings", ["right_id"], unique=False)
    op.create_table(
        "ip_border_flags",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("declaration_id", sa.String(length=64), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=False),
        sa.Column("hs_code", sa.String(length=10), nullable=False),
        sa.Column("recordation_id", sa.String(length=64), nullable=False),
        sa.Column("right_kind", sa.String(length=16), nullable=False),
        sa.Column("right_id", sa.String(length=64), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column(
            "evidence", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("found_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ip_border_flags")),
        sa.UniqueConstraint(
            "declaration_id", "recordation_id", name=op.f("uq_ip_border_flags_declaration_id_recordation_id")
        ),
    )
    op.create_index(op.f("ix_ip_border_flags_month"), "ip_border_flags", ["month"], unique=False)
    op.create_index(op.f("ix_ip_border_flags_enterprise_id"), "ip_border_flags", ["enterprise_id"], unique=False)
    op.create_table(
        "ip_takedown_evidence",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("added_by", sa.String(length=80), nullable=False),
        sa.Column("added_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["ip_takedown_cases.id"],
            name=op.f("fk_ip_takedown_evidence_case_id_ip_takedown_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ip_takedown_evidence")),
        sa.UniqueConstraint("case_id", "sha256", name=op.f("uq_ip_takedown_evidence_case_id_sha256")),
    )
    op.create_index(op.f("ix_ip_takedown_evidence_case_id"), "ip_takedown_evidence", ["case_id"], unique=False)


def downgrade() -> None:
    """Drop what upgrade created."""
    for table, indexes in (
        ("ip_takedown_evidence", ("case_id",)),
        ("ip_border_flags", ("enterprise_id", "month")),
        ("ip_copy_findings", ("right_id", "enterprise_id")),
        ("ip_image_hashes", ("subject_id",)),
    ):
        for column in indexes:
            op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
        op.drop_table(table)
    ddl.drop_register_table("reg_customs_recordations")
    ddl.drop_register_table("reg_copyrights")
    ddl.drop_register_table("reg_patents")
