"""Each fund-flow pattern on tiny hand-built graphs: found when its shape holds, not when one condition breaks."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import duckdb
import pytest

from cbec.core.clock import SHANGHAI
from cbec.monitoring.engine import micros
from cbec.monitoring.graph.config import GraphConfigError, load_graph_params, parse_graph_params
from cbec.monitoring.graph.patterns import Finding, finding_of, subgraph, to_alert
from cbec.monitoring.graph.sql import detect

PARAMS = load_graph_params()
START = micros(datetime(2026, 10, 1, 9, 0, tzinfo=SHANGHAI))
HOUR = 3_600_000_000

Leg = tuple[str, str, str, float]  # payer, payee, amount CNY, hours after START


def run(legs: list[Leg], params: object = PARAMS, institution: str = "PI-A") -> list[Finding]:
    """Detect patterns over payments P1, P2, ... built from (payer, payee, amount, hours)."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE pay (institution_id VARCHAR, payment_id VARCHAR, payer_id VARCHAR, payee_id VARCHAR, "
        "ts BIGINT, amount_cny DECIMAL(38, 2), status VARCHAR, in_month BOOLEAN)"
    )
    con.executemany(
        "INSERT INTO pay VALUES (?, ?, ?, ?, ?, ?, 'succeeded', TRUE)",
        [
            (
                institution,
                f"P{n}",
                a,
                b,
                START + int(h * HOUR),
                amount,
            )
            for n, (a, b, amount, h) in enumerate(legs, 1)
        ],
    )
    return detect(con, params=params, source="pay")  # type: ignore[arg-type]


def found(findings: list[Finding], pattern: str) -> list[list[str]]:
    """Return the payment ids of each finding of one pattern."""
    return sorted([e.payment_id for e in f.edges] for f in findings if f.pattern == pattern)


def test_a_time_ordered_cycle_is_found_once_with_its_payments() -> None:
    legs = [("A", "B", "1000", 0), ("B", "C", "950", 24), ("C", "A", "900", 48)]
    findings = run(legs)
    assert found(findings, "cycle") == [["P1", "P2", "P3"]]
    (cycle,) = [f for f in findings if f.pattern == "cycle"]
    assert cycle.accounts == ("A", "B", "C") and cycle.total_cny == Decimal("2850.00")


def test_a_cycle_whose_legs_break_time_order_is_not_found() -> None:
    legs = [("A", "B", "1000", 0), ("B", "C", "950", 48), ("C", "A", "900", 24)]
    assert found(run(legs), "cycle") == []


def test_a_cycle_with_a_leg_held_longer_than_the_hold_time_is_not_found() -> None:
    legs = [("A", "B", "1000", 0), ("B", "C", "950", 24 * 9), ("C", "A", "900", 24 * 10)]
    assert found(run(legs), "cycle") == []


def test_a_cycle_whose_amount_jumps_past_the_ratio_is_not_found() -> None:
    legs = [("A", "B", "1000", 0), ("B", "C", "3000", 24), ("C", "A", "2900", 48)]
    assert found(run(legs), "cycle") == []


def test_a_two_leg_round_trip_is_no_cycle() -> None:
    assert found(run([("A", "B", "1000", 0), ("B", "A", "990", 5)]), "cycle") == []


def test_fan_out_needs_five_distinct_payees_in_one_burst_of_money_passed_through() -> None:
    funded = [("F", "S", "600", -2)]  # S receives money and pays it straight on: a pass-through
    five = funded + [("S", f"T{i}", "500", i * 24) for i in range(5)]
    assert found(run(five), "fan_out") == [["P2", "P3", "P4", "P5", "P6"]]  # the fan's own payments
    assert found(run(five[:5]), "fan_out") == []
    spread = funded + [("S", f"T{i}", "500", i * 24 * 8) for i in range(5)]  # gaps over the hold: no burst
    assert found(run(spread), "fan_out") == []


def test_a_fan_out_of_own_money_is_no_finding_unless_pass_through_is_off() -> None:
    own_money = [("S", f"T{i}", "500", i * 24) for i in range(5)]
    assert found(run(own_money), "fan_out") == []
    fan_out = PARAMS.pattern("fan_out")
    lenient = replace(
        PARAMS,
        patterns={**PARAMS.patterns, "fan_out": replace(fan_out, sizes={**fan_out.sizes, "pass_through": 0})},
    )
    assert found(run(own_money, lenient), "fan_out") == [["P1", "P2", "P3", "P4", "P5"]]


def test_fan_in_counts_distinct_payers_into_an_account_that_pays_on() -> None:
    legs = [(f"S{i}", "T", "500", i * 12) for i in range(6)] + [("T", "U", "700", 80)]
    assert found(run(legs), "fan_in") == [["P1", "P2", "P3", "P4", "P5", "P6"]]
    assert found(run(legs[:6]), "fan_in") == []


def test_an_established_pair_is_left_out_of_the_graph() -> None:
    legs = [(f"S{i}", "T", "500", i * 12) for i in range(5)] + [
        ("T", "U", "700", 80),
        ("S0", "T", "500", 100),
    ]
    assert found(run(legs), "fan_in") == []  # S0 pays T twice: an established relationship, four one-off payers


def test_scatter_gather_through_two_relays_into_one_sink() -> None:
    legs = [("S", "M1", "1000", 0), ("S", "M2", "800", 2), ("M1", "D", "990", 30), ("M2", "D", "780", 40)]
    assert found(run(legs), "scatter_gather") == [["P1", "P2", "P3", "P4"]]
    late = [*legs[:3], ("M2", "D", "780", 2 + 24 * 8)]  # the second relay holds the money too long
    assert found(run(late), "scatter_gather") == []


