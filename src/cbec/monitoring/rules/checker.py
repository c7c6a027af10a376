"""Checks of one rule file: every problem recorded with its line, none stops the others."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import cast

from cbec.monitoring.rules.model import (
    COMPARE_OPS,
    FIELDS,
    GROUP_KEYS,
    NUMBER_FIELDS,
    THRESHOLD_OPS,
    AllOf,
    AnyOf,
    Clause,
    Compare,
    CompareOp,
    Condition,
    Measure,
    MeasureKind,
    ThresholdOp,
    Window,
)
from cbec.monitoring.rules.yaml_lines import LineMap, LineSeq


@dataclass(frozen=True, slots=True)
class RuleError:
    """One problem of a rule file: where it is, which rule, what is wrong."""

    file: str
    line: int
    rule_id: str | None
    message: str

    def __str__(self) -> str:
        rule = f" [{self.rule_id}]" if self.rule_id else ""
        return f"{self.file}:{self.line}:{rule} {self.message}"


class RuleSetError(ValueError):
    """A rule set has errors; all of them are listed."""

    def __init__(self, errors: Sequence[RuleError]) -> None:
        self.errors = list(errors)
        super().__init__(f"{len(self.errors)} rule error(s):\n" + "\n".join(str(e) for e in self.errors))


@dataclass
class RuleChecker:
    """Collects the errors of one file while its rules are read."""

    file: str
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    errors: list[RuleError] = field(default_factory=list)
    rule_id: str | None = None

    def error(self, line: int, message: str) -> None:
        self.errors.append(RuleError(self.file, line, self.rule_id, message))

    def mapping(self, value: object, line: int, what: str, allowed: set[str]) -> LineMap | None:
        if not isinstance(value, LineMap):
            self.error(line, f"{what} must be a mapping")
            return None
        for key, dup_line in value.duplicates:
            self.error(dup_line, f"{what}: key {key!r} given twice")
        for key in sorted(set(value) - allowed):
            self.error(value.lines[key], f"{what}: unknown key {key!r}; allowed: {', '.join(sorted(allowed))}")
        return value

    def text(self, data: LineMap, key: str, *, required: bool = True) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                self.error(data.line, f"missing {key}")
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(data.lines[key], f"{key} must be non-empty text")
            return None
        return value.strip()

    def number(self, data: LineMap, key: str, *, required: bool = True, positive: bool = False) -> Decimal | None:
        value = data.get(key)
        if value is None:
            if required:
                self.error(data.line, f"missing {key}")
            return None
        try:
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                raise InvalidOperation
            number = Decimal(str(value).replace("_", ""))
        except InvalidOperation:
            self.error(data.lines[key], f"{key} must be a number, got {value!r}")
            return None
        if not number.is_finite() or number < 0 or (positive and number == 0):
            self.error(data.lines[key], f"{key} must be a {'positive' if positive else 'non-negative'} number")
            return None
        return number

    def window(self, data: LineMap, default: str | None = None) -> Window | None:
        value = data.get("window", default)
        if value is None:
            self.error(data.line, "missing window")
            return None
        try:
            return Window.parse(str(value))
        except ValueError as exc:
            self.error(data.lines.get("window", data.line), str(exc))
            return None

    def group_by(self, data: LineMap, default: tuple[str, ...] | None = None) -> tuple[str, ...] | None:
        value = data.get("group_by")
        if value is None:
            if default is None:
                self.error(data.line, "missing group_by")
            return default
        keys = [value] if isinstance(value, str) else value
        line = data.lines["group_by"]
        if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
            self.error(line, "group_by must be a key or a list of keys")
            return None
        bad = [k for k in keys if k not in GROUP_KEYS]
        if bad:
            self.error(line, f"group_by: unknown key(s) {', '.join(bad)}; allowed: {', '.join(GROUP_KEYS)}")
            return None
        return tuple(keys)

    def condition(self, value: object, line: int) -> Condition | None:
        if not isinstance(value, LineMap):
            self.error(line, "a condition must be a mapping: {all: [...]}, {any: [...]} or {field: ..., <op>: ...}")
            return None
        for key, dup_line in value.duplicates:
            self.error(dup_line, f"condition: key {key!r} given twice")
        if "all" in value or "any" in value:
            word = "all" if "all" in value else "any"
            if len(value) != 1:
                self.error(value.line, f"condition: '{word}' stands alone in its mapping")
            parts = value[word]
            if not isinstance(parts, LineSeq) or not parts:
                self.error(value.lines[word], f"'{word}' must be a non-empty list of conditions")
                return None
            checked = [self.condition(part, part_line) for part, part_line in zip(parts, parts.lines, strict=True)]
            if any(c is None for c in checked):
                return None
            done = tuple(c for c in checked if c is not None)
            return AllOf(done) if word == "all" else AnyOf(done)
        return self.compare(value)

    def compare(self, value: LineMap) -> Condition | None:
        name = value.get("field")
        ops = [k for k in value if k != "field"]
        if not isinstance(name, str) or name not in FIELDS:
            self.error(value.lines.get("field", value.line), f"condition: field must be one of {', '.join(FIELDS)}")
            return None
        if len(ops) != 1 or ops[0] not in COMPARE_OPS:
            self.error(value.line, f"condition on {name}: give exactly one operator of {', '.join(COMPARE_OPS)}")
            return None
        op, raw, line = ops[0], value[ops[0]], value.lines[ops[0]]
        if op in ("null", "not_null"):
            if raw is not True:
                self.error(line, f"{op} takes the value true")
                return None
            return Compare(name, cast(CompareOp, op))
        if op in ("in", "not_in"):
            items = self.lists.get(raw[1:]) if isinstance(raw, str) and raw.startswith("$") else raw
            if items is None:
                self.error(line, f"unknown list {raw!r}; define it under lists:")
                return None
            if not isinstance(items, list | tuple) or not items or not all(isinstance(i, str) for i in items):
                self.error(line, f"{op} needs a non-empty list of text values or a $list")
                return None
            return Compare(name, cast(CompareOp, op), tuple(items))
        if name in NUMBER_FIELDS:
            number = self.number(value, op)
            return None if number is None else Compare(name, cast(CompareOp, op), number)
        if op not in ("eq", "ne") or not isinstance(raw, str):
            self.error(line, f"{name} is text: use eq, ne, in or not_in with text values")
            return None
        return Compare(name, cast(CompareOp, op), raw)

    def measure(self, data: LineMap) -> Measure | None:
        raw = data.get("measure")
        line = data.lines.get("measure", data.line)
        if not isinstance(raw, str):
            self.error(line, "missing measure: count, sum(amount_cny), max(amount_cny), distinct(<key>) or ratio")
            return None
        text = raw.replace(" ", "")
        if text in ("count", "ratio"):
            if text == "ratio":
                if "subset" not in data:
                    self.error(line, "ratio needs subset: the rows whose amount_cny sum is divided by the window's")
                    return None
                subset = self.condition(data["subset"], data.lines["subset"])
                return None if subset is None else Measure("ratio", None, subset)
            return Measure("count")
        for kind, allowed in (
            ("sum", NUMBER_FIELDS[1:]),
            ("max", NUMBER_FIELDS[1:]),
            ("spread", NUMBER_FIELDS[1:]),
            ("distinct", GROUP_KEYS),
        ):
            if text.startswith(f"{kind}(") and text.endswith(")"):
                column = text[len(kind) + 1 : -1]
                if column not in allowed:
                    self.error(line, f"{kind}() takes one of {', '.join(allowed)}, got {column!r}")
                    return None
                return Measure(cast(MeasureKind, kind), column)
        self.error(line, f"unknown measure {raw!r}: count, sum|max|spread(amount_cny), distinct(<key>), ratio")
        return None

    def clause(self, data: LineMap) -> Clause | None:
        measure = self.measure(data)
        op = data.get("op")
        if op not in THRESHOLD_OPS:
            self.error(data.lines.get("op", data.line), f"op must be one of {', '.join(THRESHOLD_OPS)}")
        threshold = self.number(data, "threshold")
        low = self.number(data, "min", required=False)
        if low is not None and threshold is not None and low >= threshold:
            self.error(data.lines["min"], f"min {low} must be below threshold {threshold}")
            return None
        if measure is None or op not in THRESHOLD_OPS or threshold is None:
            return None
        return Clause(measure, cast(ThresholdOp, op), threshold, low)
