"""Build, for any feed, files with every kind of broken row the contract must survive."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cbec.feeds.catalog import FEEDS
from cbec.feeds.spec import Column, FeedSpec, Kind

from .samples import ENTERPRISE, row


@dataclass(frozen=True)
class Expect:
    """One line of a test file and what loading it must give."""

    kind: str
    line: int
    outcome: str  # "accepted", "duplicate" or the quarantine rule


def _csv_line(values: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()


def _first(spec: FeedSpec, kind: Kind, *, non_key: bool = False, unsigned: bool = False) -> Column | None:
    for column in spec.columns:
        if column.kind is kind and not (non_key and column.name in spec.key) and not (unsigned and column.signed):
            return column
    return None


def _value_mutations(spec: FeedSpec) -> list[tuple[str, str, str, str]]:
    """Return (kind, column, bad value, rule) for the column kinds this feed has."""
    found: list[tuple[str, str, str, str]] = []

    def add(kind: str, column: Column | None, value: str | Callable[[Column], str], rule: str) -> None:
        if column is not None:
            found.append((kind, column.name, value(column) if callable(value) else value, rule))

    required = next(c for c in spec.columns if c.required and c.name not in spec.key)
    add("missing required value", required, "", "required")
    add("bad timestamp", _first(spec, Kind.TIMESTAMP), "2026-02-30T10:00:00", "bad_timestamp")
    add("timestamp without time", _first(spec, Kind.TIMESTAMP), "2026-10-01", "bad_timestamp")
    add("bad date", _first(spec, Kind.DATE), "2026/10/01", "bad_date")
    add("bad amount", _first(spec, Kind.DECIMAL), "12,50", "bad_decimal")
    add("negative amount", _first(spec, Kind.DECIMAL, unsigned=True), "-3.00", "negative")
    add("unknown currency", _first(spec, Kind.CURRENCY), "XYZ", "unknown_currency")
    add("unknown country", _first(spec, Kind.COUNTRY), "ZZ", "unknown_country")
    add(
        "bad credit code check character",
        _first(spec, Kind.USCC, non_key=True),
        ENTERPRISE[:-1] + "A",
        "bad_credit_code",
    )
    add("value not allowed", _first(spec, Kind.ENUM), "bogus", "not_allowed")
    add("bad integer", _first(spec, Kind.INTEGER), "3.5", "bad_integer")
    add("not a Zhejiang city", _first(spec, Kind.CITY), "上海市", "unknown_city")
    add("bad year", _first(spec, Kind.YEAR), "20x3", "bad_year")
    text = _first(spec, Kind.TEXT, non_key=True) or _first(spec, Kind.TEXT)
    add("over-long field", text, lambda c: "长" * (c.limit + 1), "too_long")
    add("control character (NUL) in a field", text, "C00\x0006", "control_character")
    return found


def broken_csv(feed: str, folder: Path) -> tuple[Path, list[Expect]]:
    """Write a CSV of one feed mixing good rows with every applicable broken-row kind."""
    spec = FEEDS[feed]
    names = list(spec.names)
    lines: list[bytes] = [_csv_line(names).encode()]
    expects: list[Expect] = []

    def put(kind: str, data: bytes, outcome: str) -> None:
        lines.append(data)
        expects.append(Expect(kind, len(lines), outcome))

    base = row(feed, 0)
    put("valid row", _csv_line(list(base.values())).encode(), "accepted")
    put("exact duplicate row", _csv_line(list(base.values())).encode(), "duplicate")
    n = 1
    for kind, column, value, rule in _value_mutations(spec):
        values = row(feed, n)
        values[column] = value
        put(kind, _csv_line(list(values.values())).encode(), rule)
        n += 1
    changed = dict(base)
    text = next((c for c in spec.columns if c.name not in spec.key and c.kind is Kind.TEXT), None)
    if text is not None:
        changed[text.name] = base[text.name] + " (changed)"
    elif (stamp := _first(spec, Kind.TIMESTAMP, non_key=True)) is not None:
        changed[stamp.name] = "2026-10-11T11:11:11+08:00"
    else:  # a feed of counts (employment_records): another count under the same key
        count = _first(spec, Kind.INTEGER, non_key=True)
        assert count is not None
        changed[count.name] = str(int(base[count.name]) + 1)
    put("same key, other content", _csv_line(list(changed.values())).encode(), "duplicate_key")
    put("valid row 2", _csv_line(list(row(feed, 90).values())).encode(), "accepted")
    bad_bytes = _csv_line(list(row(feed, 91).values())).encode().replace(b",", b",\xff\xfe", 1)
    put("wrong encoding (invalid bytes)", bad_bytes, "encoding")
    put("too many fields", _csv_line([*row(feed, 92).values(), "surplus"]).encode(), "too_many_fields")
    put("too few fields", _csv_line(list(row(feed, 93).values())[:2]).encode(), "too_few_fields")
    truncated = _csv_line(list(row(feed, 94).values()))
    put("truncated last line", truncated[: len(truncated) // 2].encode(), "truncated_row")
    path = folder / f"{feed}-broken.csv"
    path.write_bytes(b"".join(lines))
    return path, expects


def file_cases(feed: str, folder: Path) -> dict[str, tuple[Path, dict[str, object]]]:
    """Write whole-file cases and what each must give: counts, status, encoding."""
    spec = FEEDS[feed]
    names = list(spec.names)
    good = _csv_line(list(row(feed, 200).values()))
    cases: dict[str, tuple[Path, dict[str, object]]] = {}

    def write(name: str, data: bytes, expect: dict[str, object]) -> None:
        path = folder / f"{feed}-{name}.csv"
        path.write_bytes(data)
        cases[name] = (path, expect)

    header = _csv_line(names)
    write("bom", b"\xef\xbb\xbf" + (header + good).encode(), {"accepted": 1, "read": 1, "encoding": "utf-8-sig"})
    chinese = dict(row(feed, 201))
    text_column = next((c for c in spec.columns if c.kind is Kind.TEXT and c.name not in spec.key), None)
    if text_column is not None:
        chinese[text_column.name] = "浙江省杭州市滨江区"
    write(
        "gb18030",
        (header + _csv_line(list(chinese.values()))).encode("gb18030"),
        {"accepted": 1, "read": 1, "encoding": "gb18030"},
    )
    write("empty", b"", {"read": 0, "status": "rejected", "rule": "empty_file"})
    write("header-only", header.encode(), {"read": 0, "accepted": 0, "status": "committed"})
    extra = _csv_line([*names, "merchant_note"]) + _csv_line([*row(feed, 202).values(), "kept"])
    write("extra-columns", extra.encode(), {"accepted": 1, "read": 1})
    dropped = next(c.name for c in spec.columns if c.required and c.name not in spec.key)
    without = [n for n in names if n != dropped]
    body = "".join(_csv_line([row(feed, 210 + i)[n] for n in without]) for i in range(3))
    write(
        "missing-column",
        (_csv_line(without) + body).encode(),
        {"read": 0, "status": "rejected", "rule": "missing_column", "reason": dropped},
    )
    write("utf-16", (header + good).encode("utf-16"), {"read": 0, "status": "rejected", "rule": "wrong_encoding"})
    return cases
