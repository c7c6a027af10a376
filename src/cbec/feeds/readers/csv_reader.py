"""CSV in UTF-8 (with or without BOM) or GB18030/GBK, detected, read line by line."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from cbec.feeds.readers.base import FileRejected, RawChunk, ReadInfo, RowProblem, refuse_wide_encoding, text_chunk

SAMPLE_BYTES = 4 * 1024 * 1024
UTF8_BOM = b"\xef\xbb\xbf"


def detect_encoding(sample: bytes) -> str:
    """Name the encoding of a CSV sample: utf-8-sig, utf-8 or gb18030."""
    if sample.startswith(UTF8_BOM):
        return "utf-8-sig"
    lines = sample.split(b"\n")
    if len(sample) == SAMPLE_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line of a cut sample may end mid-character
    utf8_bad = sum(1 for line in lines if not _decodes(line, "utf-8"))
    if utf8_bad == 0:
        return "utf-8"
    gb_bad = sum(1 for line in lines if not _decodes(line, "gb18030"))
    return "gb18030" if gb_bad < utf8_bad else "utf-8"


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


class _Lines:
    """Decode binary lines one by one, keeping the raw text of the current row and bad lines aside."""

    def __init__(self, handle: io.BufferedReader, encoding: str) -> None:
        self.handle = handle
        self.encoding = "utf-8" if encoding == "utf-8-sig" else encoding
        self.lineno = 0
        self.pending: list[str] = []
        self.bad: list[RowProblem] = []
        self.ended_without_newline = False

    def __iter__(self) -> Iterator[str]:
        for data in self.handle:
            self.lineno += 1
            if self.lineno == 1 and data.startswith(UTF8_BOM):
                data = data[len(UTF8_BOM) :]
            self.ended_without_newline = not data.endswith(b"\n")
            try:
                text = data.decode(self.encoding)
            except UnicodeDecodeError as exc:
                raw = data.decode(self.encoding, errors="backslashreplace").rstrip("\r\n")
                self.bad.append(RowProblem(self.lineno, "encoding", f"not valid {self.encoding}: {exc.reason}", raw))
                continue
            self.pending.append(text)
            yield text

    def take_row(self) -> tuple[int, str]:
        """Return the first line number and raw text of the row just parsed."""
        raw = "".join(self.pending).rstrip("\r\n")
        first = self.lineno - len(self.pending) + 1
        self.pending.clear()
        return first, raw


def read_csv(path: Path, chunk_rows: int, info: ReadInfo) -> Iterator[RawChunk]:
    """Yield chunks of a CSV file; rows with a wrong field count or bad bytes become problems."""
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
        if not sample.strip(UTF8_BOM + b" \r\n\t"):
            raise FileRejected("empty_file", "the file has no header and no rows")
        refuse_wide_encoding(sample)
        info.encoding = detect_encoding(sample)
        handle.seek(0)
        lines = _Lines(handle, info.encoding)
        reader = csv.reader(lines, strict=True)
        header = _read_header(reader, lines)
        info.columns = header
        width = len(header)
        yield from _chunks(reader, lines, header, width, chunk_rows)


def _read_header(reader: Iterator[list[str]], lines: _Lines) -> list[str]:
    try:
        header = next(reader)
    except StopIteration:
        raise FileRejected("empty_file", "the file has no header and no rows") from None
    except csv.Error as exc:
        raise FileRejected("malformed_header", f"the header line cannot be parsed: {exc}") from None
    lines.take_row()
    if lines.bad and lines.bad[0].line == 1:
        raise FileRejected("wrong_encoding", f"the header line is not valid {lines.encoding}: send UTF-8 or GB18030")
    if any("\x00" in name for name in header):
        raise FileRejected("wrong_encoding", "the header holds NUL bytes: send UTF-8 or GB18030")
    names = [name.strip() for name in header]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise FileRejected("duplicate_header", f"columns named twice in the header: {', '.join(dupes)}")
    return names


def _chunks(
    reader: Iterator[list[str]], lines: _Lines, header: list[str], width: int, chunk_rows: int
) -> Iterator[RawChunk]:
    columns: list[list[str | None]] = [[] for _ in header]
    numbers: list[int] = []
    raws: list[str] = []
    problems: list[RowProblem] = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            line, raw = lines.take_row()
            rule = "truncated_row" if "end of data" in str(exc) else "malformed_csv"
            problems.append(RowProblem(line, rule, str(exc), raw))
            continue
        line, raw = lines.take_row()
        if not row:
            continue  # a blank line is not a row
        if len(row) != width:
            rule = _width_rule(len(row), width, lines)
            problems.append(RowProblem(line, rule, f"{len(row)} fields where the header has {width}", raw))
            continue
        for target, value in zip(columns, row, strict=True):
            target.append(value if value != "" else None)
        numbers.append(line)
        raws.append(raw)
        if len(numbers) >= chunk_rows:
            yield _make_chunk(header, columns, numbers, raws, problems + _drain(lines))
            columns, numbers, raws, problems = [[] for _ in header], [], [], []
    yield _make_chunk(header, columns, numbers, raws, problems + _drain(lines))


def _width_rule(fields: int, width: int, lines: _Lines) -> str:
    if fields < width and lines.ended_without_newline:
        return "truncated_row"
    return "too_few_fields" if fields < width else "too_many_fields"


def _drain(lines: _Lines) -> list[RowProblem]:
    bad, lines.bad = lines.bad, []
    return bad


def _make_chunk(
    header: list[str],
    columns: list[list[str | None]],
    numbers: list[int],
    raws: list[str],
    problems: list[RowProblem],
) -> RawChunk:
    return text_chunk(header, columns, numbers, raws, sorted(problems, key=lambda p: p.line))
