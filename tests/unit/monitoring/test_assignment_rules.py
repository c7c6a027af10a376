"""Auto-assignment rules: typed data, first match wins, every problem of a broken file reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from cbec.monitoring.triage.assignment import load_assignment, parse_assignment, typology_of
from cbec.monitoring.triage.config import TriageConfigError

BROKEN = Path(__file__).resolve().parents[2] / "files" / "triage" / "broken_assignment.yaml"


def test_the_shipped_rules_send_critical_items_to_the_seniors_and_patterns_to_the_network_team() -> None:
    config = load_assignment()
    assert config.version == "2026-12-07.1"
    critical = config.team_for(severity="critical", institution="PI-A", typology="graph")
    assert (critical[0].name, critical[0].members, critical[1]) == ("aml-senior", ("zhou", "wu"), "critical-to-senior")
    pattern = config.team_for(severity="high", institution="PI-A", typology="graph")
    assert (pattern[0].name, pattern[1]) == ("aml-network", "patterns-to-network")
    other = config.team_for(severity="medium", institution="PI-B", typology="model_margin")
    assert (other[0].name, other[1]) == ("aml-general", "default")


def test_a_rule_with_several_conditions_needs_all_of_them() -> None:
    config = parse_assignment(
        {
            "version": "t1",
            "teams": {"east": {"members": [], "why": "east desk"}, "rest": {"members": ["a"], "why": "rest"}},
            "rules": [
                {"id": "east-high", "when": {"institution": ["PI-A"], "severity": ["high"]}, "team": "east", "why": "x"}
            ],
            "default_team": "rest",
        }
    )
    assert config.team_for(severity="high", institution="PI-A", typology="")[0].name == "east"
    assert config.team_for(severity="low", institution="PI-A", typology="")[0].name == "rest"
    assert config.team_for(severity="high", institution="PI-B", typology="")[0].name == "rest"


def test_a_broken_file_reports_every_problem_at_once_naming_where() -> None:
    with pytest.raises(TriageConfigError) as caught:
        load_assignment(BROKEN)
    problems = caught.value.problems
    assert str(BROKEN) in str(caught.value)
    assert problems == [
        "version: a version name is needed",
        "teams.aml-senior.members: a list of names is needed",
        "teams.aml-senior.why: say why",
        "rules[0].when.severity: unknown severity 'urgent'",
        "rules[0].when.weekday: unknown condition (known: severity, institution, typology)",
        "rules[0].team: unknown team 'aml-nobody'",
        "rules[1].when: give at least one of severity, institution, typology",
        "rules[1].id: a rule id is needed",
        "rules[1].why: say why",
        "default_team: unknown team 'aml-missing'",
    ]


def test_the_typology_is_the_leading_evidence() -> None:
    assert typology_of([{"signal": "graph", "contribution": 2.0}, {"signal": "rule_count"}]) == "graph"
    assert typology_of([]) == ""
