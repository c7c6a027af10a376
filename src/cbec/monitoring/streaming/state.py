"""Per-rule steps of the streaming driver: window rows and running measures per key, episodes.

A step is a closure compiled once per rule: it appends the payment's row to its key's window, drops the
rows that left the window, keeps the running measures (money as integer fen, exact) and, when the rule
fires, opens or extends the key's episode and returns it. Rows are tuples shared by every rule holding
the payment (see streaming_dispatch.Row). Decimals are made only for a firing's observed value.
"""

from __future__ import annotations

import operator
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from decimal import Decimal
from typing import Any

from cbec.monitoring.engine import MAX_ALERT_PAYMENTS, PaymentKey, alert_id, clause_holds, ratio
from cbec.monitoring.rules.model import AggregateRule, Clause, Measure, RowRule, Rule, SequenceRule
from cbec.monitoring.streaming.dispatch import ROW_COLUMNS, Row, Step, fen_constant

Keys = OrderedDict[Hashable, "KeyState | Row"]
_COMPARE = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}


class Episode:
    """The open alert of a (rule, key): its id, the payments of its firings' windows, the latest firing."""

    __slots__ = ("alert_id", "count", "first_fire", "first_us", "last_fire_us", "last_included", "observed", "payments")

    def __init__(self, alert_id: str, first_fire: PaymentKey, first_us: int) -> None:
        self.alert_id = alert_id
        self.first_fire = first_fire
        self.first_us = first_us
        self.last_fire_us = first_us
        self.last_included: Row | None = None
        self.payments: list[PaymentKey] = []
        self.count = 0
        self.observed = Decimal(0)


class KeyState(list[Row]):
    """One key's window: its rows in order from `head` (rows before it left the window), running sums in
    fen and the open episode. A list with a moving head costs far less memory than a deque per key."""

    __slots__ = ("episode", "extra", "head", "out_count", "out_total", "total")
    head: int
    total: int  # fen of the window's rows (sequence: inbound legs)
    out_total: int  # sequence: fen of outbound legs
    out_count: int
    extra: Extra | None
    episode: Episode | None


def new_key(keys: Keys, key: Hashable) -> KeyState:
    """Add an empty key state (attributes set here rather than in a Python __init__, which costs more)."""
    ks = keys[key] = KeyState()
    ks.head = ks.total = ks.out_total = ks.out_count = 0
    ks.extra = ks.episode = None
    return ks


def unpack(keys: Keys, key: Hashable, bare: Row | None, horizon: int) -> KeyState:
    """Return a key state for a key held as a bare row (or not held), with that row if still in the window.

    Most keys hold one row and no episode (93 % on the synthetic month): they are kept as the bare row
    tuple, which the garbage collector stops tracking, instead of a KeyState (see `rest`).
    """
    ks = new_key(keys, key)
    if bare is not None:
        keys.move_to_end(key)
        if bare[0] > horizon:
            ks.append(bare)
            if bare[4]:
                ks.out_total, ks.out_count = bare[3], 1
            else:
                ks.total = bare[3]
    return ks


def rest(keys: Keys, key: Hashable, ks: KeyState) -> None:
    """Keep a key that did not fire as its bare row when that row is its whole state."""
    if ks.episode is None and ks.extra is None and len(ks) - ks.head == 1:
        keys[key] = ks[-1]


def size_and_last(value: KeyState | Row) -> tuple[int, int]:
    """Return the number of window rows a key holds and the time of its last row."""
    if isinstance(value, KeyState):
        return len(value) - value.head, value[-1][0]
    return 1, value[0]


def compact(ks: KeyState, head: int) -> None:
    """Move the head; drop the rows before it once they are at least half of the list (amortised O(1))."""
    if head * 2 >= len(ks):
        del ks[:head]
        head = 0
    ks.head = head


class Extra:
    """Measures few rules need: distinct counts per column and ratio subsets (flags kept beside the rows)."""

    __slots__ = ("distinct", "flags", "subset_totals")

    def __init__(self, distinct: int, subsets: int) -> None:
        self.distinct: list[dict[Any, int]] = [{} for _ in range(distinct)]
        self.flags: deque[tuple[bool, ...]] = deque()
        self.subset_totals = [0] * subsets


def _whole(value: Decimal) -> int | Decimal:
    return int(value) if value == value.to_integral_value() else value


