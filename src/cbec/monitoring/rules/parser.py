"""Read rule sets from YAML into strict types, reporting every error of a file with its line at once."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import cast

import yaml

from cbec.core.severity import SEVERITIES, Severity
from cbec.monitoring.rules.checker import RuleChecker, RuleError, RuleSetError
from cbec.monitoring.rules.model import (
    AggregateRule,
    Clause,
    Condition,
    RowRule,
    Rule,
    RuleHeader,
    RuleSet,
    SequenceRule,
)
from cbec.monitoring.rules.yaml_lines import LineMap, LineSeq, load_yaml

SHIPPED_RULES = Path(__file__).parent / "china_payments.yaml"
_HEADER_KEYS = {"id", "kind", "version", "title_zh", "title_en", "severity", "source", "typology", "notes"}
_KIND_KEYS = {
    "row": {"when", "group_by", "window"},
    "aggregate": {"where", "group_by", "window", "measure", "op", "threshold", "min", "subset", "also"},
    "sequence": {"inbound", "outbound", "window", "min_inbound_cny", "min_outbound_cny", "min_outbound_count", "ratio"},
}
_CLAUSE_KEYS = {"measure", "op", "threshold", "min", "subset"}


def _header(check: RuleChecker, data: LineMap) -> RuleHeader | None:
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


def _optional_condition(check: RuleChecker, data: LineMap, key: str) -> tuple[bool, Condition | None]:
    if key not in data:
        return True, None
    condition = check.condition(data[key], data.lines[key])
    return condition is not None, condition


def _rule(check: RuleChecker, data: LineMap, kind: str) -> Rule | None:
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
            return AggregateRule(header, where, group, window, clause, tuple(c for c in also if c is not None))
        return None
    ok_in, inbound = _optional_condition(check, data, "inbound")
    ok_out, outbound = _optional_condition(check, data, "outbound")
    min_in = check.number(data, "min_inbound_cny", required=False) or Decimal(0)
    min_out = check.number(data, "min_outbound_cny", required=False) or Decimal(0)
    count = data.get("min_outbound_count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        check.error(data.lines.get("min_outbound_count", data.line), "min_outbound_count must be a positive integer")
    if "ratio" not in data:
        check.error(data.line, "missing ratio: {min: <out/in at least>, max: <out/in at most>}")
    ratio = check.mapping(data["ratio"], data.lines["ratio"], "ratio", {"min", "max"}) if "ratio" in data else None
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
    check = RuleChecker(source)
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
        check.rule_id = item.get("id") if isinstance(item, LineMap) and isinstance(item.get("id"), str) else None
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


__all__ = ["SHIPPED_RULES", "RuleError", "RuleSetError", "check_rule_files", "load_ruleset", "parse_ruleset"]
