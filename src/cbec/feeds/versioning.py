"""Idempotency by natural key: the same row again is a duplicate, changed content a new version."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from cbec.feeds.spec import FeedSpec


@dataclass
class Classified:
    """Rows of a chunk sorted by what they mean for the store."""

    accepted: pa.Table  # new keys and changed content, with _version and _supersedes_batch
    duplicates: int
    new_versions: int
    conflicts: pa.Table  # same key twice in this file with different content: _row and key columns


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def classify(
    con: duckdb.DuckDBPyConnection, spec: FeedSpec, good: pa.Table, existing: pa.Table, batch_id: int
) -> Classified:
    """Compare a chunk's valid rows with the latest stored version of each key.

    `existing` holds the key columns plus _hash, _version and _batch_id of the latest version of
    each key, including rows staged earlier by this same batch.
    """
    keys = ", ".join(_q(k) for k in spec.key)
    join = " AND ".join(f"i.{_q(k)} IS NOT DISTINCT FROM e.{_q(k)}" for k in spec.key)
    con.register("incoming", good)
    con.register("existing", existing)
    result = con.sql(
        f"""
        WITH ranked AS (
            SELECT *, row_number() OVER (PARTITION BY {keys} ORDER BY _row) AS _nth,
                   first_value(_hash) OVER (PARTITION BY {keys} ORDER BY _row) AS _first_hash
            FROM incoming
        )
        SELECT i.*, e._version AS _prev_version, e._batch_id AS _prev_batch,
            CASE WHEN i._nth > 1 AND i._hash = i._first_hash THEN 'duplicate'
                 WHEN i._nth > 1 THEN 'conflict'
                 WHEN e._hash IS NULL THEN 'new'
                 WHEN e._hash = i._hash THEN 'duplicate'
                 WHEN e._batch_id = {int(batch_id)} THEN 'conflict'
                 ELSE 'changed' END AS _status
        FROM ranked i LEFT JOIN existing e ON {join}
        ORDER BY i._row
        """
    ).to_arrow_table()
    con.unregister("incoming")
    con.unregister("existing")
    status = result["_status"]
    keep = pc.is_in(status, pa.array(["new", "changed"]))
    accepted = result.filter(keep)
    version = pc.add(
        pc.coalesce(accepted["_prev_version"], pa.scalar(0, pa.int64())), pa.scalar(1, pa.int64())
    )
    accepted = (
        accepted.drop_columns(["_nth", "_first_hash", "_status", "_prev_version"])
        .rename_columns({"_prev_batch": "_supersedes_batch"})
        .append_column("_version", version.cast(pa.int32()))
        .append_column("_batch_id", pa.array([batch_id] * accepted.num_rows, type=pa.int64()))
    )
    return Classified(
        accepted=accepted,
        duplicates=pc.sum(pc.equal(status, "duplicate")).as_py() or 0,
        new_versions=pc.sum(pc.equal(status, "changed")).as_py() or 0,
        conflicts=result.filter(pc.equal(status, "conflict")).select(["_row", *spec.key]),
    )


def empty_existing(spec: FeedSpec, good: pa.Table) -> pa.Table:
    """Return an empty 'existing' table shaped for a feed."""
    fields = [good.schema.field(k) for k in spec.key]
    fields += [
        pa.field("_hash", pa.string()),
        pa.field("_version", pa.int32()),
        pa.field("_batch_id", pa.int64()),
    ]
    return pa.Table.from_batches([], schema=pa.schema(fields))
