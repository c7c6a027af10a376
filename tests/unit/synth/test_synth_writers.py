"""Feed writers: CSV with minimal RFC 4180 quoting, JSON Lines of strings, Parquet of strings."""

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cbec.synth.writers import open_writer

TRICKY = ["plain", "a,b", 'say "hi"', "two\nlines", "tab\there", "back\\slash", "中文，标点", "", "\r"]
COLUMNS = ("key", "text")


def _table(values: list[str]) -> pa.Table:
    return pa.table({"key": [str(i) for i in range(len(values))], "text": values})


def test_csv_round_trips_through_the_csv_module(tmp_path: Path) -> None:
    writer = open_writer(tmp_path / "f.csv", COLUMNS, "csv")
    writer.write(_table(TRICKY))
    writer.write(_table(["second", "batch"]))
    writer.close()
    with (tmp_path / "f.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["text"] for r in rows] == [*TRICKY, "second", "batch"]
    assert writer.rows == len(TRICKY) + 2
    raw = (tmp_path / "f.csv").read_text(encoding="utf-8")
    assert raw.startswith('key,text\n0,plain\n1,"a,b"\n')  # only values that need quotes get them


def test_jsonl_lines_are_objects_of_strings(tmp_path: Path) -> None:
    writer = open_writer(tmp_path / "f.jsonl", COLUMNS, "jsonl")
    writer.write(_table(TRICKY))
    writer.close()
    lines = (tmp_path / "f.jsonl").read_text(encoding="utf-8").split("\n")
    assert lines[-1] == ""  # every line, the last included, ends with a newline
    rows = [json.loads(line) for line in lines[:-1]]
    assert [r["text"] for r in rows] == TRICKY
    assert all(list(r) == list(COLUMNS) and all(isinstance(v, str) for v in r.values()) for r in rows)


def test_jsonl_refuses_unescaped_control_characters(tmp_path: Path) -> None:
    writer = open_writer(tmp_path / "f.jsonl", COLUMNS, "jsonl")
    with pytest.raises(ValueError, match="control"):
        writer.write(_table(["bell\x07"]))
    writer.close()


def test_parquet_columns_are_all_strings(tmp_path: Path) -> None:
    writer = open_writer(tmp_path / "f.parquet", COLUMNS, "parquet")
    writer.write(_table(TRICKY))
    writer.close()
    table = pq.read_table(tmp_path / "f.parquet")
    assert table.schema == pa.schema([("key", pa.string()), ("text", pa.string())])
    assert table.column("text").to_pylist() == TRICKY


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown format"):
        open_writer(tmp_path / "f.xml", COLUMNS, "xml")  # type: ignore[arg-type]
