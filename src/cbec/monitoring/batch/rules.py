"""Where each rule fires in the batch driver, and what it observes there, over a rule's stream."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

import numpy as np

from cbec.monitoring.batch.load import MonthData
from cbec.monitoring.batch.windows import (
    Bools,
    Ints,
    Stream,
    compare,
    window_distinct,
    window_extreme,
    window_sums,
)
from cbec.monitoring.engine import ratio
from cbec.monitoring.rules.model import AggregateRule, Clause, Measure, RowRule, Rule, SequenceRule

FEN = 100
Observe = Callable[[int], Decimal]  # stream row of the latest firing -> observed value


class Measures:
    """The window measures of one stream, each computed once when first asked for."""

    def __init__(self, data: MonthData, stream: Stream) -> None:
        self.data, self.stream = data, stream
        self.fen = data.fen[stream.pos]
        self._cache: dict[object, Ints] = {}

    def _get(self, name: object, make: Callable[[], Ints]) -> Ints:
        if name not in self._cache:
            self._cache[name] = make()
        return self._cache[name]

    def count(self) -> Ints:
        """Return the rows in each window."""
        return self._get("count", lambda: np.arange(self.stream.size, dtype=np.int64) - self.stream.start + 1)

    def total(self, side: int = 0) -> Ints:
        """Return the window sum of amounts in fen (of one side's legs)."""
        if not np.any(self.stream.side):
            return self._get("total", lambda: window_sums(self.fen, self.stream.start))
        return self._get(("total", side), lambda: window_sums(self.fen * (self.stream.side == side), self.stream.start))

    def side_count(self, side: int) -> Ints:
        """Return the legs of one side in each window."""
        return self._get(
            ("count", side),
            lambda: window_sums((self.stream.side == side).astype(np.int64), self.stream.start),
        )

    def extreme(self, largest: bool) -> Ints:
        """Return the window max (or min) amount in fen."""
        return self._get(("extreme", largest), lambda: window_extreme(self.fen, self.stream.start, largest=largest))

    def distinct(self, name: str) -> Ints:
        """Return the distinct non-null values of a key column in each window."""
        return self._get(
            ("distinct", name),
            lambda: window_distinct(self.data.codes[name][self.stream.pos], self.stream.start),
        )

    def subset(self, measure: Measure) -> Ints:
        """Return the window sum of the amounts of a ratio's subset rows."""
        inside = self.data.holds(measure.subset)[self.stream.pos]
        return self._get(("subset", str(measure.subset)), lambda: window_sums(self.fen * inside, self.stream.start))

    def value(self, measure: Measure) -> tuple[Ints, Ints | None, int]:
        """Return (numerator, denominator or None, fen scale of the numerator) of a measure."""
        if measure.kind == "count":
            return self.count(), None, 1
        if measure.kind == "sum":
            return self.total(), None, FEN
        if measure.kind == "max":
            return self.extreme(True), None, FEN
        if measure.kind == "spread":
            return self.extreme(True), self.extreme(False), 1
        if measure.kind == "distinct":
            return self.distinct(str(measure.field)), None, 1
        return self.subset(measure), self.total(), 1


def _holds(clause: Clause, measures: Measures) -> Bools:
    """Tell where a clause holds, exactly as engine.clause_holds decides it."""
    value, den, scale = measures.value(clause.measure)
    if den is None:
        ok = compare(value, clause.op, Fraction(clause.threshold) * scale)
        if clause.min is not None:
            ok &= compare(value, ">=", Fraction(clause.min) * scale)
        return ok
    ok = den > 0
    ok &= compare(value, clause.op, Fraction(clause.threshold), den)
    if clause.min is not None:
        ok &= compare(value, ">=", Fraction(clause.min), den)
    return ok


def _in_cny(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def fires(rule: Rule, data: MonthData, stream: Stream) -> tuple[Bools, Observe]:
    """Return where the rule fires (month rows only) and how to read its observed value."""
    measures = Measures(data, stream)
    in_month = data.in_month[stream.pos]
    if isinstance(rule, RowRule):
        fen = measures.fen
        return in_month, lambda row: _in_cny(int(fen[row]))
    if isinstance(rule, SequenceRule):
        inbound, outbound = measures.total(0), measures.total(1)
        fired = in_month & (stream.side == 1) & (inbound > 0)
        fired &= compare(inbound, ">=", Fraction(rule.min_inbound_cny) * FEN)
        fired &= compare(outbound, ">=", Fraction(rule.min_outbound_cny) * FEN)
        fired &= measures.side_count(1) >= rule.min_outbound_count
        fired &= compare(outbound, ">=", Fraction(rule.ratio_min), inbound)
        if rule.ratio_max is not None:
            fired &= compare(outbound, "<=", Fraction(rule.ratio_max), inbound)
        return fired, lambda row: ratio(Decimal(int(outbound[row])), Decimal(int(inbound[row])))
    assert isinstance(rule, AggregateRule)
    fired = in_month
    for clause in (rule.clause, *rule.also):
        fired = fired & _holds(clause, measures)
    value, den, scale = measures.value(rule.clause.measure)
    if den is not None:
        return fired, lambda row: ratio(Decimal(int(value[row])), Decimal(int(den[row])))
    if scale == FEN:
        return fired, lambda row: _in_cny(int(value[row]))
    return fired, lambda row: Decimal(int(value[row]))
