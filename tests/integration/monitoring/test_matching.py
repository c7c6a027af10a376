"""Three-document matching on hand-written documents: exactly which payments get which findings, and why."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from cbec.feeds.service import read_side
from cbec.monitoring.matching.run import REASONS, MatchResult, match_documents, match_rates
from cbec.storage.store import Store

from ..feeds.samples import ENTERPRISE
from .documents import fx_table, load

INSTITUTION = "PI-LIANLIAN"


@pytest.fixture
def con(sqlite_settings_store: Store, tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-side connection over the hand-written documents."""
    load(sqlite_settings_store, tmp_path / "documents")
    connection = read_side(store=sqlite_settings_store)
    yield connection
    connection.close()


@pytest.fixture
def october(con: duckdb.DuckDBPyConnection) -> MatchResult:
    """The matching of October 2026."""
    return match_documents(con, month="2026-10", fx=fx_table())


def _findings(result: MatchResult) -> dict[tuple[str, str], dict[str, object]]:
    return {(str(r["payment_id"]), str(r["reason"])): r for r in result.findings.to_pylist()}


def test_each_case_gets_exactly_its_findings_with_the_observed_value(october: MatchResult) -> None:
    found = {key: row["observed"] for key, row in _findings(october).items()}
    assert found == {
        ("PAY-NOORDER", "missing_order"): None,
        ("PAY-NOORDER", "missing_waybill"): None,
        ("PAY-NOORDER", "missing_declaration"): None,
        ("PAY-AMBIG", "ambiguous_order"): Decimal("2"),
        ("PAY-NOWB", "missing_waybill"): None,
        ("PAY-NODEC", "missing_declaration"): None,
        ("PAY-AMT", "amount_mismatch"): Decimal("0.072961"),  # 68 / 932; 100 / 900 from goods alone
        ("PAY-FX", "amount_mismatch"): Decimal("0.098592"),  # 7,800 CNY vs 7,100 CNY
        ("PAY-DECVAL", "amount_mismatch"): Decimal("0.200000"),  # declared 1,200 vs goods 1,000
        ("PAY-MIXED", "amount_mismatch"): Decimal("0.060563"),  # 3,550 + 3,120 CNY declared vs 7,100 CNY
        ("PAY-PAYER", "payer_not_buyer"): None,
        ("PAY-COUNTRY", "country_mismatch"): None,
        ("PAY-IMPORT", "country_mismatch"): None,
        ("PAY-LOST", "paid_not_shipped"): None,
        ("PAY-LATE", "paid_not_shipped"): Decimal("42"),
        ("PAY-DECPAY", "declaration_payment_mismatch"): None,
        ("PAY-DECWB", "declaration_waybill_mismatch"): None,
        ("PAY-NOFX", "fx_rate_missing"): None,
    }
    assert set(REASONS) == {reason for _, reason in found}


def test_every_finding_names_its_payment_documents_and_threshold(october: MatchResult) -> None:
    found = _findings(october)
    late = found[("PAY-LATE", "paid_not_shipped")]
    assert late["institution_id"] == INSTITUTION
    assert late["order_id"] == "ORD-LATE"
    assert late["enterprise_id"] == ENTERPRISE
    assert late["platform_id"] == "PF-AMZ"
    assert (late["threshold"], late["unit"], late["rule_version"]) == (Decimal(30), "days", 1)
    assert (late["waybill_ids"], late["declaration_ids"]) == (["WB-LATE"], ["DEC-LATE"])
    assert late["explanation_en"] == "paid but not shipped in time: first shipment 42.0 days after payment (> 30 days)"
    assert late["explanation_zh"] == "已付款未及时发货：首次发货在付款后 42.0 天，超过 30 天"
    ambiguous = found[("PAY-AMBIG", "ambiguous_order")]
    assert ambiguous["platform_id"] is None
    assert ambiguous["order_platform_ids"] == ["PF-A", "PF-B"]
    assert ambiguous["explanation_en"] == (
        "ambiguous order: order id ORD-AMBIG is reported by 2 platforms (PF-A, PF-B); "
        "cannot tell which one this payment pays"
    )
    missing = found[("PAY-NOORDER", "missing_order")]
    assert (missing["platform_id"], missing["order_platform_ids"]) == (None, [])
    assert missing["enterprise_id"] == ENTERPRISE  # from the payment when there is no order


