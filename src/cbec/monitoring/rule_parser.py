"""Read rule sets from YAML into strict types, reporting every error of a file with its line at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import cast

import yaml

from cbec.monitoring.rule_model import (
    COMPARE_OPS,
    FIELDS,
    GROUP_KEYS,
    NUMBER_FIELDS,
    SEVERITIES,
    THRESHOLD_OPS,
    AggregateRule,
    AllOf,
    AnyOf,
    Clause,
    Compare,
    CompareOp,
    Condition,
    Measure,
    MeasureKind,
    RowRule,
    Rule,
    RuleHeader,
    RuleSet,
    SequenceRule,
    Severity,
    ThresholdOp,
    Window,
)  # fmt: skip
from cbec.monitoring.rule_yaml import LineMap, LineSeq, load_yaml

SHIPPED_RULES = Path(__file__).parent / "rules" / "china_payments.yaml"
_HEADER_KEYS = {"id", "kind", "version", "title_zh", "title_en", "severity", "source", "typology", "notes"}
_KIND_KEYS = {
    "row": {"when", "group_by", "window"},
    "aggregate": {"where", "group_by", "window", "measure", "op", "threshold", "min", "subset", "also"},
    "sequence": {"inbound", "outbound", "window", "min_inbound_cny", "min_outbound_cny",
                 "min_outbound_count", "ratio"},
}  # fmt: skip
_CLAUSE_KEYS = {"measure", "op", "threshold", "min", "subset"}


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
class _Checker:
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
            self.error(
                value.lines[key], f"{what}: unknown key {key!r}; allowed: {', '.join(sorted(allowed))}"
            )
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

    def number(
        self, data: LineMap, key: str, *, required: bool = True, positive: bool = False
    ) -> Decimal | None:
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
            self.error(
                data.lines[key], f"{key} must be a {'positive' if positive else 'non-negative'} number"
            )
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
            self.error(
                line, "a condition must be a mapping: {all: [...]}, {any: [...]} or {field: ..., <op>: ...}"
            )
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
            checked = [
                self.condition(part, part_line) for part, part_line in zip(parts, parts.lines, strict=True)
            ]
            if any(c is None for c in checked):
                return None
            done = tuple(c for c in checked if c is not None)
            return AllOf(done) if word == "all" else AnyOf(done)
        return self.compare(value)

    def compare(self, value: LineMap) -> Condition | None:
        name = value.get("field")
        ops = [k for k in value if k != "field"]
        if not isinstance(name, str) or name not in FIELDS:
            self.error(
                value.lines.get("field", value.line), f"condition: field must be one of {', '.join(FIELDS)}"
            )
            return None
        if len(ops) != 1 or ops[0] not in COMPARE_OPS:
            self.error(
                value.line, f"condition on {name}: give exactly one operator of {', '.join(COMPARE_OPS)}"
            )
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
            self.error(
                line, "missing measure: count, sum(amount_cny), max(amount_cny), distinct(<key>) or ratio"
            )
            return None
        text = raw.replace(" ", "")
        if text in ("count", "ratio"):
            if text == "ratio":
                if "subset" not in data:
                    self.error(
                        line, "ratio needs subset: the rows whose amount_cny sum is divided by the window's"
                    )
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
        self.error(
            line, f"unknown measure {raw!r}: count, sum|max|spread(amount_cny), distinct(<key>), ratio"
        )
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


def _header(check: _Checker, data: LineMap) -> RuleHeader | None:
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        check.error(data.lines.get("version", data.line), "version must be a positive integer")
    severity = data.get("severity")
    if severity not in SEVERITIES:
        check.error(data.lines.get("severity", data.line), f"severity must be one of {', '.join(SEVERITIES)}")
    texts = [check.text(data, key) for key in ("title_zh", "title_en", "source", "typology")]
    if not isinstance(version, int) or severity not in SEVERITIES or any(t is None for t in texts):
        return None
    zh, en, source, typology = (str(t) for t in texts)
    return RuleHeader(check.rule_id or "", version, zh, en, cast(Severity, severity), source, typology)


def _optional_condition(check: _Checker, data: LineMap, key: str) -> tuple[bool, Condition | None]:
    if key not in data:
        return True, None
    condition = check.condition(data[key], data.lines[key])
    return condition is not None, condition


def _rule(check: _Checker, data: LineMap, kind: str) -> Rule | None:
    header = _header(check, data)
    window = check.window(data, "24h" if kind == "row" else None)
    if kind == "row":
        when = check.condition(data["when"], data.lines["when"]) if "when" in data else None
        if "when" not in data:
            check.error(data.line, "missing when")
        group = check.group_by(data, ("payer_id",))
        if header and when and group and window:
            return RowRule(header, when, group, window)
        return None
    if kind == "aggregate":
        ok, where = _optional_condition(check, data, "where")
        group = check.group_by(data)
        clause = check.clause(data)
        also: list[Clause | None] = []
        raw_also = data.get("also", LineSeq())
        if not isinstance(raw_also, LineSeq):
            check.error(data.lines["also"], "also must be a list of {measure, op, threshold} clauses")
            ok = False
        else:
            for item, line in zip(raw_also, raw_also.lines, strict=True):
                mapped = check.mapping(item, line, "also clause", _CLAUSE_KEYS)
                also.append(check.clause(mapped) if mapped is not None else None)
        if header and ok and group and clause and window and all(c is not None for c in also):
            return AggregateRule(
                header, where, group, window, clause, tuple(c for c in also if c is not None)
            )
        return None
    ok_in, inbound = _optional_condition(check, data, "inbound")
    ok_out, outbound = _optional_condition(check, data, "outbound")
    min_in = check.number(data, "min_inbound_cny", required=False) or Decimal(0)
    min_out = check.number(data, "min_outbound_cny", required=False) or Decimal(0)
    count = data.get("min_outbound_count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        check.error(
            data.lines.get("min_outbound_count", data.line), "min_outbound_count must be a positive integer"
        )
    if "ratio" not in data:
        check.error(data.line, "missing ratio: {min: <out/in at least>, max: <out/in at most>}")
    ratio = (
        check.mapping(data["ratio"], data.lines["ratio"], "ratio", {"min", "max"})
        if "ratio" in data
        else None
    )
    low = check.number(ratio, "min") if ratio is not None else None
    high = check.number(ratio, "max", required=False) if ratio is not None else None
    if low is not None and high is not None and high < low:
        check.error(ratio.lines["max"] if ratio else data.line, "ratio max must not be below min")
        return None
    if header and window and ok_in and ok_out and isinstance(count, int) and count >= 1 and low is not None:
        return SequenceRule(header, inbound, outbound, window, min_in, min_out, count, low, high)
    return None


def _parse(text: str, source: str) -> tuple[RuleSet | None, list[RuleError]]:
    """Parse one rule file's text; return the rule set (None when anything is wrong) and every error."""
    check = _Checker(source)
    try:
        doc = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, [RuleError(source, mark.line + 1 if mark else 1, None, f"not valid YAML: {exc}")]
    top = check.mapping(doc, 1, "rule set", {"ruleset", "version", "lists", "rules", "title", "notes"})
    if top is None:
        return None, check.errors
    set_id = check.text(top, "ruleset")
    version = top.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        check.error(top.lines.get("version", top.line), "rule set version must be a positive integer")
    lists = top.get("lists", LineMap())
    if isinstance(lists, LineMap):
        for name, items in lists.items():
            if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
                check.error(lists.lines[name], f"list {name!r} must be a non-empty list of text values")
            else:
                check.lists[name] = tuple(items)
    else:
        check.error(top.lines["lists"], "lists must map names to lists of values")
    rules_raw = top.get("rules")
    if not isinstance(rules_raw, LineSeq) or not rules_raw:
        check.error(top.lines.get("rules", top.line), "rules must be a non-empty list")
        return None, check.errors
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for item, line in zip(rules_raw, rules_raw.lines, strict=True):
        check.rule_id = (
            item.get("id") if isinstance(item, LineMap) and isinstance(item.get("id"), str) else None
        )
        kind = item.get("kind") if isinstance(item, LineMap) else None
        allowed = _HEADER_KEYS | _KIND_KEYS.get(kind if isinstance(kind, str) else "", set())
        data = check.mapping(item, line, "rule", allowed)
        if data is None:
            continue
        if check.rule_id is None:
            check.error(data.line, "missing id")
        elif check.rule_id in seen:
            check.error(data.lines["id"], f"duplicate rule id (first at line {seen[check.rule_id]})")
        else:
            seen[check.rule_id] = data.lines["id"]
        if kind not in _KIND_KEYS:
            check.error(data.lines.get("kind", data.line), f"kind must be one of {', '.join(_KIND_KEYS)}")
            continue
        rule = _rule(check, data, str(kind))
        if rule is not None and check.rule_id is not None:
            rules.append(rule)
    check.rule_id = None
    if check.errors or set_id is None or not isinstance(version, int):
        return None, check.errors
    return RuleSet(set_id, version, tuple(rules), tuple(check.lists.items())), []


def check_rule_files(paths: Sequence[Path]) -> list[RuleError]:
    """Check rule files whole; return every error of every file, in file and line order."""
    errors: list[RuleError] = []
    for path in paths:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(RuleError(str(path), 1, None, f"cannot read: {exc}"))
            continue
        errors.extend(sorted(_parse(text, str(path))[1], key=lambda e: e.line))
    return errors


def parse_ruleset(text: str, source: str = "<text>") -> RuleSet:
    """Parse rule-set YAML text or raise RuleSetError listing every error."""
    ruleset, errors = _parse(text, source)
    if ruleset is None:
        raise RuleSetError(sorted(errors, key=lambda e: e.line))
    return ruleset


def load_ruleset(path: Path = SHIPPED_RULES) -> RuleSet:
    """Load a rule file (the shipped China rules by default) or raise RuleSetError listing every error."""
    return parse_ruleset(Path(path).read_text(encoding="utf-8"), str(path))
