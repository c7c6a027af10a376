"""Property: the alerts depend on the payments, not on how ties arrive, how micro-batches cut them or partitions.

In process and without NATS (the partition workers take the messages the publisher would route to them, in stream
order), so that hypothesis can try many arrivals: a month with a minute clock (many payments per instant) arrives
with every instant's payments shuffled, cut into micro-batches of a drawn size, run by the embedded engine and by M
partition workers. Each must raise the alerts of the month taken in the contract's order, alert for alert (id,
payments counted and listed, observed value). And what legitimately differs: a payment moved behind a later instant
is late for the embedded engine, which then raises exactly the alerts of the month without the payments it skipped.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import groupby

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cbec.config import Settings
from cbec.core.money import load_fx_table
from cbec.monitoring.engine import Alert, Payment, micros
from cbec.monitoring.rules.parser import load_ruleset
from cbec.monitoring.streaming.driver import StreamingEngine
from cbec.monitoring.streaming.jetstream.body import encode_batch
from cbec.monitoring.streaming.jetstream.subjects import Scheme, dimensions
from cbec.monitoring.streaming.jetstream.worker import PartitionWorker, WorkerOptions
from cbec.monitoring.streaming.rows import payment_from_text
from cbec.storage.store import Store, open_store

from .driver_pairs import month_file, read_rows

State = dict[str, tuple[int, Decimal, tuple[tuple[str, str], ...]]]  # alert id -> count, observed, payments


def _order(payment: Payment) -> tuple[int, str, str]:
    return micros(payment.initiated_at), payment.institution_id, payment.payment_id


def _latest(alerts: Iterable[Alert]) -> State:
    """The stored state: each alert as its latest detection left it (the filter step grows episodes)."""
    return {a.alert_id: (a.payment_count, a.observed, a.payments) for a in alerts}


def _batches(items: list[Payment], size: int) -> Iterator[list[Payment]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _embedded(arrival: list[Payment], size: int, late: list[Payment] | None = None) -> State:
    engine, alerts = StreamingEngine(load_ruleset(), load_fx_table()), []
    for batch in _batches(arrival, size):
        skipped: list[int] = []
        alerts += engine.process_many(batch, late=skipped)
        if late is not None:
            late += [batch[number] for number in skipped]
    return _latest([*alerts, *engine.drain()])


def _partitioned(store: Store, arrival: list[Payment], size: int, partitions: int) -> State:
    ruleset = load_ruleset()
    scheme = Scheme("prop.pay", partitions, dimensions(ruleset))
    routed = [(subject, encode_batch([payment])) for payment in arrival for subject in scheme.routes(payment)]
    messages = [(seq, subject, body) for seq, (subject, body) in enumerate(routed, 1)]
    alerts: list[Alert] = []
    for number in range(partitions):
        options = WorkerOptions(stream="PROP", prefix="prop.pay")
        worker = PartitionWorker(
            store=store, ruleset=ruleset, fx=load_fx_table(), scheme=scheme, partition=number, options=options
        )
        mine = [m for m in messages if m[1].endswith(f".{number}")]  # the consumer filter <prefix>.*.N
        for start in range(0, len(mine), size):
            alerts += worker.take(mine[start : start + size])
        alerts += worker.drain() or []
        assert worker.summary.late == worker.summary.refused == 0
    return _latest(alerts)


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Payment], State, Store]:
    """1,500 payments on a minute clock, the alerts of the contract's order, and a store for the workers' files."""
    root = tmp_path_factory.mktemp("arrival")
    path = month_file(root, 5, 1_500, minutes=True)
    payments = sorted((payment_from_text(row, "Asia/Shanghai") for row in read_rows(path)), key=_order)
    return payments, _embedded(payments, len(payments)), open_store(Settings(home=root / "home"))


def _shuffled_ties(payments: list[Payment], seed: int) -> list[Payment]:
    chance, arrival = random.Random(seed), []
    for _, tie in groupby(payments, key=lambda p: p.initiated_at):
        group = list(tie)
        chance.shuffle(group)
        arrival += group
    return arrival


def test_the_month_has_many_ties_and_alerts(month: tuple[list[Payment], State, Store]) -> None:
    payments, reference, _ = month
    instants = {p.initiated_at for p in payments}
    assert len(payments) - len(instants) > 15 and len(reference) > 20


SIZES = st.sampled_from([1, 2, 7, 50, 200, 1_000])
SLOW = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SLOW
@given(seed=st.integers(0, 2**32 - 1), size=SIZES)
def test_shuffled_ties_in_any_micro_batches_give_the_embedded_engine_the_same_alerts(
    month: tuple[list[Payment], State, Store], seed: int, size: int
) -> None:
    payments, reference, _ = month
    assert _embedded(_shuffled_ties(payments, seed), size) == reference


@SLOW
@given(seed=st.integers(0, 2**32 - 1), size=SIZES, partitions=st.integers(1, 4))
def test_shuffled_ties_in_any_micro_batches_and_partitions_give_the_workers_the_same_alerts(
    month: tuple[list[Payment], State, Store], seed: int, size: int, partitions: int
) -> None:
    payments, reference, store = month
    assert _partitioned(store, _shuffled_ties(payments, seed), size, partitions) == reference


@SLOW
@given(seed=st.integers(0, 2**32 - 1), size=SIZES, moved=st.integers(1, 30))
def test_a_payment_behind_a_later_instant_is_late_and_the_rest_raise_the_alerts_of_the_month_without_it(
    month: tuple[list[Payment], State, Store], seed: int, size: int, moved: int
) -> None:
    payments, _, _ = month
    chance = random.Random(seed)
    arrival = _shuffled_ties(payments, seed)
    for _ in range(moved):  # a payment sent a few hours late: behind the first payment over an hour after it
        payment = arrival.pop(chance.randrange(len(arrival)))
        hour_on = micros(payment.initiated_at) + 3_600_000_000
        later = next((n for n, p in enumerate(arrival) if micros(p.initiated_at) > hour_on), None)
        arrival.insert(len(arrival) if later is None else later + 1, payment)
    # Late: behind a later instant of a payment the engine took (one taken before it, itself not late). Several
    # moves interact (a payment moved to the end can still follow another moved one of a later instant), so the
    # expectation is read off the final arrival order rather than off each move.
    newest, expected = -1, set()
    for payment in arrival:
        if micros(payment.initiated_at) < newest:
            expected.add(payment)
        else:
            newest = micros(payment.initiated_at)
    late: list[Payment] = []
    found = _embedded(arrival, size, late)
    assert set(late) == expected
    skipped = set(late)
    kept = [p for p in payments if p not in skipped]
    assert found == _embedded(kept, len(kept))
