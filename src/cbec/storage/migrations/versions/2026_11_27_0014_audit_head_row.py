"""audit: the chain's head row exists from the start

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27 19:00:00

`audit.record` locks the head row (SELECT … FOR UPDATE) to serialise appends. While the row did not exist yet,
two first writers (two JetStream workers on a fresh database) both inserted it and one failed; with the row made
here every writer, the first included, waits on the same lock.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64  # cbec.audit.domain.GENESIS: the hash before the first entry


def upgrade() -> None:
    """Insert the head row (seq 0, genesis hash) unless a chain has started already."""
    op.execute(
        f"INSERT INTO audit_head (id, seq, hash) SELECT 1, 0, '{GENESIS}' "
        "WHERE NOT EXISTS (SELECT 1 FROM audit_head WHERE id = 1)"
    )


def downgrade() -> None:
    """Remove the head row only while no entry hangs on it."""
    op.execute("DELETE FROM audit_head WHERE id = 1 AND seq = 0")