def test_gather_scatter_through_one_relay_account() -> None:
    legs = [("X1", "H", "1000", 0), ("X2", "H", "900", 5), ("H", "Y1", "950", 30), ("H", "Y2", "950", 31)]
    assert found(run(legs), "gather_scatter") == [["P1", "P2", "P3", "P4"]]
    assert found(run(legs[:3]), "gather_scatter") == []


def test_bipartite_block_of_three_payers_by_three_payees() -> None:
    legs = [(f"S{i}", f"T{j}", "600", i * 24 + j) for i in range(3) for j in range(3)]
    assert found(run(legs), "bipartite") == [[f"P{n}" for n in range(1, 10)]]
    assert found(run([leg for leg in legs if leg[1] != "T2"]), "bipartite") == []


def test_stack_gathers_a_layer_and_passes_it_on() -> None:
    legs = [
        ("S", "M1", "1000", 0),
        ("S", "M2", "1000", 1),
        ("M1", "D", "1000", 20),
        ("M2", "D", "1000", 21),
        ("D", "E", "1900", 40),
    ]
    assert found(run(legs), "stack") == [["P1", "P2", "P3", "P4", "P5"]]
    assert found(run(legs[:4]), "stack") == []


def test_forwarding_chain_keeps_amounts_and_moves_fast() -> None:
    legs = [("A", "B", "1000", 0), ("B", "C", "995", 6), ("C", "D", "990", 20), ("D", "E", "985", 30)]
    assert found(run(legs), "chain") == [["P1", "P2", "P3", "P4"]]
    slow = [*legs[:2], ("C", "D", "990", 6 + 24 * 3), ("D", "E", "985", 6 + 24 * 4)]
    assert found(run(slow), "chain") == []
    skimmed = [*legs[:2], ("C", "D", "700", 20)]
    assert found(run(skimmed), "chain") == []


def test_the_parameters_set_the_bounds() -> None:
    fan_out = PARAMS.pattern("fan_out")
    looser = replace(
        PARAMS,
        patterns={
            **PARAMS.patterns,
            "fan_out": replace(fan_out, sizes={**fan_out.sizes, "min_counterparties": 3}),
        },
    )
    legs = [("F", "S", "600", -2)] + [("S", f"T{i}", "500", i) for i in range(3)]
    assert found(run(legs, looser), "fan_out") == [["P2", "P3", "P4"]]
    assert found(run(legs), "fan_out") == []


def test_a_finding_becomes_an_alert_that_explains_itself() -> None:
    (cycle,) = [
        f for f in run([("A", "B", "1000", 0), ("B", "C", "950", 24), ("C", "A", "900", 48)]) if f.pattern == "cycle"
    ]
    alert = to_alert(cycle, PARAMS)
    assert alert.rule_id == "GRAPH-CYCLE" and alert.typology == "cycle" and alert.severity == "high"
    assert alert.alert_id == f"GRAPH-CYCLE|{cycle.key}" and alert.key == (("pattern_key", cycle.key),)
    assert alert.payments == (("PI-A", "P1"), ("PI-A", "P2"), ("PI-A", "P3")) and alert.payment_count == 3
    assert alert.observed == Decimal("2850.00") and alert.threshold == Decimal(3)
    for text in (alert.explanation_zh, alert.explanation_en):
        assert "A, B, C" in text and "2850.00" in text and "2026-10-01 09:00" in text and "2026-10-03 09:00" in text


def test_the_pattern_key_does_not_depend_on_the_order_payments_come_in() -> None:
    (cycle,) = [
        f for f in run([("A", "B", "1000", 0), ("B", "C", "950", 24), ("C", "A", "900", 48)]) if f.pattern == "cycle"
    ]
    again = finding_of("cycle", "A", tuple(reversed(cycle.edges)))
    assert again.key == cycle.key and again.edges == cycle.edges


def test_the_subgraph_totals_money_in_and_out_per_account() -> None:
    (cycle,) = [
        f for f in run([("A", "B", "1000", 0), ("B", "C", "950", 24), ("C", "A", "900", 48)]) if f.pattern == "cycle"
    ]
    graph = subgraph(cycle.edges)
    assert graph["nodes"] == [
        {"account": "A", "in_cny": "900.00", "out_cny": "1000.00"},
        {"account": "B", "in_cny": "1000.00", "out_cny": "950.00"},
        {"account": "C", "in_cny": "950.00", "out_cny": "900.00"},
    ]
    assert [e["payment_id"] for e in graph["edges"]] == ["P1", "P2", "P3"]
    assert graph["edges"][0]["at"] == "2026-10-01T09:00:00+08:00"


def test_broken_parameters_are_all_reported() -> None:
    with pytest.raises(GraphConfigError) as caught:
        parse_graph_params(
            {
                "id": "x",
                "version": 0,
                "graph": {
                    "window": "soon",
                    "hold": "7d",
                    "hub_counterparties": 100,
                    "max_pair_payments": 1,
                    "amount_ratio": 0.5,
                    "colour": "red",
                },
                "patterns": {"cycle": {}},
            }
        )
    message = str(caught.value)
    for part in (
        "version must be a positive integer",
        "graph.window",
        "graph.amount_ratio must be a number >= 1",
        "graph.colour: unknown parameter",
        "patterns.fan_out: missing",
        "patterns.cycle.severity",
    ):
        assert part in message
