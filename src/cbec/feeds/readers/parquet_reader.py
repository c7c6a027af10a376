"""Parquet: read in row batches, every column turned into its string form."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cbec.feeds.readers.base import FileRejected, RawChunk, ReadInfo


def _to_string(column: pa.ChunkedArray | pa.Array) -> tuple[pa.Array | pa.ChunkedArray, str | None]:
    """Cast a column to strings, saying when its type itself breaks the contract."""
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return column.cast(pa.string()), None
    if pa.types.is_floating(kind):
        return column.cast(pa.string()), "float_not_allowed"
    if pa.types.is_timestamp(kind):
        if kind.tz is None:
            return pc.strftime(column, format="%Y-%m-%dT%H:%M:%S.%f"), None
        return pc.strftime(column, format="%Y-%m-%dT%H:%M:%S.%f%z"), None
    if pa.types.is_date(kind):
        return pc.strftime(column, format="%Y-%m-%d"), None
    return column.cast(pa.string()), None


def read_parquet(path: Path, chunk_rows: int, info: ReadInfo) -> Iterator[RawChunk]:
    """Yield chunks of a Parquet file; row numbers stand in for line numbers."""
    info.encoding = None
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise FileRejected("malformed_parquet", f"not a readable Parquet file: {exc}") from None
    info.columns = list(parquet.schema_arrow.names)
    first_row = 1
    emitted = False
    for batch in parquet.iter_batches(batch_size=chunk_rows):
        names, arrays, column_rules = [], [], {}
        for name, column in zip(batch.schema.names, batch.columns, strict=True):
            text, rule = _to_string(column)
            names.append(name)
            arrays.append(text)  # empty strings count as nulls in validation
            if rule:
                column_rules[name] = rule
        rows = batch.num_rows
        yield RawChunk(
            table=pa.table(dict(zip(names, arrays, strict=True))),
            lines=pa.array(range(first_row, first_row + rows), type=pa.int64()),
            raw=None,
            column_rules=column_rules,
        )
        first_row += rows
        emitted = True
    if not emitted:
        yield RawChunk(
            table=pa.table({n: pa.array([], pa.string()) for n in info.columns}),
            lines=pa.array([], pa.int64()),
            raw=None,
        )
