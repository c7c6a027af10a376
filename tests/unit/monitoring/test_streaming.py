"""The streaming driver's compiled parts: filters, fen conversion, bare-row keys, micro-batches, checkpoints."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import product
from pathlib import Path

import pytest

from cbec.core.clock import SHANGHAI
from cbec.core.money import FxTable
from cbec.monitoring.engine import Alert, Payment, facts_of, predicate, to_cny
from cbec.monitoring.rules.model import (
    AllOf,
    AnyOf,
    Compare,
    Condition,
    RowRule,
    RuleHeader,
    Window,
)
from cbec.monitoring.rules.parser import parse_ruleset
from cbec.monitoring.streaming.dispatch import Row, compile_dispatch
from cbec.monitoring.streaming.driver import StreamingEngine

FX = FxTable.from_rows([(date(2026, 1, 1), "USD", "7.10"), (date(2026, 3, 1), "USD", "7.2345")])
T0 = datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
RULES = """
ruleset: unit
version: 1
rules:
  - {id: COUNT3, kind: aggregate, version: 1, title_zh: 三笔, title_en: three, severity: low, source: test,
     typology: test, group_by: [payer_id], window: 1h, measure: count, op: ">=", threshold: 3}
  - {id: BAND, kind: aggregate, version: 1, title_zh: 区间, title_en: band, severity: low, source: test,
     typology: test, group_by: [payer_id], window: 24h, measure: sum(amount_cny), min: 100.005, op: "<",
     threshold: 200}
  - {id: PAYEES, kind: aggregate, version: 1, title_zh: 对手, title_en: payees, severity: low, source: test,
     typology: test, group_by: [payer_id], window: 1h, measure: distinct(payee_id), op: ">=", threshold: 2}