def test_amount_findings_name_the_pair_and_both_amounts(october: MatchResult) -> None:
    found = _findings(october)
    amount = found[("PAY-AMT", "amount_mismatch")]
    assert amount["explanation_en"] == (
        "amount differs by 7.3% (> 5%): payment 1,000.00 USD vs order 932.00 USD "
        "(goods 900.00 USD + freight 32.00 USD + tax 0.00 USD; 11.1% from goods alone)"
    )
    assert amount["explanation_zh"] == (
        "金额差异 7.3% 超过 5%：支付 1,000.00 USD，订单 932.00 USD"
        "（货值 900.00 USD + 运费 32.00 USD + 税费 0.00 USD；与货值相比差异 11.1%）"
    )
    assert (amount["threshold"], amount["unit"]) == (Decimal("0.05"), "ratio")
    assert found[("PAY-FX", "amount_mismatch")]["explanation_en"] == (
        "amount differs by 9.9% (> 5%): payment 1,000.00 EUR (7,800.00 CNY) vs order 1,000.00 USD "
        "(7,100.00 CNY), compared in CNY at the rates of 2026-10-09"
    )
    assert found[("PAY-DECVAL", "amount_mismatch")]["explanation_en"] == (
        "declared value differs by 20.0% (> 5%): declaration 1,200.00 USD vs order goods value 1,000.00 USD"
    )
    assert found[("PAY-MIXED", "amount_mismatch")]["explanation_en"] == (
        "declared value differs by 6.1% (> 5%): declaration 6,670.00 CNY [EUR+USD] vs order goods value "
        "1,000.00 USD (7,100.00 CNY)"
    )
    assert found[("PAY-MIXED", "amount_mismatch")]["declaration_ids"] == ["DEC-MIXED", "DEC-MIXED-2"]
    assert found[("PAY-NOFX", "fx_rate_missing")]["explanation_en"] == (
        "cannot compare amounts: no FX rate for CHF on 2026-10-09"
    )


def test_document_disagreements_are_spelt_out(october: MatchResult) -> None:
    found = _findings(october)
    explained = {key: row["explanation_en"] for key, row in found.items()}
    assert explained[("PAY-PAYER", "payer_not_buyer")] == "payer STRANGER-1 is not the order's buyer BUYER-9"
    assert explained[("PAY-COUNTRY", "country_mismatch")] == (
        "countries disagree: waybill destination GB is not the buyer country US"
    )
    assert explained[("PAY-IMPORT", "country_mismatch")] == (
        "countries disagree: direct-mail import (mode 9610) shipped from CN; only bonded imports (1210) ship from CN"
    )
    assert found[("PAY-IMPORT", "country_mismatch")]["explanation_zh"] == (
        "国家不一致：直购进口（9610）运单起运国为 CN，只有保税进口（1210）从境内发货"
    )
    assert explained[("PAY-LOST", "paid_not_shipped")] == (
        "paid but not shipped: every waybill of order ORD-LOST is lost or returned (WB-LOST lost)"
    )
    assert explained[("PAY-DECPAY", "declaration_payment_mismatch")] == (
        "declaration names another payment than PAY-DECPAY: DEC-DECPAY → PAY-OTHER"
    )
    assert explained[("PAY-DECWB", "declaration_waybill_mismatch")] == (
        "declaration names a waybill that order ORD-DECWB does not have (its waybills: WB-DECWB): "
        "DEC-DECWB → WB-ELSEWHERE"
    )


