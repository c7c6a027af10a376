"""baseline: the whole schema of the first release (revisions 0001..0022 squashed)

Revision ID: 0022
Revises:
Create Date: 2026-12-07 00:40:00

Revisions 0001..0022 were written before any production release and squashed into this one; it keeps the id
0022, so a database already at 0022 stays at head. A development database at an older revision is rebuilt
(docs/storage.md). The tables are made context by context by `cbec.storage.baseline`.
"""

from collections.abc import Sequence

from cbec.storage.baseline import (
    audit,
    complaints,
    credit,
    delivery,
    feeds,
    ip,
    monitoring,
    quality,
    reports,
    supervision,
    triage,
)

revision: str = "0022"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# In the order they are made (a table before the tables whose keys point at it); dropped in reverse.
CONTEXTS = (feeds, audit, monitoring, triage, supervision, complaints, quality, ip, credit, reports, delivery)


def upgrade() -> None:
    """Create every context's tables."""
    for context in CONTEXTS:
        context.upgrade()


def downgrade() -> None:
    """Drop them all, back to an empty database."""
    for context in reversed(CONTEXTS):
        context.downgrade()