def _money(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def _open_or_join(rule: Rule, key: tuple[str, ...], ks: KeyState, row: Row, observed: Decimal) -> Episode:
    """Open a new episode or let the firing join the open one, then list the window rows new to it."""
    now, episode = row[0], ks.episode
    if episode is None or now - episode.last_fire_us >= rule.window.micros:
        first_fire = (row[1], row[2])
        episode = ks.episode = Episode(alert_id(rule, key, first_fire), first_fire, ks[ks.head][0])
    # Rows are in order and only the tail is new since the last firing: walk back to it, so a key
    # that fires on every payment costs O(new rows), not O(window), per payment.
    last, start = episode.last_included, len(ks) - 1
    while start >= ks.head and (last is None or ks[start] > last):
        start -= 1
    payments = episode.payments
    for index in range(start + 1, min(len(ks), start + 1 + MAX_ALERT_PAYMENTS - len(payments))):
        payments.append((ks[index][1], ks[index][2]))
    episode.count += len(ks) - 1 - start
    episode.last_included = ks[-1]
    episode.last_fire_us = now
    episode.observed = observed
    return episode


def _as_key(rule: Rule) -> Callable[[Any], tuple[str, ...]]:
    single = isinstance(rule, SequenceRule) or len(rule.group_by) == 1
    return (lambda key: (key,)) if single else tuple


def row_step(rule: RowRule, keys: Keys) -> Step:
    """Every row fires: its amount is the observed value."""
    window, get, touch, as_key = rule.window.micros, keys.get, keys.move_to_end, _as_key(rule)

    def step(key: Any, row: Row) -> Episode:
        ks = get(key)
        if not isinstance(ks, KeyState):
            ks = unpack(keys, key, ks, row[0] - window)
        else:
            touch(key)
            horizon = row[0] - window
            if ks[ks.head][0] <= horizon:
                head = ks.head
                while head < len(ks) and ks[head][0] <= horizon:
                    head += 1
                compact(ks, head)
        ks.append(row)
        return _open_or_join(rule, as_key(key), ks, row, _money(row[3]))

    return step


def sequence_step(rule: SequenceRule, keys: Keys) -> Step:
    """Inbound legs (side 0) and outbound legs (side 1) of an account; an outbound leg may fire."""
    window, get, touch, as_key = rule.window.micros, keys.get, keys.move_to_end, _as_key(rule)
    min_in, min_out = fen_constant(rule.min_inbound_cny), fen_constant(rule.min_outbound_cny)
    min_count, low, high = rule.min_outbound_count, rule.ratio_min, rule.ratio_max

    def step(key: Any, row: Row) -> Episode | None:
        ks = get(key)
        if not isinstance(ks, KeyState):
            if ks is None or ks[0] <= row[0] - window:  # alone in its window: no inbound money, no firing
                keys[key] = row
                touch(key)
                return None
            ks = unpack(keys, key, ks, row[0] - window)
        else:
            touch(key)
            horizon = row[0] - window
            if ks[ks.head][0] <= horizon:
                head = ks.head
                while head < len(ks) and (old := ks[head])[0] <= horizon:
                    head += 1
                    if old[4]:
                        ks.out_total -= old[3]
                        ks.out_count -= 1
                    else:
                        ks.total -= old[3]
                compact(ks, head)
        ks.append(row)
        if not row[4]:
            ks.total += row[3]
            rest(keys, key, ks)
            return None
        ks.out_total += row[3]
        ks.out_count += 1
        inbound, outbound = ks.total, ks.out_total
        if inbound <= 0 or inbound < min_in or outbound < min_out or ks.out_count < min_count:
            rest(keys, key, ks)
            return None
        if outbound < low * inbound or (high is not None and outbound > high * inbound):
            rest(keys, key, ks)
            return None
        return _open_or_join(rule, as_key(key), ks, row, ratio(Decimal(outbound), Decimal(inbound)))

    return step


def aggregate_step(rule: AggregateRule, keys: Keys) -> Step:
    """Running count, sum, distinct and subset sums; max and spread scan the window when a clause needs them."""
    window, get, touch, as_key = rule.window.micros, keys.get, keys.move_to_end, _as_key(rule)
    measures = [c.measure for c in (rule.clause, *rule.also)]
    distinct = tuple(dict.fromkeys(ROW_COLUMNS[str(m.field)] for m in measures if m.kind == "distinct"))
    subsets = [m.subset for m in measures if m.kind == "ratio"]
    checks = [_check(clause, distinct, subsets) for clause in (rule.clause, *rule.also)]
    observe = _observer(rule.clause.measure, distinct, subsets)
    extra = bool(distinct or subsets)
    probe = KeyState([()])  # a reusable one-row window to test a row that is alone in its key's window
    probe.head = 0

    def _fires_alone(row: Row) -> bool:
        probe[0], probe.total = row, row[3]
        return all(check(probe) for check in checks)

    def step(key: Any, row: Row, flags: tuple[bool, ...] = ()) -> Episode | None:
        ks = get(key)
        if not isinstance(ks, KeyState):
            if not extra and (ks is None or ks[0] <= row[0] - window) and not _fires_alone(row):
                keys[key] = row  # alone in its window and silent: a bare row, no state object made
                touch(key)
                return None
            ks = unpack(keys, key, ks, row[0] - window)
            if extra:  # a rule with extra measures never keeps a bare row
                ks.extra = Extra(len(distinct), len(subsets))
        else:
            touch(key)
            horizon = row[0] - window
            if ks[ks.head][0] <= horizon:
                head = ks.head
                while head < len(ks) and (old := ks[head])[0] <= horizon:
                    head += 1
                    ks.total -= old[3]
                    if extra:
                        _forget(ks, old, distinct)
                compact(ks, head)
        ks.append(row)
        ks.total += row[3]
        if extra:
            _remember(ks, row, flags, distinct)
        for check in checks:
            if not check(ks):
                rest(keys, key, ks)
                return None
        return _open_or_join(rule, as_key(key), ks, row, observe(ks))

    return step


def _remember(ks: KeyState, row: Row, flags: tuple[bool, ...], distinct: tuple[int, ...]) -> None:
    extra = ks.extra
    assert extra is not None
    for counts, column in zip(extra.distinct, distinct, strict=True):
        value = row[column]
        if value is not None:
            counts[value] = counts.get(value, 0) + 1
    if flags:
        extra.flags.append(flags)
        for index, inside in enumerate(flags):
            if inside:
                extra.subset_totals[index] += row[3]


def _forget(ks: KeyState, row: Row, distinct: tuple[int, ...]) -> None:
    extra = ks.extra
    assert extra is not None
    for counts, column in zip(extra.distinct, distinct, strict=True):
        value = row[column]
        if value is not None:
            left = counts[value] - 1
            if left:
                counts[value] = left
            else:
                del counts[value]
    if extra.flags:
        for index, inside in enumerate(extra.flags.popleft()):
            if inside:
                extra.subset_totals[index] -= row[3]


Value = Callable[[KeyState], Any]


def _value(measure: Measure, distinct: tuple[int, ...], subsets: list[Any]) -> Value:
    """Return the raw value of a measure over a key's window (money in fen)."""
    if measure.kind == "count":
        return lambda ks: len(ks) - ks.head
    if measure.kind == "sum":
        return lambda ks: ks.total
    if measure.kind in ("max", "spread"):
        return lambda ks: max(r[3] for r in ks[ks.head :])
    if measure.kind == "distinct":
        index = distinct.index(ROW_COLUMNS[str(measure.field)])
        return lambda ks: len(ks.extra.distinct[index]) if ks.extra else 0
    position = subsets.index(measure.subset)
    return lambda ks: ks.extra.subset_totals[position] if ks.extra else 0


def _check(clause: Clause, distinct: tuple[int, ...], subsets: list[Any]) -> Callable[[KeyState], bool]:
    """Compile a clause into a test on a key's state; ratios and spreads are cross-multiplied."""
    value = _value(clause.measure, distinct, subsets)
    kind = clause.measure.kind
    if kind == "ratio":
        return lambda ks: clause_holds(clause, value(ks), Decimal(ks.total))
    if kind == "spread":
        return lambda ks: clause_holds(clause, value(ks), Decimal(min(r[3] for r in ks[ks.head :])))
    money = kind in ("sum", "max")
    threshold = fen_constant(clause.threshold) if money else _whole(clause.threshold)
    compare = _COMPARE[clause.op]
    if clause.min is None:
        return lambda ks: compare(value(ks), threshold)
    low = fen_constant(clause.min) if money else _whole(clause.min)
    return lambda ks: (v := value(ks)) >= low and compare(v, threshold)


def _observer(measure: Measure, distinct: tuple[int, ...], subsets: list[Any]) -> Callable[[KeyState], Decimal]:
    """Return the observed value an alert reports for the rule's measure."""
    value = _value(measure, distinct, subsets)
    if measure.kind == "ratio":
        return lambda ks: ratio(Decimal(value(ks)), Decimal(ks.total))
    if measure.kind == "spread":
        return lambda ks: ratio(Decimal(value(ks)), Decimal(min(r[3] for r in ks[ks.head :])))
    if measure.kind in ("sum", "max"):
        return lambda ks: _money(value(ks))
    return lambda ks: Decimal(value(ks))


def build_step(rule: Rule, keys: Keys) -> Step:
    """Return the step of one rule over its keys."""
    if isinstance(rule, RowRule):
        return row_step(rule, keys)
    if isinstance(rule, SequenceRule):
        return sequence_step(rule, keys)
    return aggregate_step(rule, keys)
