"""Idempotency by natural key: the same row again is a duplicate, changed content a new version.

Content is compared on typed values (so "12.5" and "12.50", or the same instant written in two time
zones, are the same content) by hashing them in DuckDB at comparison time. Nothing hashed is stored,
so a different hash function in a later DuckDB release cannot make old rows look changed.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa

from cbec.feeds.spec import FeedSpec


@dataclass
class Classified:
    """What the chunk's valid rows mean for the store; accepted rows wait in DuckDB's `accepted` view."""

    accepted: int  # new keys and changed content, with _version and _supersedes_batch
    duplicates: int
    new_versions: int
    conflicts: pa.Table  # same key twice in this file with different content: _row and key columns


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def content_hash_sql(spec: FeedSpec, alias: str = "") -> str:
    """Return SQL hashing a row's typed contract values and its extra columns."""
    prefix = f"{alias}." if alias else ""
    return "hash(" + ", ".join(f"{prefix}{_q(c)}" for c in (*spec.names, "_extra")) + ")"


def classify(con: duckdb.DuckDBPyConnection, spec: FeedSpec, batch_id: int) -> Classified:
    """Compare the valid rows of `checked` with the latest stored version of each key in `existing`.

    `existing` holds the key columns plus _content (the content hash), _version and _batch_id of the
    latest version of each key, including rows staged earlier by this same batch.
    """
    keys = ", ".join(_q(k) for k in spec.key)
    join = " AND ".join(f"i.{_q(k)} IS NOT DISTINCT FROM e.{_q(k)}" for k in spec.key)
    repeats = con.sql(f"SELECT count(*) - count(DISTINCT ({keys})) FROM checked WHERE _errors = ''").fetchall()
    # Ranking keys within the chunk needs a sort and a hash; most chunks repeat no key, so skip both.
    ranked = (
        f"""SELECT * EXCLUDE (_errors), {content_hash_sql(spec)} AS _content,
                   row_number() OVER (PARTITION BY {keys} ORDER BY _row) AS _nth,
                   first_value({content_hash_sql(spec)}) OVER (PARTITION BY {keys} ORDER BY _row) AS _first
            FROM checked WHERE _errors = ''"""
        if repeats[0][0]
        else "SELECT * EXCLUDE (_errors), NULL::UBIGINT AS _content, 1 AS _nth, NULL::UBIGINT AS _first "
        "FROM checked WHERE _errors = ''"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE classified AS
        WITH ranked AS ({ranked})
        SELECT i.* EXCLUDE (_nth, _first, _content),
            coalesce(e._version, 0) + 1 AS _version,
            e._batch_id AS _supersedes_batch,
            CASE WHEN i._nth > 1 AND i._content = i._first THEN 'duplicate'
                 WHEN i._nth > 1 THEN 'conflict'
                 WHEN e._version IS NULL THEN 'new'
                 WHEN e._content = {content_hash_sql(spec, "i")} THEN 'duplicate'
                 WHEN e._batch_id = {int(batch_id)} THEN 'conflict'
                 ELSE 'changed' END AS _status
        FROM ranked i LEFT JOIN existing e ON {join}
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW accepted AS
        SELECT * EXCLUDE (_status, _row, _version), _version::INTEGER AS _version,
               {int(batch_id)}::BIGINT AS _batch_id
        FROM classified WHERE _status IN ('new', 'changed')
        """
    )
    counts = dict(con.sql("SELECT _status, count(*) FROM classified GROUP BY ALL").fetchall())
    conflicts = con.sql(f"SELECT _row, {keys} FROM classified WHERE _status = 'conflict' ORDER BY _row")
    return Classified(
        accepted=int(counts.get("new", 0) + counts.get("changed", 0)),
        duplicates=int(counts.get("duplicate", 0)),
        new_versions=int(counts.get("changed", 0)),
        conflicts=conflicts.to_arrow_table(),
    )


def create_existing(con: duckdb.DuckDBPyConnection, spec: FeedSpec, rows_sql: str) -> None:
    """Create `existing` from a query over stored rows (typed contract columns, _extra, _version, _batch_id)."""
    keys = ", ".join(_q(k) for k in spec.key)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE existing AS
        SELECT {keys}, {content_hash_sql(spec)} AS _content, _version::INTEGER AS _version,
               _batch_id::BIGINT AS _batch_id
        FROM ({rows_sql})
        QUALIFY row_number() OVER (PARTITION BY {keys} ORDER BY _version DESC) = 1
        """
    )
