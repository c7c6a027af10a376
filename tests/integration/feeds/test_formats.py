"""The same contract through JSON Lines, Parquet and ISO 20022 pacs.008 XML."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from cbec.feeds.service import ingest, list_quarantine
from cbec.storage.lake import read_view_sql
from cbec.storage.store import Store

from .samples import row

PACS = Path(__file__).resolve().parents[2] / "files" / "pacs008"


def _lake_rows(store: Store, feed: str) -> list[dict[str, object]]:
    with duckdb.connect() as con:
        con.execute("SET TimeZone = 'Asia/Shanghai'")
        return (
            con.sql(f"SELECT * FROM {read_view_sql(store.lake.files(feed))} ORDER BY _line")
            .to_arrow_table()
            .to_pylist()
        )


def test_pacs008_maps_transactions_to_payments(sqlite_settings_store: Store) -> None:
    (report,) = ingest(store=sqlite_settings_store, feed="payments", paths=[PACS / "two-payments.xml"])
    assert (report.file_format, report.read, report.accepted, report.quarantined) == ("xml", 2, 1, 1)
    (stored,) = _lake_rows(sqlite_settings_store, "payments")
    assert stored["payment_id"] == "TX-0001"
    assert stored["institution_id"] == "BANK-ICBC-ZJ"
    assert stored["amount"] == Decimal("25000.000000") and stored["currency"] == "USD"
    assert stored["direction"] == "inbound"  # US payer, CN payee
    assert stored["payer_type"] == "enterprise" and stored["enterprise_id"] == "91330100716105852F"
    assert stored["order_id"] == "ORD-9710-55"
    assert stored["initiated_at"].isoformat() == "2026-10-09T09:30:00+08:00"
    (bad,) = list_quarantine(store=sqlite_settings_store, feed="payments")
    assert bad.rule == "negative" and bad.line == 22 and "<IntrBkSttlmAmt" in bad.raw


def test_xml_bombs_and_external_entities_are_refused_unexpanded(sqlite_settings_store: Store) -> None:
    for name in ("billion-laughs.xml", "external-entity.xml"):
        (report,) = ingest(store=sqlite_settings_store, feed="payments", paths=[PACS / name])
        assert report.status == "rejected"
        assert report.errors_by_rule == {"xml_forbidden": 1}
        assert (report.read, report.accepted) == (0, 0)
    messages = [q.message for q in list_quarantine(store=sqlite_settings_store, rule="xml_forbidden")]
    assert len(messages) == 2 and all("XML bomb" in m for m in messages)
    assert "root:" not in "".join(q.raw for q in list_quarantine(store=sqlite_settings_store))


def test_truncated_xml_is_rejected_with_a_reason(sqlite_settings_store: Store) -> None:
    (report,) = ingest(store=sqlite_settings_store, feed="payments", paths=[PACS / "truncated.xml"])
    assert report.status == "rejected" and report.errors_by_rule == {"malformed_xml": 1}


def test_oversized_xml_is_refused_before_parsing(tmp_path: Path, sqlite_settings_store: Store) -> None:
    sqlite_settings_store.settings.xml_max_bytes = 1024
    big = tmp_path / "big.xml"
    big.write_bytes((PACS / "two-payments.xml").read_bytes() + b"<!-- " + b"x" * 2048 + b" -->")
    (report,) = ingest(store=sqlite_settings_store, feed="payments", paths=[big])
    assert report.errors_by_rule == {"file_too_large": 1}


def test_jsonl_keeps_exact_number_text_and_quarantines_broken_lines(tmp_path: Path, store: Store) -> None:
    good = row("payments", 1)
    as_number = dict(row("payments", 2))
    path = tmp_path / "payments.jsonl"
    lines = [
        json.dumps(good),
        json.dumps(as_number).replace('"amount": "125.40"', '"amount": 0.10000000000000001'),
        '{"payment_id": "PAY-9", ',
        "[1, 2]",
        json.dumps({**row("payments", 3), "amount": None}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (report,) = ingest(store=store, feed="payments", paths=[path])
    assert (report.read, report.accepted, report.quarantined) == (5, 1, 4)
    assert report.errors_by_rule == {"bad_decimal": 1, "malformed_json": 2, "required": 1}


def test_parquet_strings_load_and_float_amounts_are_refused(tmp_path: Path, store: Store) -> None:
    rows = [row("payments", i) for i in range(4)]
    strings = tmp_path / "payments.parquet"
    pq.write_table(pa.Table.from_pylist(rows), strings)
    (report,) = ingest(store=store, feed="payments", paths=[strings])
    assert (report.read, report.accepted) == (4, 4)

    floats = pa.Table.from_pylist([row("payments", i + 10) for i in range(3)])
    floats = floats.set_column(floats.schema.get_field_index("amount"), "amount", pa.array([1.5, 2.25, 3.0]))
    float_path = tmp_path / "floats.parquet"
    pq.write_table(floats, float_path)
    (report,) = ingest(store=store, feed="payments", paths=[float_path])
    assert (report.read, report.quarantined) == (3, 3)
    assert report.errors_by_rule == {"float_not_allowed": 3}
    assert [q.line for q in list_quarantine(store=store, rule="float_not_allowed")] == [3, 2, 1]


def test_read_side_shows_current_rows_and_all_versions(sqlite_settings_store: Store, tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text("\n".join(json.dumps(row("payments", i)) for i in range(3)) + "\n", encoding="utf-8")
    second.write_text(json.dumps({**row("payments", 1), "status": "refunded"}) + "\n", encoding="utf-8")
    ingest(store=sqlite_settings_store, feed="payments", paths=[first, second])
    from cbec.feeds.service import read_side

    con = read_side(store=sqlite_settings_store)
    current = con.sql("SELECT payment_id, status, _version FROM payments ORDER BY payment_id").fetchall()
    assert current == [("PAY-1-0", "succeeded", 1), ("PAY-1-1", "refunded", 2), ("PAY-1-2", "succeeded", 1)]
    assert con.sql("SELECT count(*), count(DISTINCT month) FROM payments_versions").fetchall() == [(4, 1)]


def test_blank_values_count_as_empty_and_padded_codes_are_refused(sqlite_settings_store: Store, tmp_path: Path) -> None:
    rows = [row("payments", i) for i in range(3)]
    rows[0]["payer_id"] = "   "  # required, only spaces
    rows[1]["payer_type"] = "  "  # optional, only spaces: empty, so accepted as null
    rows[2]["currency"] = " USD"  # padded code: not fixed silently
    path = tmp_path / "blank.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    (report,) = ingest(store=sqlite_settings_store, feed="payments", paths=[path])
    assert (report.accepted, report.quarantined) == (1, 2)
    assert report.errors_by_rule == {"required": 1, "too_long": 1}  # " USD" is four characters
    (stored,) = _lake_rows(sqlite_settings_store, "payments")
    assert stored["payment_id"] == "PAY-1-1" and stored["payer_type"] is None