def test_per_payment_rows_cover_every_order_linked_payment_of_the_month(october: MatchResult) -> None:
    rows = {r["payment_id"]: r for r in october.per_payment.to_pylist()}
    assert "PAY-NOID" not in rows and "PAY-NOV" not in rows
    assert len(rows) == 21
    matched = sorted(p for p, r in rows.items() if r["matched"])
    assert matched == ["PAY-BONDED", "PAY-CLEAN", "PAY-CLEAN-B", "PAY-FXOK"]
    assert rows["PAY-NOORDER"]["reasons"] == ["missing_order", "missing_waybill", "missing_declaration"]
    refund = rows["PAY-REFUND"]
    assert (refund["status"], refund["checked"], refund["matched"], refund["reasons"]) == (
        "refunded",
        False,
        None,
        [],
    )


def test_match_rates_count_checked_payments_and_report_refunds_apart(october: MatchResult) -> None:
    assert match_rates(october, "institution_id").to_pylist() == [
        {"institution_id": "PI-B", "payments": 1, "matched": 1, "rate": 1.0, "refunded_or_reversed": 0},
        {
            "institution_id": INSTITUTION,
            "payments": 19,
            "matched": 3,
            "rate": 3 / 19,
            "refunded_or_reversed": 1,
        },
    ]
    by_platform = {r["platform_id"]: r for r in match_rates(october, "platform_id").to_pylist()}
    assert by_platform["PF-B"] == {
        "platform_id": "PF-B",
        "payments": 1,
        "matched": 1,
        "rate": 1.0,
        "refunded_or_reversed": 0,
    }
    # Without a single order there is no platform: the missing, ambiguous and refunded-without-order ones.
    assert by_platform[None] == {
        "platform_id": None,
        "payments": 2,
        "matched": 0,
        "rate": 0.0,
        "refunded_or_reversed": 1,
    }
    assert by_platform["PF-AMZ"]["payments"] == 17
    (enterprise,) = match_rates(october, "enterprise_id").to_pylist()
    assert (enterprise["payments"], enterprise["matched"]) == (20, 4)


def test_all_months_include_november_and_nothing_is_left_on_the_connection(
    con: duckdb.DuckDBPyConnection,
) -> None:
    before = con.sql("SELECT count(*) FROM duckdb_tables() WHERE NOT internal").fetchall()
    result = match_documents(con, fx=fx_table())
    nov = {r["reason"] for r in result.findings.to_pylist() if r["payment_id"] == "PAY-NOV"}
    assert nov == {"missing_order"}
    assert result.per_payment.num_rows == 22
    assert con.sql("SELECT count(*) FROM duckdb_tables() WHERE NOT internal").fetchall() == before
    views = con.sql("SELECT view_name FROM duckdb_views() WHERE view_name LIKE '_match%'").fetchall()
    assert views == []


def test_a_looser_tolerance_accepts_the_smaller_differences(con: duckdb.DuckDBPyConnection) -> None:
    result = match_documents(con, month="2026-10", fx=fx_table(), tolerance=Decimal("0.08"))
    amounts = sorted(r["payment_id"] for r in result.findings.to_pylist() if r["reason"] == "amount_mismatch")
    assert amounts == ["PAY-DECVAL", "PAY-FX"]


def test_bad_arguments_are_refused(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ValueError, match="month must look like"):
        match_documents(con, month="2026-13", fx=fx_table())
    with pytest.raises(ValueError, match="tolerance"):
        match_documents(con, fx=fx_table(), tolerance=Decimal("5"))


def test_a_lake_without_documents_yields_empty_tables(sqlite_settings_store: Store) -> None:
    con = read_side(store=sqlite_settings_store)
    result = match_documents(con, fx=fx_table())
    assert (result.findings.num_rows, result.per_payment.num_rows) == (0, 0)
    assert "reasons" in result.per_payment.column_names
    assert match_rates(result, "platform_id").num_rows == 0
