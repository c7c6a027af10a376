"""ip: mark aliases, licences, listing findings

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 14:43:43.365092
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import cbec.storage.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "ip_listing_findings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("listing_id", sa.String(length=64), nullable=False),
        sa.Column("platform_id", sa.String(length=64), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("mark_id", sa.String(length=64), nullable=False),
        sa.Column("mark_text", sa.String(length=200), nullable=False),
        sa.Column("score", cbec.storage.types.Amount(precision=38, scale=6), nullable=False),
        sa.Column(
            "signals",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("found_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ip_listing_findings")),
        sa.UniqueConstraint("listing_id", "mark_id", name=op.f("uq_ip_listing_findings_listing_id_mark_id")),
    )
    with op.batch_alter_table("ip_listing_findings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ip_listing_findings_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ip_listing_findings_mark_id"), ["mark_id"], unique=False)

    op.create_table(
        "ip_mark_aliases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("mark_id", sa.String(length=64), nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.Column("added_by", sa.String(length=80), nullable=False),
        sa.Column("added_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ip_mark_aliases")),
        sa.UniqueConstraint("mark_id", "alias", name=op.f("uq_ip_mark_aliases_mark_id_alias")),
    )
    with op.batch_alter_table("ip_mark_aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ip_mark_aliases_mark_id"), ["mark_id"], unique=False)

    op.create_table(
        "ip_mark_licences",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("mark_id", sa.String(length=64), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("added_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ip_mark_licences")),
        sa.UniqueConstraint("mark_id", "enterprise_id", name=op.f("uq_ip_mark_licences_mark_id_enterprise_id")),
    )
    with op.batch_alter_table("ip_mark_licences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ip_mark_licences_mark_id"), ["mark_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("ip_mark_licences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ip_mark_licences_mark_id"))

    op.drop_table("ip_mark_licences")
    with op.batch_alter_table("ip_mark_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ip_mark_aliases_mark_id"))

    op.drop_table("ip_mark_aliases")
    with op.batch_alter_table("ip_listing_findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ip_listing_findings_mark_id"))
        batch_op.drop_index(batch_op.f("ix_ip_listing_findings_enterprise_id"))

    op.drop_table("ip_listing_findings")
