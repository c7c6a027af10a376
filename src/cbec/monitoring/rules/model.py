"""Payment monitoring rules as strict, immutable values: conditions, measures and the three rule kinds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from cbec.core.payments import PARTY_FIELDS
from cbec.core.severity import Severity

# Columns a condition may test; amount_cny and corridor are derived from each payment.
TEXT_FIELDS = (
    "payment_id",
    "institution_id",
    "channel",
    "direction",
    *PARTY_FIELDS,
    "currency",
    "status",
    "corridor",
)
NUMBER_FIELDS = ("amount", "amount_cny")
FIELDS = TEXT_FIELDS + NUMBER_FIELDS
GROUP_KEYS = ("payer_id", "payee_id", "enterprise_id", "institution_id", "corridor")

CompareOp = Literal["eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "null", "not_null"]
COMPARE_OPS: tuple[str, ...] = ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "null", "not_null")
ThresholdOp = Literal[">=", ">", "<=", "<"]
THRESHOLD_OPS: tuple[str, ...] = (">=", ">", "<=", "<")
MeasureKind = Literal["count", "sum", "max", "spread", "distinct", "ratio"]

_WINDOW = re.compile(r"([1-9][0-9]*)([smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3_600, "d": 86_400}


@dataclass(frozen=True, slots=True)
class Compare:
    """One test on one column of a payment; a missing (null) value fails every test but `null`."""

    field: str
    op: CompareOp
    value: str | Decimal | tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class AllOf:
    """Holds when every part holds."""

    parts: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    """Holds when at least one part holds."""

    parts: tuple[Condition, ...]


Condition = Compare | AllOf | AnyOf


@dataclass(frozen=True, slots=True)
class Window:
    """A sliding window length, kept with the text it was written as (`24h`, `30d`)."""

    seconds: int
    text: str

    @classmethod
    def parse(cls, text: str) -> Window:
        """Parse `<n><s|m|h|d>` or raise ValueError."""
        match = _WINDOW.fullmatch(text.strip())
        if not match:
            raise ValueError(f"window must look like 30m, 24h or 7d, got {text!r}")
        return cls(int(match.group(1)) * _UNIT_SECONDS[match.group(2)], text.strip())

    @property
    def micros(self) -> int:
        """Return the length in microseconds."""
        return self.seconds * 1_000_000


@dataclass(frozen=True, slots=True)
class Measure:
    """What an aggregate computes over its window.

    count; sum or max of amount_cny; spread = max / min of amount_cny (1 means equal amounts);
    distinct values of a key column; ratio = sum(amount_cny) of the `subset` rows / sum of all rows.
    """

    kind: MeasureKind
    field: str | None = None  # sum/max/spread: amount_cny; distinct: a key column
    subset: Condition | None = None  # ratio: sum(amount_cny) of these rows / sum(amount_cny) of all

    @property
    def text(self) -> str:
        """Return the measure as written in a rule file."""
        return self.kind if self.field is None else f"{self.kind}({self.field})"


@dataclass(frozen=True, slots=True)
class Clause:
    """`min <= measure op threshold`; `min` is the optional lower bound of a just-under band."""

    measure: Measure
    op: ThresholdOp
    threshold: Decimal
    min: Decimal | None = None

    def holds(self, value: Decimal | int) -> bool:
        """Tell whether an observed value meets the clause."""
        if self.min is not None and value < self.min:
            return False
        return _compare(value, self.op, self.threshold)


def _compare(value: Decimal | int, op: str, threshold: Decimal) -> bool:
    if op == ">=":
        return value >= threshold
    if op == ">":
        return value > threshold
    if op == "<=":
        return value <= threshold
    return value < threshold


@dataclass(frozen=True, slots=True)
class RuleHeader:
    """What every rule carries: identity, titles, severity, the legal source and its typology tag."""

    id: str
    version: int
    title_zh: str
    title_en: str
    severity: Severity
    source: str
    typology: str  # the laundering pattern it targets, e.g. structuring; used to measure quality


@dataclass(frozen=True, slots=True)
class RowRule:
    """Fires on each payment meeting `when`; payments of one key within `window` share an alert."""

    header: RuleHeader
    when: Condition
    group_by: tuple[str, ...]
    window: Window
    kind: Literal["row"] = "row"


@dataclass(frozen=True, slots=True)
class AggregateRule:
    """Fires on a payment when the measure over its key's window meets `clause` and every `also` clause."""

    header: RuleHeader
    where: Condition | None
    group_by: tuple[str, ...]
    window: Window
    clause: Clause
    also: tuple[Clause, ...] = ()
    kind: Literal["aggregate"] = "aggregate"


@dataclass(frozen=True, slots=True)
class SequenceRule:
    """Money into an account, then out of it within `window`: fires on an outbound leg meeting the bounds.

    Over the account's window: inbound legs (payee_id = account, `inbound` filter) and outbound legs
    (payer_id = account, `outbound` filter); out/in is the ratio of their amount_cny sums.
    """

    header: RuleHeader
    inbound: Condition | None
    outbound: Condition | None
    window: Window
    min_inbound_cny: Decimal
    min_outbound_cny: Decimal
    min_outbound_count: int
    ratio_min: Decimal
    ratio_max: Decimal | None
    kind: Literal["sequence"] = "sequence"


Rule = RowRule | AggregateRule | SequenceRule


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A versioned set of rules with the named lists they refer to."""

    id: str
    version: int
    rules: tuple[Rule, ...]
    lists: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def rule(self, rule_id: str) -> Rule:
        """Return one rule by id or raise KeyError."""
        for rule in self.rules:
            if rule.header.id == rule_id:
                return rule
        raise KeyError(rule_id)

    @property
    def longest_window(self) -> Window:
        """Return the longest window of any rule (the context a batch run reads before its month)."""
        return max((rule.window for rule in self.rules), key=lambda w: w.seconds, default=Window(1, "1s"))
