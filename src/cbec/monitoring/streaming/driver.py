"""The streaming driver: payments one by one in time order, bounded state per rule and key, checkpoints.

State per (rule, key) holds only the window's rows and the open episode; a key idle for longer than
its rule's window can no longer fire or join an episode and is dropped (exact, not an approximation).
`max_keys_per_rule` adds a hard LRU bound that trades exactness for memory when set.
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

CHECKPOINT_FORMAT = 2  # 2: rows are shared tuples with amounts in fen; closures rebuilt from the rule set
SWEEP_EVERY = 1024
HOUR_US = 3_600_000_000
FX_CACHE_SIZE = 4_096
_ONE = Decimal(1)


class StreamingEngine:
    """Run a rule set over payments arriving in (initiated_at, institution_id, payment_id) order."""

    def __init__(
        self,
        ruleset: RuleSet,
        fx: FxTable,
        *,
        max_keys_per_rule: int | None = None,
        owns: Callable[[Any], bool] | None = None,
    ) -> None:
        """`owns(key)`, when given, limits every rule to the keys it accepts (a partition's share)."""
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
        self.last_order: tuple[int, str, str] | None = None
        self.processed = 0
        self.skipped = 0  # replayed or late payments, ignored
        self.unconverted = 0  # no FX rate

    def process(self, payment: Payment) -> list[Alert]:
        """Take one payment; return the alerts it opened or extended (their latest state)."""
        fired: Fired = []
        self._take(payment, fired)
        return [self._alert(index, key, episode) for index, key, episode in fired]

    def process_many(self, payments: Iterable[Payment]) -> list[Alert]:
        """Take a micro-batch in order; return the latest state of every alert it opened or extended."""
        fired: Fired = []
        for payment in payments:
            self._take(payment, fired)
        latest = {id(episode): (index, key, episode) for index, key, episode in fired}
        return [self._alert(index, key, episode) for index, key, episode in latest.values()]

    def _take(self, payment: Payment, fired: Fired) -> None:
        """Convert, order-check and route one payment; firings are appended to `fired`."""
        ts = micros(payment.initiated_at)
        fen = self._fen(payment.amount, payment.currency, ts)
        if fen is None:
            self.unconverted += 1
            return
        position = (ts, payment.institution_id, payment.payment_id)
        if self.last_order is not None and position <= self.last_order:
            self.skipped += 1
            return
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
