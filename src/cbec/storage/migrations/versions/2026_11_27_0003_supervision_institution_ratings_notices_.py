"""supervision: institution ratings, notices, notice transitions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 13:53:51.378646
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import cbec.storage.types
from cbec.storage import ddl

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "institution_ratings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("institution_id", sa.String(length=64), nullable=False),
        sa.Column("config_version", sa.Integer(), nullable=False),
        sa.Column("total", cbec.storage.types.Amount(precision=38, scale=6), nullable=False),
        sa.Column("grade", sa.String(length=4), nullable=False),
        sa.Column(
            "modules",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("computed_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_institution_ratings")),
        sa.UniqueConstraint("month", "institution_id", name=op.f("uq_institution_ratings_month_institution_id")),
    )
    with op.batch_alter_table("institution_ratings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_institution_ratings_institution_id"), ["institution_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_institution_ratings_month"), ["month"], unique=False)

    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("institution_id", sa.String(length=64), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=True),
        sa.Column("origin", sa.String(length=120), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "evidence",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("issued_by", sa.String(length=80), nullable=False),
        sa.Column("issued_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", cbec.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
        sa.UniqueConstraint("origin", name=op.f("uq_notices_origin")),
    )
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notices_institution_id"), ["institution_id"], unique=False)
        batch_op.create_index("ix_notices_state_due", ["state", "due_at"], unique=False)

    ddl.create_transition_table("notice_transitions", case_column="notice_id", case_table="notices", reason=sa.Text())


def downgrade() -> None:
    """Revert this revision."""
    ddl.drop_transition_table("notice_transitions", case_column="notice_id")
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_index("ix_notices_state_due")
        batch_op.drop_index(batch_op.f("ix_notices_institution_id"))

    op.drop_table("notices")
    with op.batch_alter_table("institution_ratings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_institution_ratings_month"))
        batch_op.drop_index(batch_op.f("ix_institution_ratings_institution_id"))

    op.drop_table("institution_ratings")
