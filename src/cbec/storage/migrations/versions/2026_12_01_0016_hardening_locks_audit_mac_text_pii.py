"""hardening: login failures and locks, the audit chain's keyed MAC, complaint text's sealed personal data

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 10:00:00

`users.failed_logins` counts wrong passwords since the last success and `users.locked_until` holds a lock after
too many; `audit_log.mac` is the HMAC of each entry's hash under a key kept outside the database (entries made
before this revision have none and are reported as such); `complaint_cases.text_personal` seals the original
text of a complaint whose free text held personal data (the `text` column keeps it masked).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cbec.storage.types

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the columns (nullable, or with a default, so existing rows stay as they are)."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("locked_until", cbec.storage.types.UTCDateTime(timezone=True), nullable=True))
    # A plain ADD COLUMN: batch mode would copy audit_log, and its append-only triggers refuse nothing to an
    # ALTER, but the copy would drop and recreate them.
    op.add_column("audit_log", sa.Column("mac", sa.String(length=64), nullable=True))
    op.add_column("complaint_cases", sa.Column("text_personal", sa.Text(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    op.drop_column("complaint_cases", "text_personal")
    op.drop_column("audit_log", "mac")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_logins")
