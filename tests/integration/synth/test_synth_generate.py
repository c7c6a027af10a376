"""A generated 10k-payment month: contract columns, valid values, determinism, formats."""

import datetime as dt
import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cbec.core.ids import is_valid_uscc
from cbec.synth import SynthResult, generate
from cbec.synth.columns import FEED_COLUMNS, FEEDS

Feed = Callable[[str], list[dict[str, str]]]
CsvRows = Callable[[Path], list[dict[str, str]]]
MONTH = "2024-03"  # the month the shared fixture generates
ALL_FEEDS = (
    "payments",
    "orders",
    "waybills",
    "declarations",
    "enterprises",
    "institutions",
    "platforms",
    "filings",
    "inspections",
    "complaints",
    "reviews",
    "listings",
    "trademarks",
    "security_incidents",
    "trade_statistics",
    "job_postings",
    "employment_records",
    "training_programmes",
    "education_events",
    "brand_recognitions",
    "patents",
    "copyrights",
    "customs_recordations",
)
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00")
AMOUNT = re.compile(r"\d+\.\d{2}")
TIMESTAMP_COLUMNS = {
    "payments": ("initiated_at", "confirmed_at"),
    "orders": ("ordered_at",),
    "waybills": ("shipped_at", "delivered_at"),
    "declarations": ("declared_at", "cleared_at"),
    "complaints": ("received_at",),
    "reviews": ("posted_at",),
    "security_incidents": ("reported_at", "responded_at", "fixed_at"),
}
AMOUNT_COLUMNS = {
    "payments": ("amount",),
    "orders": ("goods_value", "freight", "tax"),
    "waybills": ("declared_value", "weight_kg"),
    "declarations": ("declared_value",),
    "complaints": ("amount_claimed",),
    "listings": ("price",),
    "job_postings": ("salary_min", "salary_max"),
}


def test_every_feed_is_written_with_exactly_the_contract_columns(
    month_10k: tuple[SynthResult, float],
) -> None:
    result, _ = month_10k
    assert tuple(result.files) == FEEDS == ALL_FEEDS
    for feed, path in result.files.items():
        assert path == result.out_dir / f"{feed}.csv"
        header = path.read_text(encoding="utf-8").split("\n", 1)[0]
        assert tuple(header.split(",")) == FEED_COLUMNS[feed], feed
    assert result.labels_file.read_text(encoding="utf-8").startswith("feed,key,institution_id,pattern\n")


def test_row_counts_are_reported_and_proportionate(month_10k: tuple[SynthResult, float], feed: Feed) -> None:
    result, _ = month_10k
    for name in ALL_FEEDS:
        assert result.rows[name] == len(feed(name)), name
    rows = result.rows
    assert rows["payments"] == 10_000
    assert rows["enterprises"] == 200 and rows["institutions"] == 12 and rows["platforms"] == 8
    assert 9_000 < rows["orders"] < 10_000 and rows["waybills"] == rows["declarations"] < rows["orders"]
    assert 0 < rows["security_incidents"] <= 12
    assert result.labels == len(feed("labels"))
    assert result.scale_factor == Decimal("0.0001")
    assert result.month == MONTH


def test_timestamps_are_beijing_iso_and_amounts_are_two_place_decimals(feed: Feed) -> None:
    for name, columns in TIMESTAMP_COLUMNS.items():
        for row in feed(name):
            for column in columns:
                assert row[column] == "" or TIMESTAMP.fullmatch(row[column]), (name, column, row[column])
    for name, columns in AMOUNT_COLUMNS.items():
        for row in feed(name):
            for column in columns:
                assert row[column] == "" or AMOUNT.fullmatch(row[column]), (name, column, row[column])
    start, end = (
        dt.datetime.fromisoformat("2024-03-01T00:00:00+08:00"),
        dt.datetime.fromisoformat("2024-04-01T00:00:00+08:00"),
    )
    assert all(start <= dt.datetime.fromisoformat(p["initiated_at"]) < end for p in feed("payments"))


