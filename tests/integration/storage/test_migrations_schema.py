"""The migrations build the tables the models declare, on both stores, and take them down again."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from cbec.storage import migrate
from cbec.storage.partitions import DEFAULT_PARTITION
from cbec.storage.registry import metadata
from cbec.storage.store import Store

# What the migrations and the models must agree on: tables, their columns and column types. Index and
# constraint comparison is left out because SQLite cannot reflect the alerts table's expression indexes.
# On PostgreSQL the alerts table is partitioned by month; its partitions are made at run time, not declared.
MONTH_PARTITION = re.compile(r"alerts_\d{4}_\d{2}")
SHAPE = {"add_table", "remove_table", "add_column", "remove_column", "modify_type", "modify_nullable"}


def _shape_differences(engine: sa.Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), metadata())
    flat = [entry for item in diff for entry in (item if isinstance(item, list) else [item])]
    return [entry for entry in flat if entry[0] in SHAPE and not _is_partition(entry)]


def _is_partition(entry: tuple[Any, ...]) -> bool:
    if entry[0] != "remove_table":
        return False
    name = entry[1].name
    return name == DEFAULT_PARTITION or MONTH_PARTITION.fullmatch(name) is not None


def _declared_tables(engine: sa.Engine) -> set[str]:
    names = set(sa.inspect(engine).get_table_names())
    return {name for name in names if name != DEFAULT_PARTITION and not MONTH_PARTITION.fullmatch(name)}


def test_the_migrated_schema_has_every_table_and_column_the_models_declare(store: Store) -> None:
    assert _shape_differences(store.engine) == []
    tables = set(sa.inspect(store.engine).get_table_names())
    assert {"reg_enterprises", "notice_transitions", "complaint_transitions", "credit_repair_transitions"} <= tables


def test_downgrading_to_base_removes_every_table_and_upgrading_restores_them(store: Store) -> None:
    before = _declared_tables(store.engine)
    migrate.downgrade(store.engine, "base")
    assert set(sa.inspect(store.engine).get_table_names()) - {"alembic_version"} == set()
    migrate.upgrade(store.engine)
    assert _declared_tables(store.engine) == before
    assert _shape_differences(store.engine) == []
