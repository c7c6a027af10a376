"""A month run turns a fund-flow cycle into a GRAPH-CYCLE alert and a case with its subgraph, on both stores."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from cbec.feeds.service import ingest
from cbec.monitoring import service
from cbec.monitoring.graph import cases
from cbec.storage.store import Store

from .graph_month import write_month


def test_a_cycle_becomes_one_case_with_the_rule_alerts_on_its_payments(store: Store, tmp_path: Path) -> None:
    ingest(store=store, feed="payments", paths=[write_month(tmp_path / "payments.csv")])
    summary = service.run_month(store=store, month="2026-10", matching=False, graph=True)
    assert summary.by_rule.get("GRAPH-CYCLE") == 1 and summary.cases >= 1

    (listed,) = cases.list_cases(store=store, month="2026-10", pattern="cycle")
    assert listed.subgraph == {}  # the list leaves the subgraph out
    case = cases.get_case(store=store, case_id=listed.id)
    assert case is not None
    assert case.pattern == "cycle" and case.severity == "high" and case.status == "open"
    assert case.account_count == 3 and case.payment_count == 3
    assert case.total_cny == Decimal("29300.00")
    assert case.institutions == ["PI-BANK-A", "PI-BANK-B"]
    assert case.rule_ids == ["CN-HR-CORRIDOR-IN", "CN-HR-CORRIDOR-OUT", "GRAPH-CYCLE"]
    assert case.subgraph["nodes"] == [
        {"account": "ACC-A", "in_cny": "9500.00", "out_cny": "10000.00"},
        {"account": "ACC-B", "in_cny": "10000.00", "out_cny": "9800.00"},
        {"account": "ACC-C", "in_cny": "9800.00", "out_cny": "9500.00"},
    ]
    assert [
        (e["payment_id"], e["payer_id"], e["payee_id"], e["amount_cny"], e["at"]) for e in case.subgraph["edges"]
    ] == [
        ("GP-1", "ACC-A", "ACC-B", "10000.00", "2026-10-05T10:00:00+08:00"),
        ("GP-2", "ACC-B", "ACC-C", "9800.00", "2026-10-06T09:30:00+08:00"),
        ("GP-3", "ACC-C", "ACC-A", "9500.00", "2026-10-07T15:45:00+08:00"),
    ]

    alerts = [service.get_alert(store=store, alert_id=a) for a in case.alert_ids]
    (graph_alert,) = [a for a in alerts if a is not None and a.rule_id == "GRAPH-CYCLE"]
    assert graph_alert.typology == "cycle"
    assert "ACC-A, ACC-B, ACC-C" in graph_alert.explanation_en and "29300.00" in graph_alert.explanation_zh
    assert [(p.institution_id, p.payment_id) for p in graph_alert.payments] == [
        ("PI-BANK-A", "GP-1"),
        ("PI-BANK-B", "GP-2"),
        ("PI-BANK-B", "GP-3"),
    ]

    exported = cases.export_case(store=store, case_id=case.id)
    assert exported is not None
    again = json.loads(json.dumps(exported))
    assert again["case_key"] == case.case_key and again["first_at"].startswith("2026-10-05T02:00:00")
    assert again["subgraph"]["edges"][1]["institution_id"] == "PI-BANK-B"
    assert cases.get_case(store=store, case_id=case.id + 1000) is None


def test_a_rerun_opens_no_second_case(store: Store, tmp_path: Path) -> None:
    ingest(store=store, feed="payments", paths=[write_month(tmp_path / "payments.csv")])
    first = service.run_month(store=store, month="2026-10", matching=False, graph=True)
    again = service.run_month(store=store, month="2026-10", matching=False, graph=True)
    assert first.cases >= 1 and again.cases == 0 and again.new == 0
    assert len(cases.list_cases(store=store)) == first.cases


def test_graph_patterns_can_be_left_out_of_a_run(store: Store, tmp_path: Path) -> None:
    ingest(store=store, feed="payments", paths=[write_month(tmp_path / "payments.csv")])
    summary = service.run_month(store=store, month="2026-10", matching=False, graph=False)
    assert not any(r.startswith("GRAPH-") for r in summary.by_rule) and summary.cases == 0
