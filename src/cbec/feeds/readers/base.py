"""What every reader hands to validation: raw string columns with their line numbers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pyarrow as pa


@dataclass(frozen=True)
class RowProblem:
    """A row that could not even be read into columns (bad encoding, bad JSON, wrong field count)."""

    line: int
    rule: str
    detail: str
    raw: str


@dataclass
class RawChunk:
    """Up to chunk-size rows of one file, every value a string or null.

    `table` has the file's own column names; `lines` gives each row's line (or row number) in the
    file; `raw` its original text when the reader has it cheaply (None means: rebuild on demand).
    `column_rules` names columns whose every value breaks a rule (e.g. float amounts in Parquet).
    """

    table: pa.Table
    lines: pa.Array
    raw: pa.Array | None
    problems: list[RowProblem] = field(default_factory=list)
    column_rules: dict[str, str] = field(default_factory=dict)

    @property
    def read(self) -> int:
        """Return how many rows this chunk read, readable or not."""
        return int(self.table.num_rows) + len(self.problems)


class FileRejected(Exception):
    """The whole file is unusable (empty, XML with a DTD, too large, not the format it claims)."""

    def __init__(self, rule: str, detail: str, raw: str = "") -> None:
        super().__init__(f"{rule}: {detail}")
        self.rule = rule
        self.detail = detail
        self.raw = raw


WIDE_BOMS = {
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\xfe\xff": "UTF-16",
    b"\xff\xfe": "UTF-16",
}


def refuse_wide_encoding(sample: bytes) -> None:
    """Refuse a text file in UTF-16 or UTF-32 (by its byte order mark, or by the NUL bytes such text is full of).

    Read as UTF-8 such a file would quarantine every row one by one; refused whole, the sender learns why.
    """
    for bom, name in WIDE_BOMS.items():
        if sample.startswith(bom):
            raise FileRejected("wrong_encoding", f"the file is {name}; send UTF-8 (or GB18030 for CSV)")
    head = sample[:4096]
    if head and head.count(0) * 4 >= len(head):
        raise FileRejected("wrong_encoding", "the file is full of NUL bytes (UTF-16?); send UTF-8 (or GB18030)")


@dataclass
class ReadInfo:
    """What a reader learnt about the file as a whole."""

    file_format: str
    encoding: str | None = None
    columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def string_table(columns: list[str], values: list[list[str | None]]) -> pa.Table:
    """Build a table of string columns from column-major values."""
    return pa.table({name: pa.array(col, type=pa.string()) for name, col in zip(columns, values, strict=True)})


def text_chunk(
    columns: list[str],
    values: list[list[str | None]],
    lines: Sequence[int],
    raws: Sequence[str],
    problems: list[RowProblem] | None = None,
) -> RawChunk:
    """Build the chunk of a text reader: string columns, each row's line and its original text."""
    return RawChunk(
        table=string_table(columns, values),
        lines=pa.array(lines, type=pa.int64()),
        raw=pa.array(raws, type=pa.string()),
        problems=problems if problems is not None else [],
    )
