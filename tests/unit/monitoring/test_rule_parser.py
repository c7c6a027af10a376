"""The rule parser reads YAML into strict types and reports every error of a rule set with its line."""

from decimal import Decimal
from pathlib import Path

import pytest

from cbec.monitoring.rules.model import AggregateRule, AllOf, Compare, RowRule, SequenceRule, Window
from cbec.monitoring.rules.parser import (
    SHIPPED_RULES,
    RuleSetError,
    check_rule_files,
    load_ruleset,
    parse_ruleset,
)

FILES = Path(__file__).resolve().parents[2] / "files" / "rules"


def test_shipped_china_rules_load_with_a_legal_source_each() -> None:
    ruleset = load_ruleset()
    assert ruleset.id == "china_payments" and ruleset.version == 1
    assert len(ruleset.rules) >= 20
    ids = [rule.header.id for rule in ruleset.rules]
    assert len(ids) == len(set(ids))
    assert all(rule.header.source and rule.header.title_zh and rule.header.title_en for rule in ruleset.rules)
    assert {"row", "aggregate", "sequence"} == {rule.kind for rule in ruleset.rules}
    assert dict(ruleset.lists)["high_risk_countries"] == ("KP", "IR", "MM")


def test_shipped_large_value_rule_reads_into_its_parts() -> None:
    rule = load_ruleset().rule("CN-LV-IND-OUT-CNY")
    assert isinstance(rule, AggregateRule)
    assert rule.group_by == ("payer_id",)
    assert rule.window == Window(86_400, "24h")
    assert rule.clause.measure.text == "sum(amount_cny)"
    assert (rule.clause.op, rule.clause.threshold) == (">=", Decimal(200000))
    assert "银发〔2018〕163号" in rule.header.source
    assert rule.where == AllOf(
        (
            Compare("payer_type", "eq", "individual"),
            Compare("direction", "eq", "outbound"),
            Compare("currency", "eq", "CNY"),
        )
    )


def test_named_lists_are_expanded_and_bands_keep_their_lower_bound() -> None:
    ruleset = load_ruleset()
    corridor = ruleset.rule("CN-HR-CORRIDOR-OUT")
    assert isinstance(corridor, RowRule)
    assert corridor.when == Compare("payee_country", "in", ("KP", "IR", "MM"))
    band = ruleset.rule("CN-STR-CNY-DAY-BAND")
    assert isinstance(band, AggregateRule)
    assert (band.clause.min, band.clause.op, band.clause.threshold) == (Decimal(180000), "<", Decimal(200000))
    assert band.also[0].measure.kind == "count" and band.also[0].threshold == 3
    sequence = ruleset.rule("CN-RAPID-IN-OUT")
    assert isinstance(sequence, SequenceRule)
    assert (sequence.ratio_min, sequence.ratio_max, sequence.window.text) == (
        Decimal("0.8"),
        Decimal("1.05"),
        "7d",
    )


def test_every_error_of_a_broken_rule_set_is_reported_with_its_line() -> None:
    path = FILES / "broken_rules.yaml"
    found = [(e.line, e.rule_id, e.message.split(";")[0].split(":")[0]) for e in check_rule_files([path])]
    assert found == [
        (12, "BAD-SEVERITY", "severity must be one of low, medium, high, critical"),
        (24, "BAD-FIELD", "condition"),
        (34, "BAD-WINDOW", "window must look like 30m, 24h or 7d, got '3 weeks'"),
        (35, "BAD-WINDOW", "unknown measure 'median(amount_cny)'"),
        (46, "BAD-BAND", "unknown list '$nowhere'"),
        (47, "BAD-BAND", "group_by"),
        (50, "BAD-BAND", "min 300 must be below threshold 200"),
        (53, "BAD-BAND", "rule"),
        (54, "BAD-SEQUENCE", "missing ratio"),
        (56, "BAD-SEQUENCE", "version must be a positive integer"),
        (63, "BAD-SEQUENCE", "min_inbound_cny must be a non-negative number"),
        (64, "BAD-SEVERITY", "duplicate rule id (first at line 7)"),
        (65, "BAD-SEVERITY", "kind must be one of row, aggregate, sequence"),
    ]
    assert all(e.file == str(path) for e in check_rule_files([path]))


def test_load_raises_one_error_listing_all_problems_with_file_and_line() -> None:
    path = FILES / "broken_rules.yaml"
    with pytest.raises(RuleSetError) as raised:
        load_ruleset(path)
    assert len(raised.value.errors) == 13
    assert f"{path}:53: [BAD-BAND] rule: unknown key 'colour'" in str(raised.value)


def test_a_yaml_syntax_error_names_its_line_and_other_files_are_still_checked() -> None:
    errors = check_rule_files([FILES / "not_yaml.yaml", FILES / "broken_rules.yaml"])
    assert errors[0].file.endswith("not_yaml.yaml") and errors[0].line == 7
    assert errors[0].message.startswith("not valid YAML")
    assert len(errors) == 14


def test_a_missing_file_is_an_error_not_a_crash(tmp_path: Path) -> None:
    errors = check_rule_files([tmp_path / "absent.yaml"])
    assert len(errors) == 1 and errors[0].message.startswith("cannot read")


def test_the_shipped_file_checks_clean() -> None:
    assert check_rule_files([SHIPPED_RULES]) == []


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        ("when: {field: amount_cny, ge: lots}", "ge must be a number, got 'lots'"),
        ("when: {field: payer_id, gt: A}", "payer_id is text: use eq, ne, in or not_in"),
        ("when: {field: payer_id, eq: A, ne: B}", "give exactly one operator"),
        ("when: {all: []}", "'all' must be a non-empty list"),
        ("when: {field: order_id, null: yes please}", "null takes the value true"),
    ],
)
def test_condition_mistakes_are_named(snippet: str, message: str) -> None:
    text = f"""
ruleset: t
version: 1
rules:
  - id: R
    kind: row
    version: 1
    title_zh: 测试
    title_en: test
    severity: low
    source: test
    typology: test
    {snippet}
"""
    with pytest.raises(RuleSetError) as raised:
        parse_ruleset(text, "inline.yaml")
    assert [(e.line, e.rule_id) for e in raised.value.errors] == [(13, "R")]
    assert message in raised.value.errors[0].message
