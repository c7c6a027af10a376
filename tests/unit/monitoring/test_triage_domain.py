"""The risk score: a logistic combination of the evidence, rolled up per account, explained in Chinese and English."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from cbec.monitoring.rules.model import AggregateRule, Measure
from cbec.monitoring.rules.parser import load_ruleset
from cbec.monitoring.triage.config import TriageConfigError, load_config
from cbec.monitoring.triage.domain import (
    SIGNALS,
    Profile,
    Weight,
    account_rollup,
    combine,
    model_margin,
    reasons,
    severity_of,
)
from cbec.monitoring.triage.large_value import large_value_rules

BROKEN = Path(__file__).resolve().parents[2] / "files" / "triage" / "broken_weights.yaml"


def _profile(**weights: float) -> Profile:
    return Profile("test", -4.0, 0.5, tuple(Weight(s, w, "test") for s, w in weights.items()), "test")


def _row(**values: float) -> np.ndarray:
    row = np.zeros((1, len(SIGNALS)))
    for name, value in values.items():
        row[0, SIGNALS.index(name)] = value
    return row


def test_the_score_is_the_logistic_of_intercept_plus_weighted_signals() -> None:
    profile = _profile(rule_high=3.0, rule_count=1.0, graph=1.5)
    scores, contributions = combine(np.vstack([_row(rule_high=1, rule_count=1), _row(rule_count=1)]), profile)
    assert scores[0] == pytest.approx(0.5)  # -4 + 3 + 1 = 0
    assert scores[1] == pytest.approx(1 / (1 + np.exp(3.0)))  # -4 + 1
    assert contributions[0, SIGNALS.index("rule_high")] == 3.0
    assert contributions[1, SIGNALS.index("graph")] == 0.0


def test_a_signal_the_profile_leaves_out_weighs_nothing() -> None:
    assert _profile(graph=2.0).vector().tolist() == [0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0]


def test_the_model_margin_is_the_log_odds_above_the_models_own_threshold_and_clipped() -> None:
    margins = model_margin(np.array([0.5, 0.9, 1.0, 0.0]), 0.5)
    assert margins[0] == pytest.approx(0.0)
    assert margins[1] == pytest.approx(np.log(9.0))
    assert margins[2] == 8.0 and margins[3] == -8.0


def test_an_account_rolls_up_to_its_highest_payment_score() -> None:
    accounts = np.array([0, 1, 0, -1, 1])
    rolled = account_rollup(accounts, np.array([0.2, 0.7, 0.9, 0.4, 0.1]))
    assert rolled.tolist() == [0.9, 0.7, 0.9, 0.4, 0.7]  # -1: no account, keeps its own
    assert account_rollup(np.array([], dtype=np.int64), np.array([])).tolist() == []


def test_severity_bands_read_from_the_top() -> None:
    bands = (("critical", 0.95), ("high", 0.8), ("medium", 0.0))
    assert [severity_of(s, bands) for s in (0.99, 0.95, 0.8, 0.79, 0.1)] == [
        "critical",
        "critical",
        "high",
        "medium",
        "medium",
    ]


def test_an_item_says_why_with_its_largest_positive_contributions_in_both_languages() -> None:
    config = load_config()
    profile = _profile(rule_high=3.0, rule_count=1.0, graph=1.5, documents=-1.0, account_evidence=0.5)
    signals = _row(rule_high=1, rule_count=2, graph=1, documents=1, account_evidence=np.log1p(3))
    _, contributions = combine(signals, profile)
    why = reasons(signals[0], contributions[0], config.texts)
    assert [r.signal for r in why] == ["rule_high", "rule_count", "graph"]  # the negative one never shows
    assert why[1].contribution == 2.0 and why[1].value == 2.0
    assert why[1].en == "2 suspicion rule(s) name it" and why[1].zh == "命中 2 条可疑交易规则"
    assert reasons(signals[0], np.zeros(len(SIGNALS)), config.texts) == []


def test_the_shipped_configuration_has_both_profiles_with_reasons() -> None:
    config = load_config()
    for with_model in (True, False):
        profile = config.profile(with_model)
        assert 0 < profile.threshold < 1 and profile.why
        assert all(w.why for w in profile.weights)
    assert config.profile(False).vector()[SIGNALS.index("model_margin")] == 0.0
    assert config.severity_bands[0][0] == "critical"
    assert set(config.texts) == set(SIGNALS)


def test_a_broken_configuration_reports_every_problem_at_once() -> None:
    with pytest.raises(TriageConfigError) as caught:
        load_config(BROKEN)
    problems = caught.value.problems
    assert str(BROKEN) in str(caught.value)
    expected = [
        "version: a version name is needed",
        "profiles.rules_only: missing",
        "profiles.with_model.weights.no_such_signal: unknown signal",
        "profiles.with_model.intercept: a number is needed, got '-3'",
        "profiles.with_model.threshold: 1.5 is outside [0.0, 1.0]",
        "severity.urgent: not a severity",
        "signals.model_margin: the signal's zh and en texts are missing",
    ]
    for text in expected:
        assert any(p.startswith(text) for p in problems), (text, problems)


def test_the_shipped_large_value_rules_are_day_sums_by_one_account_citing_article_5() -> None:
    rules = large_value_rules(load_ruleset())
    assert len(rules) == 8 and all(r.header.id.startswith("CN-LV-") for r in rules)
    assert all("第五条" in r.header.source for r in rules)
    assert {r.clause.threshold for r in rules} == {Decimal(200000), Decimal(71000), Decimal(2000000), Decimal(1420000)}


def test_a_large_value_rule_that_is_no_day_sum_is_refused() -> None:
    shipped = load_ruleset()
    rule = shipped.rule("CN-LV-IND-OUT-CNY")
    assert isinstance(rule, AggregateRule)
    counted = replace(rule, clause=replace(rule.clause, measure=Measure("count")))
    with pytest.raises(ValueError, match="CN-LV-IND-OUT-CNY: a large-value rule must be an aggregate of sum"):
        large_value_rules(replace(shipped, rules=(counted,)))
    two_keys = replace(rule, group_by=("payer_id", "institution_id"))
    with pytest.raises(ValueError, match="grouped by payer_id or payee_id alone"):
        large_value_rules(replace(shipped, rules=(two_keys,)))
