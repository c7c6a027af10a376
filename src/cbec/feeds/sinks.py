"""Where accepted rows go: the Parquet lake (facts) or a versioned register table (registers).

A sink works on DuckDB's temp tables of the chunk: `checked` (typed rows) and, after classification,
`accepted` (new keys and new versions).
"""

from __future__ import annotations

import json
from typing import Any, Protocol

import duckdb
import pyarrow as pa
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cbec.feeds.models import REGISTER_TABLES
from cbec.feeds.spec import FeedSpec
from cbec.feeds.versioning import create_empty_existing
from cbec.storage.lake import Lake, read_view_sql


class Sink(Protocol):
    """Stages a batch's accepted rows and makes them visible when the batch commits."""

    def load_existing(self) -> None:
        """Fill DuckDB's `existing` with the latest version of each key in `checked` (staged rows included)."""
        ...

    def stage(self, chunk_no: int) -> None:
        """Keep the rows of `accepted` aside until the batch commits."""
        ...

    def commit(self, session: Session) -> None:
        """Write staged rows inside the batch's final transaction."""
        ...


def _keys(spec: FeedSpec) -> str:
    return ", ".join(f'"{k}"' for k in spec.key)


class LakeSink:
    """Stages Parquet files per month; the service publishes them after the commit."""

    def __init__(self, spec: FeedSpec, lake: Lake, batch_id: int, con: duckdb.DuckDBPyConnection) -> None:
        self.spec, self.lake, self.batch_id, self.con = spec, lake, batch_id, con

    def load_existing(self) -> None:
        """Read key, hash and version of matching keys from the lake and this batch's staging."""
        files = self.lake.files(self.spec.name) + self.lake.staged_files(self.batch_id, self.spec.name)
        if not files:
            create_empty_existing(self.con, self.spec)
            return
        keys = _keys(self.spec)
        self.con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE existing AS
            SELECT {keys}, _hash, _version, _batch_id FROM {read_view_sql(files)}
            SEMI JOIN (SELECT {keys} FROM checked WHERE _errors = '') USING ({keys})
            QUALIFY row_number() OVER (PARTITION BY {keys} ORDER BY _version DESC) = 1
            """
        )

    def stage(self, chunk_no: int) -> None:
        """Write the accepted rows as Parquet partitioned by month."""
        target = self.lake.batch_dir(self.batch_id) / self.spec.name
        target.mkdir(parents=True, exist_ok=True)
        self.con.execute(
            f"""
            COPY (SELECT * EXCLUDE (_month), _month AS month FROM accepted)
            TO '{target}' (FORMAT parquet, PARTITION_BY (month), OVERWRITE_OR_IGNORE true,
                           FILENAME_PATTERN 'b{self.batch_id:08d}_c{chunk_no:05d}_{{i}}', COMPRESSION snappy)
            """
        )

    def commit(self, session: Session) -> None:
        """Nothing to write in the relational store: files are published after the commit."""


class RegisterSink:
    """Keeps register rows in memory and writes them as new versions in the final transaction."""

    def __init__(
        self, spec: FeedSpec, session: Session, batch_id: int, con: duckdb.DuckDBPyConnection
    ) -> None:
        self.spec, self.batch_id, self.con = spec, batch_id, con
        self.table = REGISTER_TABLES[spec.name]
        self.pending: list[dict[str, Any]] = []
        columns = [self.table.c[k] for k in spec.key]
        query = select(*columns, self.table.c.content_hash, self.table.c.version, self.table.c.batch_id)
        rows = session.execute(query.where(self.table.c.is_current)).all()
        self.stored: dict[tuple[Any, ...], tuple[str, int, int]] = {
            tuple(r[: len(spec.key)]): (r.content_hash, r.version, r.batch_id) for r in rows
        }

    def load_existing(self) -> None:
        """Register stored and pending versions of the keys as DuckDB's `existing`."""
        latest = dict(self.stored)
        for row in self.pending:
            latest[tuple(row[k] for k in self.spec.key)] = (
                row["content_hash"],
                row["version"],
                self.batch_id,
            )
        create_empty_existing(self.con, self.spec)
        schema = self.con.sql("SELECT * FROM existing").to_arrow_table().schema
        columns: dict[str, list[Any]] = {k: [key[i] for key in latest] for i, k in enumerate(self.spec.key)}
        columns["_hash"] = [v[0] for v in latest.values()]
        columns["_version"] = [v[1] for v in latest.values()]
        columns["_batch_id"] = [v[2] for v in latest.values()]
        self.con.register("existing_rows", pa.table(columns, schema=schema))
        self.con.execute("INSERT INTO existing SELECT * FROM existing_rows")
        self.con.unregister("existing_rows")

    def stage(self, chunk_no: int) -> None:
        """Hold the rows until commit."""
        for row in self.con.sql("SELECT * FROM accepted").to_arrow_table().to_pylist():
            record = {c.name: row[c.name] for c in self.spec.columns}
            record.update(
                version=row["_version"],
                is_current=True,
                content_hash=row["_hash"],
                batch_id=self.batch_id,
                source_line=row["_line"],
                supersedes_batch_id=row["_supersedes_batch"],
                extra=json.loads(row["_extra"]) if row["_extra"] else None,
            )
            self.pending.append(record)

    def commit(self, session: Session) -> None:
        """Retire the versions being replaced and insert the new ones."""
        if not self.pending:
            return
        latest: dict[tuple[Any, ...], dict[str, Any]] = {}
        for record in self.pending:
            key = tuple(record[k] for k in self.spec.key)
            if key in self.stored:
                session.execute(
                    update(self.table)
                    .where(*[self.table.c[k] == v for k, v in zip(self.spec.key, key, strict=True)])
                    .values(is_current=False)
                )
            if key in latest:
                latest[key]["is_current"] = False
            latest[key] = record
        session.execute(self.table.insert(), self.pending)
