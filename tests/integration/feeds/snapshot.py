"""What a store holds, without the ids that differ between two homes (batch numbers)."""

from __future__ import annotations

from typing import Any

import duckdb
from sqlalchemy import select

from cbec.feeds.catalog import FEEDS
from cbec.feeds.models import REGISTER_TABLES, QuarantinedRow
from cbec.storage.lake import read_view_sql
from cbec.storage.store import Store

_VOLATILE = {"_batch_id", "_supersedes_batch", "id", "batch_id", "supersedes_batch_id"}


def _clean(rows: list[dict[str, Any]]) -> list[tuple[tuple[str, str], ...]]:
    return sorted(tuple(sorted((k, repr(v)) for k, v in r.items() if k not in _VOLATILE)) for r in rows)


def snapshot(store: Store) -> dict[str, Any]:
    """Return every stored row of the lake, the registers and the quarantine."""
    state: dict[str, Any] = {}
    with duckdb.connect() as con:
        for spec in FEEDS.values():
            files = store.lake.files(spec.name)
            if spec.sink == "lake" and files:
                state[spec.name] = _clean(con.sql(f"SELECT * FROM {read_view_sql(files)}").to_arrow_table().to_pylist())
    with store.factory() as session:
        for name, table in REGISTER_TABLES.items():
            state[f"reg_{name}"] = _clean([dict(r._mapping) for r in session.execute(select(table))])
        quarantined = session.scalars(select(QuarantinedRow)).all()
        state["quarantine"] = sorted((q.feed, q.source, q.line or 0, q.rule, q.message, q.raw) for q in quarantined)
    state["staging"] = store.lake.staged_batches()
    return state
