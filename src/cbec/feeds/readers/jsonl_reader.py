"""JSON Lines: one object a line; numbers keep their exact text, never become floats."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cbec.feeds.readers.base import FileRejected, RawChunk, ReadInfo, RowProblem, refuse_wide_encoding, text_chunk


def _as_text(value: Any) -> str | None:
    """Turn a JSON value into the string a CSV cell would hold."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value if value != "" else None
    return json.dumps(value, ensure_ascii=False)


def read_jsonl(path: Path, chunk_rows: int, info: ReadInfo) -> Iterator[RawChunk]:
    """Yield chunks of a JSON Lines file; a line that is not a JSON object becomes a problem."""
    info.encoding = "utf-8"
    seen_any = False
    rows: list[dict[str, str | None]] = []
    numbers: list[int] = []
    raws: list[str] = []
    problems: list[RowProblem] = []
    columns: dict[str, None] = {}
    with path.open("rb") as handle:
        refuse_wide_encoding(handle.read(4096))
        handle.seek(0)
        for lineno, data in enumerate(handle, start=1):
            seen_any = seen_any or bool(data.strip())
            try:
                text = data.decode("utf-8-sig" if lineno == 1 else "utf-8").strip()
            except UnicodeDecodeError as exc:
                raw = data.decode("utf-8", errors="backslashreplace").strip()
                problems.append(RowProblem(lineno, "encoding", f"not valid UTF-8: {exc.reason}", raw))
                continue
            if not text:
                continue
            try:
                obj = json.loads(text, parse_float=str, parse_int=str)
            except json.JSONDecodeError as exc:
                rule = "truncated_row" if not data.endswith(b"\n") else "malformed_json"
                problems.append(RowProblem(lineno, rule, f"not JSON: {exc.msg} at column {exc.colno}", text))
                continue
            if not isinstance(obj, dict):
                problems.append(RowProblem(lineno, "malformed_json", "a line must hold one JSON object", text))
                continue
            rows.append({str(k): _as_text(v) for k, v in obj.items()})
            columns.update(dict.fromkeys(rows[-1]))
            numbers.append(lineno)
            raws.append(text)
            if len(rows) >= chunk_rows:
                yield _chunk(rows, columns, numbers, raws, problems)
                rows, numbers, raws, problems = [], [], [], []
    if not seen_any:
        raise FileRejected("empty_file", "the file has no rows")
    info.columns = list(columns)
    yield _chunk(rows, columns, numbers, raws, problems)


def _chunk(
    rows: list[dict[str, str | None]],
    columns: dict[str, None],
    numbers: list[int],
    raws: list[str],
    problems: list[RowProblem],
) -> RawChunk:
    names = list(columns)
    values = [[row.get(name) for row in rows] for name in names]
    present = {name for row in rows for name in row}
    chunk = text_chunk(names, values, numbers, raws, problems)
    # A key absent from every row of the chunk counts as a missing column, as in a CSV header.
    chunk.table = chunk.table.select([n for n in names if n in present])
    return chunk
