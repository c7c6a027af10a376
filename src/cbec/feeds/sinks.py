"""Where accepted rows go: the Parquet lake (facts) or a versioned register table (registers)."""

from __future__ import annotations

import json
from typing import Any, Protocol

import duckdb
import pyarrow as pa
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cbec.feeds.models import REGISTER_TABLES
from cbec.feeds.spec import FeedSpec
from cbec.feeds.versioning import empty_existing
from cbec.storage.lake import Lake, read_view_sql

_DROP_BEFORE_WRITE = ("_row",)


class Sink(Protocol):
    """Stages a batch's accepted rows and makes them visible when the batch commits."""

    def existing(self, good: pa.Table) -> pa.Table:
        """Return the latest stored version of each key in `good` (staged rows of this batch included)."""
        ...

    def stage(self, accepted: pa.Table, chunk_no: int) -> None:
        """Keep accepted rows aside until the batch commits."""
        ...

    def commit(self, session: Session) -> None:
        """Write staged rows inside the batch's final transaction."""
        ...


class LakeSink:
    """Stages Parquet files per month; the service publishes them after the commit."""

    def __init__(self, spec: FeedSpec, lake: Lake, batch_id: int, con: duckdb.DuckDBPyConnection) -> None:
        self.spec, self.lake, self.batch_id, self.con = spec, lake, batch_id, con

    def existing(self, good: pa.Table) -> pa.Table:
        """Read key, hash and version of matching keys from the lake and this batch's staging."""
        files = self.lake.files(self.spec.name) + self.lake.staged_files(self.batch_id, self.spec.name)
        if not files or good.num_rows == 0:
            return empty_existing(self.spec, good)
        keys = ", ".join(f'"{k}"' for k in self.spec.key)
        self.con.register("incoming_keys", good.select(list(self.spec.key)))
        table = self.con.sql(
            f"""
            SELECT {keys}, _hash, _version, _batch_id FROM {read_view_sql(files)}
            SEMI JOIN incoming_keys USING ({keys})
            QUALIFY row_number() OVER (PARTITION BY {keys} ORDER BY _version DESC) = 1
            """
        ).to_arrow_table()
        self.con.unregister("incoming_keys")
        return table

    def stage(self, accepted: pa.Table, chunk_no: int) -> None:
        """Write the chunk's rows as Parquet partitioned by month."""
        if accepted.num_rows == 0:
            return
        target = self.lake.batch_dir(self.batch_id) / self.spec.name
        target.mkdir(parents=True, exist_ok=True)
        self.con.register("accepted", accepted.drop_columns(list(_DROP_BEFORE_WRITE)))
        self.con.execute(
            f"""
            COPY (SELECT * EXCLUDE (_month), _month AS month FROM accepted)
            TO '{target}' (FORMAT parquet, PARTITION_BY (month), OVERWRITE_OR_IGNORE true,
                           FILENAME_PATTERN 'b{self.batch_id:08d}_c{chunk_no:05d}_{{i}}', COMPRESSION zstd)
            """
        )
        self.con.unregister("accepted")

    def commit(self, session: Session) -> None:
        """Nothing to write in the relational store: files are published after the commit."""


class RegisterSink:
    """Keeps register rows in memory and writes them as new versions in the final transaction."""

    def __init__(self, spec: FeedSpec, session: Session, batch_id: int) -> None:
        self.spec, self.batch_id = spec, batch_id
        self.table = REGISTER_TABLES[spec.name]
        self.pending: list[dict[str, Any]] = []
        key_columns = [self.table.c[k] for k in spec.key]
        rows = session.execute(
            select(
                *key_columns, self.table.c.content_hash, self.table.c.version, self.table.c.batch_id
            ).where(self.table.c.is_current)
        ).all()
        self.stored: dict[tuple[Any, ...], tuple[str, int, int]] = {
            tuple(r[: len(spec.key)]): (r.content_hash, r.version, r.batch_id) for r in rows
        }

    def existing(self, good: pa.Table) -> pa.Table:
        """Return stored and pending versions of the keys in `good`."""
        latest = dict(self.stored)
        for row in self.pending:
            latest[tuple(row[k] for k in self.spec.key)] = (
                row["content_hash"],
                row["version"],
                self.batch_id,
            )
        wanted = {tuple(r.values()) for r in good.select(list(self.spec.key)).to_pylist()}
        hits = [(key, value) for key, value in latest.items() if key in wanted]
        shape = empty_existing(self.spec, good)
        columns: dict[str, list[Any]] = {k: [key[i] for key, _ in hits] for i, k in enumerate(self.spec.key)}
        columns["_hash"] = [v[0] for _, v in hits]
        columns["_version"] = [v[1] for _, v in hits]
        columns["_batch_id"] = [v[2] for _, v in hits]
        return pa.table(columns, schema=shape.schema)

    def stage(self, accepted: pa.Table, chunk_no: int) -> None:
        """Hold the rows until commit."""
        for row in accepted.to_pylist():
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
