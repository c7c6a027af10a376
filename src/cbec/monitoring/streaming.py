"""The streaming driver: payments one by one in time order, bounded state per rule and key, checkpoints.

State per (rule, key) holds only the window's rows and the open episode; a key idle for longer than
its rule's window can no longer fire or join an episode and is dropped (exact, not an approximation).
`max_keys_per_rule` adds a hard LRU bound that trades exactness for memory when set.
"""

from __future__ import annotations

import os
import pickle
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from cbec.core.money import FxTable
from cbec.monitoring.engine import (
    MAX_ALERT_PAYMENTS,
    Alert,
    Facts,
    Payment,
    PaymentKey,
    clause_holds,
    deduplicate,
    facts_of,
    make_alert,
    predicate,
    ratio,
)
from cbec.monitoring.rule_model import AggregateRule, Clause, Measure, RowRule, Rule, RuleSet, SequenceRule

CHECKPOINT_FORMAT = 1
SWEEP_EVERY = 1024
Order = tuple[int, str, str, int]  # (epoch µs, institution_id, payment_id, side: 0 inbound / 1 outbound)


@dataclass(slots=True)
class _Entry:
    order: Order
    amount: Decimal
    distinct: tuple[Any, ...]
    subsets: tuple[bool, ...]
    side: int


@dataclass(slots=True)
class _Episode:
    alert_id: str
    first_fire: PaymentKey
    first_us: int
    last_fire_us: int
    last_included: Order
    payments: list[PaymentKey]
    count: int
    observed: Decimal


@dataclass(slots=True)
class _KeyState:
    rows: deque[_Entry] = field(default_factory=deque)
    total: Decimal = Decimal(0)
    out_total: Decimal = Decimal(0)
    out_count: int = 0
    subset_totals: list[Decimal] = field(default_factory=list)
    distinct: list[Counter[Any]] = field(default_factory=list)
    episode: _Episode | None = None


class _RuleState:
    """Keys of one rule, least recently touched first."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.window_us = rule.window.micros
        self.keys: OrderedDict[tuple[str, ...], _KeyState] = OrderedDict()
        self.filters = self._filters()
        clauses = (rule.clause, *rule.also) if isinstance(rule, AggregateRule) else ()
        measures = [c.measure for c in clauses]
        self.distinct_fields = tuple(dict.fromkeys(str(m.field) for m in measures if m.kind == "distinct"))
        self.subset_conditions = tuple(m.subset for m in measures if m.kind == "ratio")
        self.subsets = tuple(predicate(c) for c in self.subset_conditions)

    def _filters(self) -> list[tuple[int, Callable[[Facts], tuple[str, ...] | None], Any]]:
        rule = self.rule
        if isinstance(rule, SequenceRule):
            return [(0, _key_getter(("payee_id",)), predicate(rule.inbound)),
                    (1, _key_getter(("payer_id",)), predicate(rule.outbound))]  # fmt: skip
        condition = rule.when if isinstance(rule, RowRule) else rule.where
        return [(0, _key_getter(rule.group_by), predicate(condition))]


def _key_getter(names: tuple[str, ...]) -> Callable[[Facts], tuple[str, ...] | None]:
    """Return a function giving a payment's group key, or None when a part of it is null."""
    if len(names) == 1:
        name = names[0]

        def single(facts: Facts) -> tuple[str, ...] | None:
            value = facts[name]
            return None if value is None else (value,)

        return single

    def several(facts: Facts) -> tuple[str, ...] | None:
        values = tuple(facts[n] for n in names)
        return None if None in values else values

    return several


