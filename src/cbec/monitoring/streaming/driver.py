"""The streaming driver: payments one by one in time order, bounded state per rule and key, checkpoints.

State per (rule, key) holds only the window's rows and the open episode; a key idle for longer than
its rule's window can no longer fire or join an episode and is dropped (exact, not an approximation).
`max_keys_per_rule` adds a hard LRU bound that trades exactness for memory when set.

Arrival (engine.py states it): payments of one instant may arrive in any order, so the engine holds the
newest instant's payments and takes them in the contract's order once a later instant arrives or the caller
says its input is drained (`process_many(..., drain=True)`, `drain()`); the held payments are part of the
state and of every checkpoint. `process` takes its payment at once (the scoring API answers for it now).
"""

from __future__ import annotations

import os
import pickle  # nosec B403  # only our own checkpoint files are read
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from cbec.core.money import BASE_CURRENCY, FxRateMissing, FxTable
from cbec.monitoring.engine import CENT, Alert, Payment, from_micros, local_day, make_alert, micros
from cbec.monitoring.rules.model import AggregateRule, Rule, RuleSet
from cbec.monitoring.streaming.dispatch import Fired, Step, compile_dispatch
from cbec.monitoring.streaming.state import Episode, Keys, build_step, size_and_last

CHECKPOINT_FORMAT = 3  # 3: the held instant's payments; 2: rows are shared tuples with amounts in fen
SWEEP_EVERY = 1024
HOUR_US = 3_600_000_000
FX_CACHE_SIZE = 4_096
_ONE = Decimal(1)
Position = tuple[int, str, str]  # (epoch µs, institution_id, payment_id): the contract's order
Held = tuple[Position, Payment, int]  # a payment of the newest instant, waiting, with its amount in fen
Priced = dict[int, tuple[Payment, int, int | None]]  # id(payment) -> (payment, epoch µs, amount in fen or None)


