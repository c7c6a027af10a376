"""Append-only feed writers for CSV (UTF-8, minimal quoting), JSON Lines and Parquet, all strings."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, Literal, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

Format = Literal["csv", "parquet", "jsonl"]
EXTENSIONS: dict[str, str] = {"csv": "csv", "parquet": "parquet", "jsonl": "jsonl"}
_ENCODE_ROWS = 50_000  # rows joined at a time, keeping each joined buffer far below 2 GiB
_NEEDS_QUOTES = r'[",\r\n]'
_JSON_ESCAPES = (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"))
# Byte classes, so that a column without any special byte skips the (slow) per-value rewriting.
_CSV_SPECIAL = np.zeros(256, dtype=np.bool_)
_CSV_SPECIAL[list(b'",\r\n')] = True
_JSON_SPECIAL = np.zeros(256, dtype=np.bool_)
_JSON_SPECIAL[list(b'"\\') + list(range(32))] = True
_JSON_UNESCAPED = np.zeros(256, dtype=np.bool_)
_JSON_UNESCAPED[[b for b in range(32) if b not in b"\n\r\t"]] = True


class FeedWriter(Protocol):
    """Something that appends tables of one feed to a file."""

    rows: int

    def write(self, table: pa.Table) -> None:
        """Append a table whose columns are the feed's, in order."""

    def close(self) -> None:
        """Flush and close the file."""


def _raw(text: pa.Array) -> memoryview:
    """Return the bytes of a string array's values, concatenated."""
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32, count=len(text) + 1, offset=text.offset * 4)
    return memoryview(text.buffers()[2])[int(offsets[0]) : int(offsets[-1])]


def _contains(column: pa.Array, byte_class: np.ndarray) -> bool:
    """Tell whether any value of a string column contains a byte of the class."""
    return bool(byte_class[np.frombuffer(_raw(column), dtype=np.uint8)].any())


def _csv_field(column: pa.Array) -> pa.Array:
    """Quote a column's values where RFC 4180 requires it."""
    if not _contains(column, _CSV_SPECIAL):
        return column
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(column, '"', '""'), '"', "")
    return pc.if_else(pc.match_substring_regex(column, _NEEDS_QUOTES), quoted, column)


def _json_field(column: pa.Array) -> pa.Array:
    """Escape a column's values for a JSON string."""
    if not _contains(column, _JSON_SPECIAL):
        return column
    if _contains(column, _JSON_UNESCAPED):
        raise ValueError("control characters in generated text")
    for raw, escaped in _JSON_ESCAPES:
        column = pc.replace_substring(column, raw, escaped)
    return column


class _LineWriter:
    """Writes each row as one line built by vectorised string joins."""

    def __init__(self, path: Path, columns: tuple[str, ...], fmt: Format) -> None:
        self.columns = columns
        self.fmt = fmt
        self.rows = 0
        self._file: BinaryIO = path.open("wb")
        if fmt == "csv":
            self._file.write((",".join(columns) + "\n").encode("utf-8"))

    def _lines(self, table: pa.Table) -> pa.Array:
        """Return one encoded line per row."""
        values = [table.column(c).combine_chunks() for c in self.columns]
        if self.fmt == "csv":
            row = pc.binary_join_element_wise(*[_csv_field(v) for v in values], ",")
            return pc.binary_join_element_wise(row, "\n", "")
        pieces: list[pa.Array | str] = []
        for i, (name, value) in enumerate(zip(self.columns, values, strict=True)):
            opening = '{"' if i == 0 else '","'
            pieces += [f'{opening}{name}":"', _json_field(value)]
        pieces.append('"}\n')
        return pc.binary_join_element_wise(*pieces, "")

    def write(self, table: pa.Table) -> None:
        """Append a table."""
        for start in range(0, table.num_rows, _ENCODE_ROWS):
            self._file.write(_raw(self._lines(table.slice(start, _ENCODE_ROWS))))
        self.rows += table.num_rows

    def close(self) -> None:
        """Close the file."""
        self._file.close()


class _ParquetWriter:
    """Writes row groups of string columns."""

    def __init__(self, path: Path, columns: tuple[str, ...]) -> None:
        self.schema = pa.schema([(c, pa.string()) for c in columns])
        self.rows = 0
        self._writer = pq.ParquetWriter(path, self.schema)

    def write(self, table: pa.Table) -> None:
        """Append a table as one or more row groups."""
        self._writer.write_table(table.select(self.schema.names).cast(self.schema))
        self.rows += table.num_rows

    def close(self) -> None:
        """Write the footer and close the file."""
        self._writer.close()


def open_writer(path: Path, columns: tuple[str, ...], fmt: Format) -> FeedWriter:
    """Open a writer for one feed file in the given format."""
    if fmt == "parquet":
        return _ParquetWriter(path, columns)
    if fmt in ("csv", "jsonl"):
        return _LineWriter(path, columns, fmt)
    raise ValueError(f"unknown format {fmt!r}; use csv, parquet or jsonl")