def test_codes_are_from_their_vocabularies(feed: Feed) -> None:
    payments = feed("payments")
    assert {p["channel"] for p in payments} == {"wire", "card", "third_party", "local_wallet", "e_cny"}
    assert {p["direction"] for p in payments} == {"inbound", "outbound", "domestic"}
    assert {p["status"] for p in payments} == {"succeeded", "failed", "reversed", "refunded"}
    assert all(re.fullmatch(r"[A-Z]{2}", p[c]) for p in payments for c in ("payer_country", "payee_country"))
    assert all(re.fullmatch(r"[A-Z]{3}", p["currency"]) for p in payments)
    assert {o["mode"] for o in feed("orders")} == {"9610", "9710", "9810", "1210"}
    assert {w["status"] for w in feed("waybills")} <= {"in_transit", "delivered", "returned", "lost"}
    assert {r["rating"] for r in feed("reviews")} == {"1", "2", "3", "4", "5"}
    institutions = {i["institution_id"] for i in feed("institutions")}
    assert {p["institution_id"] for p in payments} <= institutions


def test_enterprise_ids_are_valid_zhejiang_unified_social_credit_codes(feed: Feed) -> None:
    enterprises = feed("enterprises")
    ids = {e["enterprise_id"] for e in enterprises}
    assert len(ids) == 200 and all(is_valid_uscc(code) and code[2:4] == "33" for code in ids)
    for name in ("payments", "orders", "declarations", "filings", "listings", "job_postings", "reviews"):
        assert {r["enterprise_id"] for r in feed(name)} - {""} <= ids, name


def test_hangzhou_has_the_most_enterprises(feed: Feed) -> None:
    counts: dict[str, int] = {}
    for e in feed("enterprises"):
        counts[e["city"]] = counts.get(e["city"], 0) + 1
    assert len(counts) == 11
    ranked = sorted(counts, key=lambda city: -counts[city])
    assert ranked[:3] == ["杭州市", "宁波市", "金华市"]


def test_same_arguments_give_identical_bytes_and_another_seed_differs(
    month_10k: tuple[SynthResult, float], tmp_path: Path
) -> None:
    first, _ = month_10k
    again = generate(out_dir=tmp_path / "again", month=MONTH, payments=10_000, seed=7)
    for name, path in first.files.items():
        assert path.read_bytes() == again.files[name].read_bytes(), name
    assert first.labels_file.read_bytes() == again.labels_file.read_bytes()
    assert first.outcomes_file.read_bytes() == again.outcomes_file.read_bytes()
    assert first.customs_grades_file.read_bytes() == again.customs_grades_file.read_bytes()
    other = generate(out_dir=tmp_path / "other", month=MONTH, payments=10_000, seed=8)
    assert other.files["payments"].read_bytes() != first.files["payments"].read_bytes()
    assert other.labels_file.read_bytes() != first.labels_file.read_bytes()


def test_parquet_and_jsonl_hold_the_same_rows_as_strings(
    month_10k: tuple[SynthResult, float], csv_rows: CsvRows, tmp_path: Path
) -> None:
    first, _ = month_10k
    as_parquet = generate(out_dir=tmp_path / "pq", month=MONTH, payments=10_000, fmt="parquet")
    as_jsonl = generate(out_dir=tmp_path / "js", month=MONTH, payments=10_000, fmt="jsonl")
    for name in ("payments", "complaints", "enterprises", "trademarks"):
        expected = csv_rows(first.files[name])
        table = pq.read_table(as_parquet.files[name])
        assert all(str(t) == "string" for t in table.schema.types), name
        assert table.to_pylist() == expected, name
        lines = as_jsonl.files[name].read_text(encoding="utf-8").splitlines()
        assert [json.loads(line) for line in lines] == expected, name
    assert as_parquet.files["payments"].suffix == ".parquet" and as_jsonl.files["payments"].suffix == ".jsonl"


def test_progress_is_reported_per_feed(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    generate(out_dir=tmp_path, month="2023-11", payments=2_000, progress=lambda *call: calls.append(call))
    assert calls[0] == ("payments", 2_000, 2_000)
    assert {name for name, _, _ in calls} == set(ALL_FEEDS) - {
        "orders",
        "waybills",
        "declarations",
        "complaints",
        "reviews",
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"payments": 999}, "at least"),
        ({"month": "2024/03"}, "month"),
        ({"fmt": "xml"}, "format"),
        ({"seed": -1}, "seed"),
    ],
)
def test_bad_arguments_are_refused(tmp_path: Path, kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"out_dir": tmp_path, "month": MONTH, "payments": 1_000} | kwargs
    with pytest.raises(ValueError, match=message):
        generate(**arguments)  # type: ignore[arg-type]
