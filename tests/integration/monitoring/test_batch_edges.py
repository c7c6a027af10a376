"""The vectorised batch driver agrees with streaming where its kernels could slip: mass ties, distinct
counts, spreads and shares, composite keys, self-transfers, half-fen rounding and month context."""

from datetime import datetime, timedelta
from decimal import Decimal

import duckdb

from cbec.core.clock import SHANGHAI
from cbec.core.money import FxTable, load_fx_table
from cbec.monitoring.batch.driver import run_batch
from cbec.monitoring.engine import Alert, Payment
from cbec.monitoring.rules.parser import parse_ruleset
from cbec.monitoring.streaming.driver import StreamingEngine
from cbec.storage.lake import connect

HEAD = "version: 1, title_zh: 测试, title_en: test, severity: low, source: test, typology: test"
RULES = f"""
ruleset: batch-edges
version: 1
rules:
  - {{id: TIES, kind: aggregate, {HEAD}, group_by: [payer_id], window: 1s, measure: count, op: ">=",
     threshold: 1100}}
  - {{id: FANIN, kind: aggregate, {HEAD}, group_by: [payee_id], window: 1h, measure: distinct(payer_id),
     op: ">=", threshold: 3, also: [{{measure: spread(amount_cny), op: "<=", threshold: 1.1}}]}}
  - {{id: SHARE, kind: aggregate, {HEAD}, group_by: [payer_id], window: 1d, measure: ratio,
     subset: {{field: amount_cny, ge: 100}}, op: ">=", threshold: 0.5,
     also: [{{measure: max(amount_cny), op: ">", threshold: 0.005}}]}}
  - {{id: PAIR, kind: aggregate, {HEAD}, group_by: [payer_id, enterprise_id], window: 1h,
     measure: sum(amount_cny), op: ">=", threshold: 0.02}}
  - {{id: CENT, kind: row, {HEAD}, when: {{all: [{{field: amount_cny, le: 0.01}}, {{field: amount_cny, ne: 0}}]}},
     window: 1h}}
  - {{id: SELF, kind: sequence, {HEAD}, inbound: {{field: direction, eq: domestic}},
     outbound: {{field: direction, eq: domestic}}, window: 1h, ratio: {{min: 1, max: 1}}}}
"""
T0 = datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
CREATE = (
    "CREATE TABLE payments (institution_id VARCHAR, payment_id VARCHAR, channel VARCHAR, direction VARCHAR, "
    "payer_id VARCHAR, payee_id VARCHAR, payer_type VARCHAR, payee_type VARCHAR, payer_country VARCHAR, "
    "payee_country VARCHAR, enterprise_id VARCHAR, order_id VARCHAR, amount DECIMAL(38, 6), currency VARCHAR, "
    "initiated_at TIMESTAMPTZ, status VARCHAR)"
)


def _payment(pid: str, payer: str, payee: str, amount: str, offset: timedelta, **extra: str | None) -> Payment:
    values: dict[str, object] = {
        "institution_id": "I1",
        "payment_id": pid,
        "channel": "wire",
        "direction": "domestic",
        "payer_id": payer,
        "payee_id": payee,
        "payer_type": "individual",
        "payee_type": "individual",
        "payer_country": "CN",
        "payee_country": "CN",
        "enterprise_id": None,
        "order_id": None,
        "amount": Decimal(amount),
        "currency": "CNY",
        "initiated_at": T0 + offset,
        "status": "succeeded",
    }
    values.update(extra)
    return Payment(**values)  # type: ignore[arg-type]


