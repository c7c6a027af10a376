"""Triage of a monitored month: large-value reports to their register by local day, never into the review queue;
one risk score per payment; only what passes opens an item; the export lists the queue, one row per payment."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import select, update
from tests.integration.monitoring.triage_month import MONTH, ROWS, load_rows, payment, triage_with_model

from cbec.auth.domain import Principal
from cbec.core.clock import SHANGHAI
from cbec.monitoring import service
from cbec.monitoring.triage.models import LargeValueReport, ReviewItem
from cbec.storage.store import Store


@pytest.fixture
def loaded(store: Store, tmp_path: Path) -> Iterator[Store]:
    """The store with the hand-made month's payments loaded."""
    yield load_rows(store, tmp_path)


def test_large_value_days_go_to_the_register_with_due_dates_and_never_to_the_queue(loaded: Store) -> None:
    summary = service.run_month(store=loaded, month=MONTH, matching=False, graph=False)
    assert {r for r in summary.by_rule if r.startswith("CN-LV-")} == {"CN-LV-IND-OUT-CNY", "CN-LV-ENT-OUT-FX"}
    assert summary.large_value_reports == 2
    reports = service.list_reports(store=loaded, month=MONTH)
    by_customer = {r["customer_id"]: r for r in reports}
    assert set(by_customer) == {"I1", "E1"}
    i1, e1 = by_customer["I1"], by_customer["E1"]
    calendar = loaded.calendar()
    assert (i1["institution_id"], i1["trade_date"], i1["rule_id"]) == ("PI-A", "2026-10-09", "CN-LV-IND-OUT-CNY")
    assert (i1["payment_count"], i1["total_cny"], i1["payment_ids"]) == (2, Decimal("210000.00"), ["P1", "P2"])
    assert i1["due_on"] == calendar.add_working_days(date(2026, 10, 9), 5).isoformat()
    assert i1["due_on"] == "2026-10-15"  # Saturday the 10th is an adjusted working day: 10, 12, 13, 14, 15
    assert (i1["customer_type"], i1["direction"], i1["status"]) == ("individual", "outbound", "due")
    assert "第五条" in i1["legal_basis"]
    assert (e1["institution_id"], e1["rule_id"], e1["currencies"], e1["payment_ids"]) == (
        "PI-B",
        "CN-LV-ENT-OUT-FX",
        ["USD"],
        ["P4"],
    )
    assert e1["total_cny"] >= e1["threshold_cny"] == Decimal("1420000")
    queued = {i["payment_id"] for i in service.list_items(store=loaded, limit=None)}
    assert not queued & {"P1", "P2", "P3", "P4"}  # a reporting duty is no suspicion


def test_a_second_run_adds_no_report_and_no_item(loaded: Store) -> None:
    service.run_month(store=loaded, month=MONTH, matching=False, graph=False)
    with loaded.factory() as session:
        before = [(r.id, r.created_at) for r in session.scalars(select(LargeValueReport))]
    again = service.run_month(store=loaded, month=MONTH, matching=False, graph=False)
    assert again.large_value_reports == 2 and again.review_items_new == 0
    with loaded.factory() as session:
        assert [(r.id, r.created_at) for r in session.scalars(select(LargeValueReport))] == before


def test_a_day_that_grows_with_late_payments_refreshes_its_report(loaded: Store, tmp_path: Path) -> None:
    service.run_month(store=loaded, month=MONTH, matching=False, graph=False)
    late = payment("P5", "PI-A", "I1", "individual", "5000.00", "CNY", datetime(2026, 10, 9, 23, tzinfo=SHANGHAI))
    load_rows(loaded, tmp_path, [late], name="late")
    again = service.run_month(store=loaded, month=MONTH, matching=False, graph=False)
    assert again.large_value_reports == 2
    (i1,) = [r for r in service.list_reports(store=loaded, month=MONTH) if r["customer_id"] == "I1"]
    assert (i1["payment_count"], i1["total_cny"], i1["payment_ids"]) == (3, Decimal("215000.00"), ["P1", "P2", "P5"])
    assert i1["due_on"] == "2026-10-15"


def test_an_institution_sees_only_its_own_reports_and_items(loaded: Store, tmp_path: Path) -> None:
    service.run_month(store=loaded, month=MONTH, matching=False, graph=False, triage=False)
    triage_with_model(loaded, tmp_path, {"Q1": 0.99, "P1": 0.98})
    pi_a = Principal("a", "institution", "PI-A")
    assert [r["customer_id"] for r in service.list_reports(store=loaded, principal=pi_a)] == ["I1"]
    assert [i["payment_id"] for i in service.list_items(store=loaded, principal=pi_a)] == ["P1"]
    assert [r["payment_id"] for r in service.export_queue(store=loaded, principal=pi_a)] == ["P1"]
    shop = Principal("s", "enterprise", "E1")
    assert service.list_reports(store=loaded, principal=shop) == []
    assert service.list_items(store=loaded, principal=shop) == []


def test_only_payments_past_the_threshold_open_items_that_say_why(loaded: Store, tmp_path: Path) -> None:
    service.run_month(store=loaded, month=MONTH, matching=False, graph=False, triage=False)
    triage_with_model(loaded, tmp_path, {"Q1": 0.99, "Q2": 0.2})
    items = service.list_items(store=loaded, limit=None)
    assert [i["payment_id"] for i in items] == ["Q1"]  # 0.2 is under the model's own threshold; 0.01 far under
    item = items[0]
    assert item["status"] == "assigned" and item["config_version"].endswith("/with_model")
    assert item["score"] >= service_threshold() and item["account_score"] >= item["score"]
    top = item["contributions"][0]
    assert top["signal"] == "model_margin" and top["contribution"] > 0
    assert "学习模型" in item["reason_zh"] and "learned model" in item["reason_en"]
    evidence = pq.read_table(loaded.lake.root / "payment_triage" / f"month={MONTH}" / "triage.parquet")
    assert evidence.num_rows == len(ROWS)  # every payment keeps its score as evidence, passing or not


def service_threshold() -> float:
    from cbec.monitoring.triage.config import load_config

    return load_config().profile(True).threshold


def test_the_export_lists_the_queue_one_row_per_payment_open_or_true_positive(loaded: Store, tmp_path: Path) -> None:
    service.run_month(store=loaded, month=MONTH, matching=False, graph=False, triage=False)
    triage_with_model(loaded, tmp_path, {"Q1": 0.99, "Q3": 0.99, "Q5": 0.99})
    with loaded.factory.begin() as session:
        session.execute(
            update(ReviewItem).where(ReviewItem.payment_id == "Q3").values(state="closed", disposition="false_positive")
        )
        session.execute(
            update(ReviewItem).where(ReviewItem.payment_id == "Q5").values(state="closed", disposition="true_positive")
        )
    rows = service.export_queue(store=loaded, month=MONTH)
    assert sorted(r["payment_id"] for r in rows) == ["Q1", "Q5"]
    assert len({(r["institution_id"], r["payment_id"]) for r in rows}) == len(rows)
    assert all(r["payment_id"] in {"Q1", "Q5"} for r in service.export_queue(store=loaded))
