"""Migration building blocks for the shapes that recur: id-keyed tables, keys, registers, case columns, transitions.

Migrations call these instead of spelling the same columns out again. A block's output is part of every
migration that uses it, so it is frozen like a migration: change a shape by adding a new block (or a new
migration), never by editing one of these. `tests/integration/storage/test_migrations_schema.py` checks the
schema the migrations build against the models.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.schema import SchemaItem

from cbec.storage.types import Amount, BigKey, UTCDateTime

# The column types the tables share: JSON (JSONB on PostgreSQL), an instant, an exact amount, a large key.
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TIMESTAMP = UTCDateTime(timezone=True)
AMOUNT = Amount(precision=38, scale=6)
BIG_KEY = BigKey  # storage.types: BIGINT on PostgreSQL, INTEGER (autoincrementing) on SQLite


def create_table(table: str, *items: SchemaItem, id_type: sa.types.TypeEngine[int] | None = None) -> None:
    """Create a table keyed by an autoincrement `id` (its first column); `items`: its columns, constraints, indexes."""
    op.create_table(
        table,
        sa.Column("id", id_type if id_type is not None else sa.Integer(), autoincrement=True, nullable=False),
        *items,
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    )


def drop_tables(*tables: str) -> None:
    """Drop tables in the order given (dependents first); their indexes, triggers and partitions go with them."""
    for table in tables:
        op.drop_table(table)


def foreign_key(table: str, column: str, target: str, *, ondelete: str | None = None) -> sa.ForeignKeyConstraint:
    """The key from `table.column` to `target.id`, named as the models' naming convention names it."""
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def case_columns() -> list[sa.Column[Any]]:
    """The columns of a lifecycle item after its id, in `storage.cases.CaseColumns` order: state, deadline, last move.

    Only for a table that has them side by side; where an older table spells them apart, it keeps its order.
    """
    return [
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("due_at", TIMESTAMP, nullable=True),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
    ]


def transition_columns(reason: sa.types.TypeEngine[str]) -> list[sa.Column[Any]]:
    """The columns of one step, as `storage.cases.TransitionColumns` maps them (the item's key is the table's own)."""
    return [
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", reason, nullable=False),
        sa.Column("due_at", UTCDateTime(timezone=True), nullable=True),
    ]


def stored_file_columns() -> list[sa.Column[Any]]:
    """Where a file given in evidence is kept (under CBEC_HOME), its SHA-256 and size, who added it and when."""
    return [
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("added_by", sa.String(length=80), nullable=False),
        sa.Column("added_at", TIMESTAMP, nullable=False),
    ]


def create_register_table(table: str, key: Sequence[str], *columns: SchemaItem) -> None:
    """Create a versioned register fed by an ingest batch: its own columns, then version and lineage, keyed by `key`."""
    create_table(
        table,
        *columns,
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("source_line", sa.BigInteger(), nullable=True),
        sa.Column("supersedes_batch_id", sa.Integer(), nullable=True),
        sa.Column("extra", sa.Text(), nullable=True),
        foreign_key(table, "batch_id", "ingest_batches"),
    )
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(f"ix_{table}_key", [*key, "version"], unique=True)


def drop_register_table(table: str) -> None:
    """Drop a register made by `create_register_table`."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_index(f"ix_{table}_key")
    op.drop_table(table)


def create_transition_table(table: str, *, case_column: str, case_table: str, reason: sa.types.TypeEngine[str]) -> None:
    """Create the transition log of a case table (one row per lifecycle step), as `storage.cases` maps it."""
    create_table(
        table,
        sa.Column(case_column, sa.Integer(), nullable=False),
        *transition_columns(reason),
        foreign_key(table, case_column, case_table, ondelete="CASCADE"),
    )
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_{case_column}"), [case_column], unique=False)


def drop_transition_table(table: str, *, case_column: str) -> None:
    """Drop a transition log made by `create_transition_table`."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f(f"ix_{table}_{case_column}"))
    op.drop_table(table)
