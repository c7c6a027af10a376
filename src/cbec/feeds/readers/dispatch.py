"""Pick the reader for a file by its extension (or the format named by the caller)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from cbec.feeds.readers.base import FileRejected, RawChunk, ReadInfo
from cbec.feeds.readers.csv_reader import read_csv
from cbec.feeds.readers.jsonl_reader import read_jsonl
from cbec.feeds.readers.pacs008_reader import read_pacs008
from cbec.feeds.readers.parquet_reader import read_parquet

_EXTENSIONS = {
    ".csv": "csv",
    ".txt": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xml": "xml",
}


def detect_format(path: Path) -> str:
    """Name a file's format from its extension."""
    try:
        return _EXTENSIONS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(_EXTENSIONS))
        raise FileRejected("unknown_format", f"cannot tell the format of {path.name}; use one of {known}") from None


def read_chunks(
    path: Path, file_format: str, info: ReadInfo, *, chunk_rows: int, xml_max_bytes: int
) -> Iterator[RawChunk]:
    """Yield the file's chunks with the matching reader."""
    info.file_format = file_format
    if file_format == "csv":
        return read_csv(path, chunk_rows, info)
    if file_format == "jsonl":
        return read_jsonl(path, chunk_rows, info)
    if file_format == "parquet":
        return read_parquet(path, chunk_rows, info)
    if file_format == "xml":
        return read_pacs008(path, chunk_rows, info, xml_max_bytes)
    raise FileRejected("unknown_format", f"unknown format {file_format!r}")