class StreamingEngine:
    """Run a rule set over payments arriving in (initiated_at, institution_id, payment_id) order."""

    def __init__(
        self,
        ruleset: RuleSet,
        fx: FxTable,
        *,
        max_keys_per_rule: int | None = None,
        owns: Callable[[Any], bool] | None = None,
        priced: Priced | None = None,
    ) -> None:
        """`owns(key)`, when given, limits every rule to the keys it accepts (a partition's share).

        `priced`, when given, is shared by engines that see the same Payment objects (a JetStream worker's
        engines, one per dimension): a payment's time and amount in fen are worked out by the first engine
        that takes it and read by the others. Its owner clears it between micro-batches.
        """
        self._priced = priced
        self.ruleset = ruleset
        self.fx = fx
        self.max_keys_per_rule = max_keys_per_rule
        self.rules: tuple[Rule, ...] = ruleset.rules
        self.keys: list[Keys] = [OrderedDict() for _ in self.rules]
        subsets = [
            [m.subset for m in (c.measure for c in (r.clause, *r.also)) if m.kind == "ratio" and m.subset]
            if isinstance(r, AggregateRule)
            else []
            for r in self.rules
        ]
        steps = [build_step(rule, keys) for rule, keys in zip(self.rules, self.keys, strict=True)]
        if owns is not None:
            steps = [_owned(step, owns) for step in steps]
        self._dispatch = compile_dispatch(self.rules, steps, subsets)
        self._rates: dict[tuple[str, int], Decimal | None] = {}
        self._corridors: dict[tuple[str | None, str | None], str] = {}
        self.last_order: Position | None = None  # the last payment taken
        self.held: list[Held] = []  # the newest instant's payments, not taken yet (all of one instant)
        self.processed = 0
        self.skipped = 0  # late or repeated payments, ignored
        self.unconverted = 0  # no FX rate

    def process(self, payment: Payment) -> list[Alert]:
        """Take one payment at once (with any held before it); return the alerts it opened or extended."""
        return self.process_many((payment,), drain=True)

    def process_many(
        self, payments: Iterable[Payment], *, drain: bool = False, late: list[int] | None = None
    ) -> list[Alert]:
        """Take a micro-batch in arrival order; return the latest state of every alert it opened or extended.

        The newest instant's payments stay held for the next call unless `drain` (the input ends here, or has
        nothing more for now). The positions in the batch of payments skipped as late or repeated are appended
        to `late` when given.
        """
        fired: Fired = []
        for number, payment in enumerate(payments):
            if not self._arrive(payment, fired) and late is not None:
                late.append(number)
        if drain and self.held:
            self._release(fired)
        latest = {id(episode): (index, key, episode) for index, key, episode in fired}
        return [self._alert(index, key, episode) for index, key, episode in latest.values()]

    def drain(self) -> list[Alert]:
        """Take the held instant's payments now (the input has nothing more for now); return their alerts."""
        return self.process_many((), drain=True)

    def _arrive(self, payment: Payment, fired: Fired) -> bool:
        """Convert and order-check one payment, then hold it; False when it is late or a repeat.

        A later instant releases the held one first (its firings are appended to `fired`). A payment is late
        when it is not after the last one taken or belongs to an instant before the held one.
        """
        known = self._priced.get(id(payment)) if self._priced is not None else None
        if known is not None and known[0] is payment:
            ts, fen = known[1], known[2]
        else:
            ts = micros(payment.initiated_at)
            fen = self._fen(payment.amount, payment.currency, ts)
            if self._priced is not None:  # the payment is kept with them: its id stays its own meanwhile
                self._priced[id(payment)] = (payment, ts, fen)
        if fen is None:
            self.unconverted += 1
            return True
        position = (ts, payment.institution_id, payment.payment_id)
        if self.held:
            instant = self.held[0][0][0]
            if ts > instant:
                self._release(fired)
            elif ts < instant or any(h[0] == position for h in self.held):
                self.skipped += 1
                return False
        if self.last_order is not None and position <= self.last_order:
            self.skipped += 1
            return False
        self.held.append((position, payment, fen))
        return True

    def _release(self, fired: Fired) -> None:
        """Take the held instant's payments in the contract's order."""
        held, self.held = self.held, []  # a new list: a snapshot may still refer to the old one
        if len(held) > 1:
            held.sort(key=lambda h: h[0])
        for position, payment, fen in held:
            self._take(payment, fen, position, fired)

    def _take(self, payment: Payment, fen: int, position: Position, fired: Fired) -> None:
        """Route one payment in order; firings are appended to `fired`."""
        ts = position[0]
        self.last_order = position
        self.processed += 1
        if self.processed % SWEEP_EVERY == 0:  # only bounds memory: an idle key never changes a result
            self._sweep(ts)
        countries = (payment.payer_country, payment.payee_country)
        corridor = self._corridors.get(countries)
        if corridor is None:  # one string per corridor, not one per held row
            corridor = self._corridors[countries] = f"{countries[0]}-{countries[1]}"
        row = (
            ts,
            payment.institution_id,
            payment.payment_id,
            fen,
            0,
            payment.payer_id,
            payment.payee_id,
            payment.enterprise_id,
            corridor,
        )
        self._dispatch(payment, fen, row, fired)

    def _fen(self, amount: Decimal, currency: str, ts: int) -> int | None:
        """Return amount_cny in fen (round half-up), the rate cached per currency and hour; None without a rate."""
        if currency == BASE_CURRENCY:
            rate: Decimal | None = _ONE
        else:
            slot = (currency, ts // HOUR_US)  # Asia/Shanghai offsets are whole hours: one UTC hour, one date
            if slot in self._rates:
                rate = self._rates[slot]
            else:
                if len(self._rates) >= FX_CACHE_SIZE:
                    self._rates.clear()
                rate = self._rates[slot] = self._rate(currency, local_day(from_micros(ts)))
        if rate is None:
            return None
        return int((amount * rate).quantize(CENT, rounding=ROUND_HALF_UP).scaleb(2))

    def _rate(self, currency: str, on: date) -> Decimal | None:
        try:
            return self.fx.rate(currency, on)
        except FxRateMissing:
            return None

    def _alert(self, index: int, key: Any, episode: Episode) -> Alert:
        rule = self.rules[index]
        key_tuple = key if isinstance(key, tuple) else (key,)
        return make_alert(
            rule,
            key_tuple,
            first_fire=episode.first_fire,
            observed=episode.observed,
            first_us=episode.first_us,
            last_us=episode.last_fire_us,
            payments=tuple(episode.payments),
            payment_count=episode.count,
        )

    def _sweep(self, now_us: int) -> None:
        """Drop keys idle for a whole window (they can neither fire nor join an episode)."""
        for rule, keys in zip(self.rules, self.keys, strict=True):
            horizon = now_us - rule.window.micros
            while keys:
                first_key, first = next(iter(keys.items()))
                if size_and_last(first)[1] > horizon:
                    break
                del keys[first_key]
            while self.max_keys_per_rule is not None and len(keys) > self.max_keys_per_rule:
                keys.popitem(last=False)

    def state_size(self) -> int:
        """Return the number of window rows held in memory over all rules and keys."""
        return sum(size_and_last(value)[0] for keys in self.keys for value in keys.values())

    def snapshot(self) -> dict[str, Any]:
        """Return the whole state as a picklable value (shared with the live engine: pickle it at once)."""
        return {
            "format": CHECKPOINT_FORMAT,
            "ruleset": (self.ruleset.id, self.ruleset.version),
            "rules": [(rule.header.id, rule.header.version) for rule in self.rules],
            "keys": self.keys,
            "counters": (self.last_order, self.processed, self.skipped, self.unconverted),
            "held": self.held,
        }

    def checkpoint(self, path: Path) -> None:
        """Write the whole state atomically so that a new engine can resume after the last payment."""
        write_atomically(path, self.snapshot())

    def restore(self, path: Path) -> None:
        """Load a checkpoint written by an engine with the same rule set (ids and versions)."""
        with path.open("rb") as handle:
            payload = pickle.load(handle)  # nosec B301  # our own checkpoint file, never untrusted input
        self.resume(payload, str(path))

    def resume(self, payload: dict[str, Any], where: str) -> None:
        """Take the state of a snapshot made by an engine with the same rule set (ids and versions)."""
        rules = [(rule.header.id, rule.header.version) for rule in self.rules]
        if payload.get("format") != CHECKPOINT_FORMAT or payload["rules"] != rules:
            raise ValueError(f"{where}: checkpoint is for another rule set or format")
        for keys, saved in zip(self.keys, payload["keys"], strict=True):
            keys.clear()  # the compiled steps hold these very dicts
            keys.update(saved)
        self.last_order, self.processed, self.skipped, self.unconverted = payload["counters"]
        self.held = list(payload["held"])


def write_atomically(path: Path, payload: object) -> None:
    """Pickle a value to a file so that a crash leaves either the old file or the new one, never half.

    The temporary name carries the writer's pid: a checkpoint child left running by a killed worker and its
    successor's writer never share one file.
    """
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as handle:
        pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)


def _owned(step: Step, owns: Callable[[Any], bool]) -> Step:
    """Run a step only for the keys a partition owns."""

    def guarded(key: Any, row: Any, *extra: Any) -> Any:
        return step(key, row, *extra) if owns(key) else None

    return guarded
