"""Where accepted rows go: the Parquet lake (facts) or a versioned register table (registers).

A sink works on DuckDB's temp tables of the chunk: `checked` (typed rows) and, after classification,
`accepted` (new keys and new versions).
"""

from __future__ import annotations

from typing import Any, Protocol

import duckdb
import pyarrow as pa
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cbec.feeds.models import REGISTER_TABLES
from cbec.feeds.spec import FeedSpec
from cbec.feeds.versioning import create_existing
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
        """Hash the stored rows whose keys come again, from the lake and this batch's staging."""
        files = self.lake.files(self.spec.name) + self.lake.staged_files(self.batch_id, self.spec.name)
        columns = ", ".join(f'"{c}"' for c in (*self.spec.names, "_extra", "_version", "_batch_id"))
        if not files:
            create_existing(
                self.con, self.spec, f"SELECT {columns} FROM checked, (SELECT 0 AS _version, 0 AS _batch_id) LIMIT 0"
            )
            return
        keys = _keys(self.spec)
        create_existing(
            self.con,
            self.spec,
            f"""SELECT {columns} FROM {read_view_sql(files)}
                SEMI JOIN (SELECT {keys} FROM checked WHERE _errors = '') USING ({keys})""",
        )

    def stage(self, chunk_no: int) -> None:
        """Write the accepted rows as Parquet, one file per month of the chunk."""
        target = self.lake.batch_dir(self.batch_id) / self.spec.name
        months = [row[0] for row in self.con.sql("SELECT DISTINCT _month FROM accepted").fetchall()]
        if len(months) == 1 and months[0] is not None:
            # The usual case: a chunk within one month is written straight to its partition.
            folder = target / f"month={months[0]}"
            folder.mkdir(parents=True, exist_ok=True)
            self.con.execute(
                f"""
                COPY (SELECT * EXCLUDE (_month) FROM accepted)
                TO '{folder / f"b{self.batch_id:08d}_c{chunk_no:05d}_0.parquet"}' (FORMAT parquet, COMPRESSION snappy)
                """
            )
            return
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

    def __init__(self, spec: FeedSpec, session: Session, batch_id: int, con: duckdb.DuckDBPyConnection) -> None:
        self.spec, self.batch_id, self.con = spec, batch_id, con
        self.table = REGISTER_TABLES[spec.name]
        self.pending: list[dict[str, Any]] = []
        wanted = [self.table.c[c] for c in (*spec.names, "extra", "version", "batch_id")]
        self.stored: list[dict[str, Any]] = [
            dict(r._mapping) for r in session.execute(select(*wanted).where(self.table.c.is_current))
        ]
        self.stored_keys = {tuple(r[k] for k in spec.key) for r in self.stored}

    def load_existing(self) -> None:
        """Hand DuckDB the stored and pending versions as `existing` (registers are small)."""
        names = (*self.spec.names, "_extra", "_version", "_batch_id")
        shape = self.con.sql(
            "SELECT " + ", ".join(f'"{c}"' for c in (*self.spec.names, "_extra")) + ", 0::INTEGER AS _version, "
            "0::BIGINT AS _batch_id FROM checked LIMIT 0"
        ).to_arrow_table()
        rows = [
            {
                **{c: r[c] for c in self.spec.names},
                "_extra": r["extra"],
                "_version": r["version"],
                "_batch_id": r["batch_id"],
            }
            for r in (*self.stored, *self.pending)
        ]
        schema = pa.schema([field.with_nullable(True) for field in shape.schema])
        self.con.register("register_rows", pa.Table.from_pylist(rows, schema=schema).select(list(names)))
        create_existing(self.con, self.spec, "SELECT * FROM register_rows")
        self.con.unregister("register_rows")

    def stage(self, chunk_no: int) -> None:
        """Hold the rows until commit."""
        for row in self.con.sql("SELECT * FROM accepted").to_arrow_table().to_pylist():
            record = {c.name: row[c.name] for c in self.spec.columns}
            record.update(
                version=row["_version"],
                is_current=True,
                batch_id=self.batch_id,
                source_line=row["_line"],
                supersedes_batch_id=row["_supersedes_batch"],
                extra=row["_extra"],
            )
            self.pending.append(record)

    def commit(self, session: Session) -> None:
        """Retire the versions being replaced and insert the new ones."""
        if not self.pending:
            return
        latest: dict[tuple[Any, ...], dict[str, Any]] = {}
        for record in self.pending:
            key = tuple(record[k] for k in self.spec.key)
            if key in self.stored_keys:
                session.execute(
                    update(self.table)
                    .where(*[self.table.c[k] == v for k, v in zip(self.spec.key, key, strict=True)])
                    .values(is_current=False)
                )
            if key in latest:
                latest[key]["is_current"] = False
            latest[key] = record
        session.execute(self.table.insert(), self.pending)
