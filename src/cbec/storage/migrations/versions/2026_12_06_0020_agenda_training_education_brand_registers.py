"""agenda: registers of training programmes, consumer-education events and brand recognitions

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 22:00:00

cbec's own feeds for issue 22 parts 5-7 (not in contract/FEEDS.md): `reg_training_programmes` (provider kind,
mode, trainees, tests passed, placement, funding granted against the cap), `reg_education_events` (channel, day,
organiser, city, reach) and `reg_brand_recognitions` (brand, city, year, level, source; Fig. 1 counts them).
The employment-records feed goes to the lake and needs no table.
"""

from collections.abc import Sequence

import sqlalchemy as sa

import cbec.storage.types
from cbec.storage import ddl

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the three registers."""
    ddl.create_register_table(
        "reg_training_programmes",
        ["programme_id"],
        sa.Column("programme_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("provider_kind", sa.String(length=32), nullable=False),
        sa.Column("mode", sa.String(length=32), nullable=False),
        sa.Column("city", sa.String(length=16), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("trainees", sa.BigInteger(), nullable=False),
        sa.Column("tests_passed", sa.BigInteger(), nullable=True),
        sa.Column("placed_within_6_months", sa.BigInteger(), nullable=True),
        sa.Column("funding_granted", cbec.storage.types.Amount(precision=38, scale=6), nullable=True),
    )
    ddl.create_register_table(
        "reg_education_events",
        ["event_id"],
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("organiser", sa.String(length=200), nullable=False),
        sa.Column("city", sa.String(length=16), nullable=False),
        sa.Column("reach", sa.BigInteger(), nullable=False),
        sa.Column("topic", sa.String(length=300), nullable=True),
    )
    ddl.create_register_table(
        "reg_brand_recognitions",
        ["recognition_id"],
        sa.Column("recognition_id", sa.String(length=64), nullable=False),
        sa.Column("brand", sa.String(length=200), nullable=False),
        sa.Column("enterprise_id", sa.String(length=18), nullable=True),
        sa.Column("city", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
    )


def downgrade() -> None:
    """Drop the three registers."""
    for table in ("reg_brand_recognitions", "reg_education_events", "reg_training_programmes"):
        ddl.drop_register_table(table)