def _payments() -> list[Payment]:
    tie = timedelta(microseconds=7)
    found = [_payment(f"T-{n:04d}", "TIER", f"P{n % 3}", "1", tie) for n in range(1_200)]  # past the old limit
    found += [_payment(f"F-{n}", f"F{n % 4}", "HUB", str(1000 + 10 * n), timedelta(minutes=n)) for n in range(8)]
    found += [_payment("F-X", "F0", "HUB", "5000", timedelta(minutes=20))]  # spread too wide from here on
    leave = timedelta(hours=6)  # a payer that left the window counts again only when it comes back
    found += [
        _payment(f"L-{n}", payer, "HUB2", "1000", leave + timedelta(minutes=minute))
        for n, (payer, minute) in enumerate([("A", 0), ("B", 10), ("A", 50), ("C", 65), ("D", 110), ("D", 111)])
    ]  # 65: B, A, C = 3 fires; 110 and 111: A's 50 is exactly an hour back, so C, D = 2 and nothing fires
    found += [
        _payment("S-1", "SH", "Q", "100", timedelta(hours=2)),
        _payment("S-2", "SH", "Q", "50", timedelta(hours=2)),
        _payment("S-3", "SH", "Q", "50", timedelta(hours=3)),  # share exactly 0.5: still fires
        _payment("S-4", "SH", "Q", "0.02", timedelta(hours=3, minutes=30)),  # a fen under: does not
        _payment("C-1", "CP", "Q", "0.005", timedelta(hours=4), enterprise_id="E1"),  # half a fen: 0.01
        _payment("C-2", "CP", "Q", "0.004", timedelta(hours=4, seconds=1), enterprise_id="E1"),  # 0.00
        _payment("C-3", "CP", "Q", "0.015", timedelta(hours=4, seconds=2), enterprise_id="E1"),  # 0.02
        _payment("C-4", "CP", "Q", "0.02", timedelta(hours=4, seconds=2), enterprise_id=None),  # null key part
        _payment("C-5", "CP", "Q", "0.02", timedelta(hours=4, seconds=3), currency="XXX"),  # no FX rate
        _payment("M-1", "ME", "ME", "10", timedelta(hours=5)),  # to oneself: an inbound and an outbound leg
        _payment("M-2", "ME", "ME", "10", timedelta(hours=5)),
    ]
    return sorted(found, key=lambda p: (p.initiated_at, p.institution_id, p.payment_id))


def _load(payments: list[Payment]) -> duckdb.DuckDBPyConnection:
    con = connect()
    con.execute(CREATE)
    con.executemany(
        "INSERT INTO payments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [[getattr(p, f) for f in Payment.__dataclass_fields__] for p in payments],
    )
    return con


def _streamed(payments: list[Payment], fx: FxTable) -> dict[str, Alert]:
    engine = StreamingEngine(parse_ruleset(RULES, "edges.yaml"), fx)
    return {alert.alert_id: alert for p in payments for alert in engine.process(p)}


def test_batch_equals_streaming_on_ties_distinct_spread_share_composite_keys_and_rounding() -> None:
    fx, payments = load_fx_table(), _payments()
    batch = {a.alert_id: a for a in run_batch(_load(payments), ruleset=parse_ruleset(RULES, "e.yaml"), fx=fx)}
    assert batch == _streamed(payments, fx)
    found = {(a.rule_id, a.key): a for a in batch.values()}
    ties = found["TIES", (("payer_id", "TIER"),)]
    assert (ties.observed, ties.payment_count, ties.payments[0][1]) == (1_200, 1_200, "T-0000")
    assert ties.alert_id == "TIES|TIER|I1/T-1099"
    fan_in = found["FANIN", (("payee_id", "HUB"),)]
    assert [pid for _, pid in fan_in.payments] == [f"F-{n}" for n in range(8)]  # F-X ends the similar run
    share = found["SHARE", (("payer_id", "SH"),)]
    assert [pid for _, pid in share.payments] == ["S-1", "S-2", "S-3"] and share.observed == Decimal("0.5000")
    pair = found["PAIR", (("payer_id", "CP"), ("enterprise_id", "E1"))]
    assert [pid for _, pid in pair.payments] == ["C-1", "C-2", "C-3"] and pair.observed == Decimal("0.03")
    assert sorted(pid for (rule, _), a in found.items() if rule == "CENT" for _, pid in a.payments) == ["C-1"]
    self_transfer = found["SELF", (("account", "ME"),)]
    assert [pid for _, pid in self_transfer.payments] == ["M-1", "M-1", "M-2", "M-2"]  # in and out legs
    assert self_transfer.observed == 1


def test_a_month_run_reads_the_longest_window_before_it_as_context_that_never_fires() -> None:
    rules = parse_ruleset(RULES, "edges.yaml")
    before = [_payment(f"T-{n:04d}", "TIER", "P", "1", timedelta(days=1)) for n in range(1_200)]
    boundary = datetime(2026, 4, 1, tzinfo=SHANGHAI) - T0
    late = [_payment("B-1", "SH", "Q", "300", boundary - timedelta(hours=1))]
    early = [_payment("B-2", "SH", "Q", "1", boundary)]  # April: its window holds B-1 from March
    con = _load(before + late + early)
    march = run_batch(con, ruleset=rules, fx=load_fx_table(), month="2026-03")
    april = run_batch(con, ruleset=rules, fx=load_fx_table(), month="2026-04")
    assert {(a.rule_id, a.payment_count) for a in march} == {("TIES", 1_200), ("SHARE", 1)}
    (share,) = april  # B-1 fired in March; in April it is context, and the episode starts again
    assert share.alert_id == "SHARE|SH|I1/B-2"
    assert (share.rule_id, share.payments, share.observed) == (
        "SHARE",
        (("I1", "B-1"), ("I1", "B-2")),
        Decimal("0.9967"),
    )