"""


def _payment(pid: str, payer: str | None, amount: str, minutes: float, **extra: object) -> Payment:
    values: dict[str, object] = {
        "institution_id": "I1",
        "payment_id": pid,
        "channel": "wire",
        "direction": "outbound",
        "payer_id": payer,
        "payee_id": "X",
        "payer_type": "individual",
        "payee_type": None,
        "payer_country": "CN",
        "payee_country": "US",
        "amount": Decimal(amount),
        "currency": "CNY",
        "initiated_at": T0 + timedelta(minutes=minutes),
    } | extra
    return Payment.from_row(values)


CONDITIONS: list[Condition] = [
    Compare("payee_type", "ne", "individual"),
    Compare("payee_type", "eq", "individual"),
    Compare("payee_type", "not_in", ("individual",)),
    Compare("payee_type", "in", ("individual",)),
    Compare("payee_type", "null"),
    Compare("payer_id", "not_null"),
    Compare("amount_cny", "ge", Decimal("100.005")),
    Compare("amount_cny", "lt", Decimal("100.01")),
    Compare("amount_cny", "eq", Decimal("100.01")),
    Compare("amount", "gt", Decimal("14")),
    Compare("corridor", "eq", "CN-US"),
    AnyOf((Compare("payer_type", "eq", "enterprise"), Compare("amount_cny", "le", Decimal(100)))),
    AllOf((Compare("direction", "in", ("outbound",)), Compare("payee_type", "ne", "enterprise"))),
]


def test_compiled_filters_decide_like_the_shared_predicate_on_nulls_and_fen_edges() -> None:
    header = RuleHeader("R", 1, "r", "r", "low", "test", "test")
    rules = [RowRule(header, c, ("payer_id",), Window(60, "1m")) for c in CONDITIONS]
    seen: list[int] = []
    steps = [lambda key, row, i=i: seen.append(i) for i in range(len(rules))]
    dispatch = compile_dispatch(rules, steps, [[] for _ in rules])
    cases = product(["individual", "enterprise", None], ["100.00", "100.01", "14.0001", "99.99"], ["CNY", "USD"])
    checked = 0
    for payee_type, amount, currency in cases:
        payment = _payment("P", "A", amount, 0, payee_type=payee_type, currency=currency)
        facts = facts_of(payment, FX)
        assert facts is not None
        fen = int(facts["amount_cny"] * 100)
        seen.clear()
        dispatch(payment, fen, (0, "I1", "P", fen, 0, "A", "X", None, facts["corridor"]), [])
        assert seen == [i for i, c in enumerate(CONDITIONS) if predicate(c)(facts)], (
            payee_type,
            amount,
            currency,
        )
        checked += len(seen)
    assert checked > 50


@pytest.mark.parametrize("amount", ["0.005", "0.0049", "1.4142", "100", "12345.678901"])
def test_amounts_are_held_as_fen_rounded_half_up_like_to_cny(amount: str) -> None:
    engine = StreamingEngine(parse_ruleset(RULES, "unit.yaml"), FX)
    ts = int(T0.timestamp() * 1_000_000)
    expected = to_cny(FX, Decimal(amount), "USD", T0.date())
    assert engine._fen(Decimal(amount), "USD", ts) == int(expected * 100)
    assert engine._fen(Decimal(amount), "EUR", ts) is None  # no rate: not monitored


def test_a_payment_without_a_rate_is_counted_and_skipped() -> None:
    engine = StreamingEngine(parse_ruleset(RULES, "unit.yaml"), FX)
    assert engine.process(_payment("P1", "A", "10", 0, currency="EUR")) == []
    assert (engine.unconverted, engine.processed, engine.state_size()) == (1, 0, 0)


def _stream(engine: StreamingEngine, payments: list[Payment]) -> dict[str, Alert]:
    latest: dict[str, Alert] = {}
    for payment in payments:
        for alert in engine.process(payment):
            latest[alert.alert_id] = alert
    return latest


PAYMENTS = [
    _payment("P01", "A", "60", 0),
    _payment("P02", "B", "150", 1, payee_id="Y"),  # B: one row, in the band: fires alone
    _payment("P03", "A", "50", 2, payee_id="Y"),  # A: 110.00 in the band, two payees
    _payment("P04", "A", "1", 3),  # A: three in an hour
    _payment("P05", "C", "5", 4),
    _payment("P06", "C", "5", 70),  # C: the first row has left the 1h window
    _payment("P07", "A", "1", 200),  # A: a new COUNT3 window; BAND still open (24h)
    _payment("P08", None, "500", 201),  # no key: held by no rule
    _payment("P09", "A", "1", 201),
    _payment("P10", "A", "1", 202),  # A: COUNT3 fires again, more than 1h after its last firing: a new episode
]


def test_micro_batches_return_the_latest_state_of_every_alert_one_by_one_gives() -> None:
    rules = parse_ruleset(RULES, "unit.yaml")
    one_by_one = _stream(StreamingEngine(rules, FX), PAYMENTS)
    batched = StreamingEngine(rules, FX)
    in_batches = {
        a.alert_id: a for n in (0, 3, 7) for a in batched.process_many(PAYMENTS[n : n + 4 if n else 3], drain=n == 7)
    }
    assert in_batches == one_by_one
    found = {(a.rule_id, a.key[0][1], tuple(p for _, p in a.payments), a.observed) for a in one_by_one.values()}
    assert found == {
        ("BAND", "B", ("P02",), Decimal("150.00")),
        ("BAND", "A", ("P01", "P03", "P04", "P07", "P09", "P10"), Decimal("114.00")),  # in the band all day
        ("PAYEES", "A", ("P01", "P03", "P04"), Decimal(2)),
        ("COUNT3", "A", ("P01", "P03", "P04"), Decimal(3)),
        ("COUNT3", "A", ("P07", "P09", "P10"), Decimal(3)),
    }


def test_keys_of_one_row_are_held_as_bare_rows_and_idle_keys_are_swept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("cbec.monitoring.streaming.driver.SWEEP_EVERY", 5)
    engine = StreamingEngine(parse_ruleset(RULES, "unit.yaml"), FX)
    _stream(engine, PAYMENTS[:6])
    count3 = engine.keys[0]
    bare: Row = count3["C"]  # type: ignore[assignment]
    assert isinstance(bare, tuple) and bare[2] == "P06"  # P05 left the window: C holds one row, no episode
    assert engine.state_size() == 3 + 1 + 1 + 3 + 2 + 1 + 3 + 1 + 1  # COUNT3 A,B,C; BAND A,B,C; PAYEES A,B,C
    _stream(engine, PAYMENTS[6:])  # the sweep at the 10th payment drops COUNT3's B and C (idle > 1h)
    assert list(count3) == ["A"]
    assert engine.processed == 10 and engine.skipped == 0  # P08 is processed, held by no rule


def test_a_checkpoint_resumes_the_same_alerts_and_refuses_another_format(tmp_path: Path) -> None:
    rules = parse_ruleset(RULES, "unit.yaml")
    whole = _stream(StreamingEngine(rules, FX), PAYMENTS)
    first = StreamingEngine(rules, FX)
    before = _stream(first, PAYMENTS[:5])
    first.checkpoint(tmp_path / "s.ckpt")
    second = StreamingEngine(rules, FX)
    second.restore(tmp_path / "s.ckpt")
    assert second.state_size() == first.state_size() and second.processed == 5
    after = _stream(second, PAYMENTS)
    assert second.skipped == 5 and before | after == whole
    other = parse_ruleset(
        RULES.replace("id: BAND, kind: aggregate, version: 1", "id: BAND, kind: aggregate, version: 2"),
        "u.yaml",
    )
    with pytest.raises(ValueError, match="another rule set or format"):
        StreamingEngine(other, FX).restore(tmp_path / "s.ckpt")


def test_a_key_limit_keeps_only_the_most_recently_touched_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cbec.monitoring.streaming.driver.SWEEP_EVERY", 1)
    engine = StreamingEngine(parse_ruleset(RULES, "unit.yaml"), FX, max_keys_per_rule=1)
    _stream(engine, PAYMENTS[:5])
    # the sweep before P05 kept A (touched by P04) and dropped B; then C came
    assert [list(keys) for keys in engine.keys] == [["A", "C"], ["A", "C"], ["A", "C"]]