class StreamingEngine:
    """Run a rule set over payments arriving in (initiated_at, institution_id, payment_id) order."""

    def __init__(self, ruleset: RuleSet, fx: FxTable, *, max_keys_per_rule: int | None = None) -> None:
        self.ruleset = ruleset
        self.fx = fx
        self.max_keys_per_rule = max_keys_per_rule
        self.states = [_RuleState(rule) for rule in ruleset.rules]
        self.last_order: tuple[int, str, str] | None = None
        self.processed = 0
        self.skipped = 0  # replayed or late payments, ignored
        self.unconverted = 0  # no FX rate

    def process(self, payment: Payment) -> list[Alert]:
        """Take one payment; return the alerts it opened or extended (their latest state)."""
        facts = facts_of(payment, self.fx)
        if facts is None:
            self.unconverted += 1
            return []
        position = (facts["ts"], payment.institution_id, payment.payment_id)
        if self.last_order is not None and position <= self.last_order:
            self.skipped += 1
            return []
        self.last_order = position
        self.processed += 1
        alerts: list[Alert] = []
        if self.processed % SWEEP_EVERY == 0:  # only bounds memory: an idle key never changes a result
            for state in self.states:
                self._sweep(state, facts["ts"])
        for state in self.states:
            for side, key_of, test in state.filters:
                if not test(facts):
                    continue
                key = key_of(facts)
                if key is None:
                    continue
                alert = self._step(state, key, facts, side)
                if alert is not None:
                    alerts.append(alert)
        return alerts

    def process_many(self, payments: Iterable[Payment]) -> list[Alert]:
        """Take a micro-batch in order; return the latest state of every alert it opened or extended."""
        latest: dict[str, Alert] = {}
        for payment in payments:
            for alert in self.process(payment):
                latest[alert.alert_id] = alert
        return list(latest.values())

    def _sweep(self, state: _RuleState, now_us: int) -> None:
        """Drop keys idle for a whole window (they can neither fire nor join an episode)."""
        keys = state.keys
        while keys:
            first_key, first = next(iter(keys.items()))
            if first.rows and first.rows[-1].order[0] > now_us - state.window_us:
                break
            del keys[first_key]
        while self.max_keys_per_rule is not None and len(keys) > self.max_keys_per_rule:
            keys.popitem(last=False)

    def _step(self, state: _RuleState, key: tuple[str, ...], facts: Facts, side: int) -> Alert | None:
        now = facts["ts"]
        ks = state.keys.get(key)
        if ks is None:
            ks = state.keys[key] = _KeyState(
                subset_totals=[Decimal(0)] * len(state.subsets),
                distinct=[Counter() for _ in state.distinct_fields],
            )
        else:
            state.keys.move_to_end(key)
        rows = ks.rows
        while rows and rows[0].order[0] <= now - state.window_us:
            self._forget(ks, rows.popleft())
        amount: Decimal = facts["amount_cny"]
        entry = _Entry(
            order=(now, facts["institution_id"], facts["payment_id"], side),
            amount=amount,
            distinct=tuple(facts[name] for name in state.distinct_fields) if state.distinct_fields else (),
            subsets=tuple(test(facts) for test in state.subsets) if state.subsets else (),
            side=side,
        )
        rows.append(entry)
        self._remember(ks, entry)
        observed = self._fires(state, ks, entry)
        if observed is None:
            return None
        return self._deduplicate(state, key, ks, entry, observed)

    @staticmethod
    def _remember(ks: _KeyState, entry: _Entry) -> None:
        if entry.side:
            ks.out_total += entry.amount
            ks.out_count += 1
        else:
            ks.total += entry.amount
        if entry.subsets:
            for index, inside in enumerate(entry.subsets):
                if inside:
                    ks.subset_totals[index] += entry.amount
        if entry.distinct:
            for counter, value in zip(ks.distinct, entry.distinct, strict=True):
                if value is not None:
                    counter[value] += 1

    @staticmethod
    def _forget(ks: _KeyState, entry: _Entry) -> None:
        if entry.side:
            ks.out_total -= entry.amount
            ks.out_count -= 1
        else:
            ks.total -= entry.amount
        for index, inside in enumerate(entry.subsets):
            if inside:
                ks.subset_totals[index] -= entry.amount
        for counter, value in zip(ks.distinct, entry.distinct, strict=True):
            if value is not None:
                counter[value] -= 1
                if not counter[value]:
                    del counter[value]

    def _fires(self, state: _RuleState, ks: _KeyState, entry: _Entry) -> Decimal | None:
        """Return the observed value when the rule fires on this entry, else None."""
        rule = state.rule
        if isinstance(rule, RowRule):
            return entry.amount
        if isinstance(rule, SequenceRule):
            inbound, outbound = ks.total, ks.out_total
            if not entry.side or inbound <= 0 or inbound < rule.min_inbound_cny:
                return None
            if outbound < rule.min_outbound_cny or ks.out_count < rule.min_outbound_count:
                return None
            if outbound < rule.ratio_min * inbound:
                return None
            if rule.ratio_max is not None and outbound > rule.ratio_max * inbound:
                return None
            return ratio(outbound, inbound)
        if not self._holds(state, rule.clause, ks):
            return None
        for clause in rule.also:
            if not self._holds(state, clause, ks):
                return None
        measure = rule.clause.measure
        if measure.kind == "ratio":
            return ratio(ks.subset_totals[state.subset_conditions.index(measure.subset)], ks.total)
        if measure.kind == "spread":
            return ratio(max(e.amount for e in ks.rows), min(e.amount for e in ks.rows))
        return Decimal(self._value(state, measure, ks))

    @staticmethod
    def _value(state: _RuleState, measure: Measure, ks: _KeyState) -> Decimal | int:
        if measure.kind == "count":
            return len(ks.rows)
        if measure.kind == "sum":
            return ks.total
        if measure.kind in ("max", "spread"):
            return max(e.amount for e in ks.rows)
        if measure.kind == "distinct":
            return len(ks.distinct[state.distinct_fields.index(str(measure.field))])
        return ks.subset_totals[state.subset_conditions.index(measure.subset)]

    def _holds(self, state: _RuleState, clause: Clause, ks: _KeyState) -> bool:
        value = self._value(state, clause.measure, ks)
        if clause.measure.kind == "ratio":
            return clause_holds(clause, value, ks.total)
        if clause.measure.kind == "spread":
            return clause_holds(clause, value, min(e.amount for e in ks.rows))
        return clause_holds(clause, value)

    def _deduplicate(
        self, state: _RuleState, key: tuple[str, ...], ks: _KeyState, entry: _Entry, observed: Decimal
    ) -> Alert:
        """Open a new episode or let the firing join the open one, then list the new window rows."""
        now = entry.order[0]
        episode = ks.episode
        if episode is None or not deduplicate(episode.last_fire_us, now, state.window_us):
            first = ks.rows[0]
            fire_key = (entry.order[1], entry.order[2])
            episode = ks.episode = _Episode(
                alert_id="",
                first_fire=fire_key,
                first_us=first.order[0],
                last_fire_us=now,
                last_included=(-1, "", "", 0),
                payments=[],
                count=0,
                observed=observed,
            )
        # Rows are in order and only the tail is new since the last firing: walk back to it, so a key
        # that fires on every payment costs O(new rows), not O(window), per payment.
        fresh = []
        for row in reversed(ks.rows):
            if row.order <= episode.last_included:
                break
            fresh.append(row)
        for row in reversed(fresh):
            episode.count += 1
            if len(episode.payments) < MAX_ALERT_PAYMENTS:
                episode.payments.append((row.order[1], row.order[2]))
            episode.last_included = row.order
        episode.last_fire_us = now
        episode.observed = observed
        return make_alert(
            state.rule,
            key,
            first_fire=episode.first_fire,
            observed=observed,
            first_us=episode.first_us,
            last_us=now,
            payments=tuple(episode.payments),
            payment_count=episode.count,
        )

    def state_size(self) -> int:
        """Return the number of window rows held in memory over all rules and keys."""
        return sum(len(ks.rows) for state in self.states for ks in state.keys.values())

    def checkpoint(self, path: Path) -> None:
        """Write the whole state atomically so that a new engine can resume after the last payment."""
        payload = {
            "format": CHECKPOINT_FORMAT,
            "ruleset": (self.ruleset.id, self.ruleset.version),
            "rules": [(s.rule.header.id, s.rule.header.version) for s in self.states],
            "keys": [s.keys for s in self.states],
            "counters": (self.last_order, self.processed, self.skipped, self.unconverted),
        }
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("wb") as handle:
            pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)

    def restore(self, path: Path) -> None:
        """Load a checkpoint written by an engine with the same rule set (ids and versions)."""
        with path.open("rb") as handle:
            payload = pickle.load(handle)  # our own checkpoint file, never untrusted input
        rules = [(s.rule.header.id, s.rule.header.version) for s in self.states]
        if payload.get("format") != CHECKPOINT_FORMAT or payload["rules"] != rules:
            raise ValueError(f"{path}: checkpoint is for another rule set or format")
        for state, keys in zip(self.states, payload["keys"], strict=True):
            state.keys = keys
        self.last_order, self.processed, self.skipped, self.unconverted = payload["counters"]
