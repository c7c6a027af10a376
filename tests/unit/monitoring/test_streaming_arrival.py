"""Arrival: ties in any order are taken in the contract's order; an earlier instant or a repeat is late."""

from itertools import permutations
from pathlib import Path

from cbec.monitoring.engine import Alert, Payment
from cbec.monitoring.rules.parser import parse_ruleset
from cbec.monitoring.streaming.driver import StreamingEngine

from .test_streaming import FX, RULES, _payment

TIES = [  # one instant, three institutions' payments: the contract's order is I0/P9, I1/P0, I1/P1
    _payment("P1", "A", "1", 0),
    _payment("P9", "A", "1", 0, institution_id="I0"),
    _payment("P0", "A", "1", 0),
]


def _engine() -> StreamingEngine:
    return StreamingEngine(parse_ruleset(RULES, "unit.yaml"), FX)


def _seen(alerts: list[Alert]) -> set[tuple[str, str, tuple[str, ...]]]:
    return {(a.rule_id, a.alert_id, tuple(p for _, p in a.payments)) for a in alerts}


def test_ties_are_taken_in_the_contract_order_whatever_order_they_arrive_in() -> None:
    for arrival in permutations(TIES):
        engine = _engine()
        held = [engine.process_many([payment]) for payment in arrival]  # one micro-batch each: all held
        assert held == [[], [], []] and len(engine.held) == 3 and engine.processed == 0
        later = _payment("P2", "B", "1", 1)  # a later instant takes the held one
        found = _seen(engine.process_many([later]))
        assert found == {("COUNT3", "COUNT3|A|I1/P1", ("P9", "P0", "P1"))}, arrival  # fired on the third in order
        assert engine.processed == 3 and [h[1] for h in engine.held] == [later]
        assert engine.drain() == [] and engine.processed == 4 and engine.skipped == 0


def test_an_earlier_instant_or_a_repeat_is_late_and_reported_by_its_place_in_the_batch() -> None:
    engine = _engine()
    late: list[int] = []
    batch = [
        _payment("P5", "A", "1", 5),
        _payment("P3", "A", "1", 3),  # before the held instant: late
        _payment("P5", "A", "1", 5),  # the held payment again: a repeat
        _payment("P4", "A", "1", 5, institution_id="I0"),  # a tie sorting first: taken, and first
    ]
    engine.process_many(batch, drain=True, late=late)
    assert late == [1, 2] and engine.skipped == 2 and engine.processed == 2
    assert engine.last_order is not None and engine.last_order[1:] == ("I1", "P5")
    # once an instant is taken, a tie sorting before its last payment is late; one sorting after is not
    late.clear()
    engine.process_many([_payment("P0", "A", "1", 5), _payment("P6", "A", "1", 5)], drain=True, late=late)
    assert late == [0] and engine.processed == 3


def test_held_payments_are_part_of_a_checkpoint(tmp_path: Path) -> None:
    first, second = _engine(), _engine()
    assert first.process_many([_payment("P7", "A", "1", 0), *TIES[:2]]) == []
    first.checkpoint(tmp_path / "s.ckpt")
    second.restore(tmp_path / "s.ckpt")
    assert [h[0] for h in second.held] == [h[0] for h in first.held] and len(second.held) == 3
    rest: list[Payment] = [TIES[2]]
    expected = {("COUNT3", "COUNT3|A|I1/P1", ("P9", "P0", "P1", "P7"))}
    assert _seen(first.process_many(rest, drain=True)) == _seen(second.process_many(rest, drain=True)) == expected


def test_one_payment_at_a_time_is_taken_at_once_as_the_scoring_api_needs() -> None:
    engine = _engine()
    answers = [engine.process(payment) for payment in sorted(TIES, key=lambda p: (p.institution_id, p.payment_id))]
    assert [len(a) for a in answers] == [0, 0, 1] and engine.held == [] and engine.processed == 3
    assert engine.process(_payment("P00", "A", "1", 0)) == [] and engine.skipped == 1  # sorts before: late
