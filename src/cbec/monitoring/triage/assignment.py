"""Auto-assignment of new review items: a rule picks the team, round-robin picks the member (assignment.yaml).

Rules are data, read into strict types with every problem named and reported at once. The first rule whose
conditions all hold (severity, institution, typology: the item's leading evidence) names the team, else the
default team. Within a team, items go to its members in turn, continuing from the items the team's members
already hold, so a run that opens 7 items for 3 people hands out 3, 2, 2. Applied when triage opens items:
each item is stored assigned, and its assignment is a lifecycle step by `system`, audited like a person's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cbec.core.calendar import WorkingCalendar
from cbec.core.severity import SEVERITIES
from cbec.core.workflow import Step, advance
from cbec.monitoring.triage.config import TriageConfigError
from cbec.monitoring.triage.domain import SIGNALS, NewItem
from cbec.monitoring.triage.lifecycle import REVIEW_ITEM
from cbec.monitoring.triage.models import ReviewItem

SHIPPED_ASSIGNMENT = Path(__file__).with_name("assignment.yaml")
CONDITIONS = ("severity", "institution", "typology")


@dataclass(frozen=True, slots=True)
class Team:
    """A team queue and the people in it (none: items wait in the team's queue)."""

    name: str
    members: tuple[str, ...]
    why: str


@dataclass(frozen=True, slots=True)
class AssignmentRule:
    """Send items matching every given condition to a team."""

    rule_id: str
    when: Mapping[str, frozenset[str]]
    team: str
    why: str

    def matches(self, *, severity: str, institution: str, typology: str) -> bool:
        """Tell whether an item with these traits meets every condition of the rule."""
        traits = {"severity": severity, "institution": institution, "typology": typology}
        return all(traits[name] in allowed for name, allowed in self.when.items())


@dataclass(frozen=True, slots=True)
class AssignmentConfig:
    """A versioned set of teams and rules, first match wins."""

    version: str
    teams: Mapping[str, Team]
    rules: tuple[AssignmentRule, ...]
    default_team: str

    def team_for(self, *, severity: str, institution: str, typology: str) -> tuple[Team, str]:
        """Return the team an item goes to and the id of the rule that sent it ("default" when none did)."""
        for rule in self.rules:
            if rule.matches(severity=severity, institution=institution, typology=typology):
                return self.teams[rule.team], rule.rule_id
        return self.teams[self.default_team], "default"


def _names(value: object, where: str, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append(f"{where}: a list of names is needed")
        return ()
    return tuple(value)


def _why(raw: Mapping[str, Any], where: str, problems: list[str]) -> str:
    why = raw.get("why")
    if not isinstance(why, str) or not why.strip():
        problems.append(f"{where}.why: say why")
        return ""
    return why


def _rule(n: int, raw: object, teams: Mapping[str, Team], problems: list[str]) -> AssignmentRule | None:
    where = f"rules[{n}]"
    if not isinstance(raw, dict):
        problems.append(f"{where}: a mapping with id, when, team and why is needed")
        return None
    when: dict[str, frozenset[str]] = {}
    given: dict[str, Any] = raw["when"] if isinstance(raw.get("when"), dict) else {}
    if not given:
        problems.append(f"{where}.when: give at least one of {', '.join(CONDITIONS)}")
    known: dict[str, set[str]] = {"severity": set(SEVERITIES), "typology": set(SIGNALS)}
    for name, values in given.items():
        if name not in CONDITIONS:
            problems.append(f"{where}.when.{name}: unknown condition (known: {', '.join(CONDITIONS)})")
            continue
        names = _names(values, f"{where}.when.{name}", problems)
        for value in set(names) - known.get(name, set(names)):
            problems.append(f"{where}.when.{name}: unknown {name} {value!r}")
        when[name] = frozenset(names)
    team = raw.get("team")
    if team not in teams:
        problems.append(f"{where}.team: unknown team {team!r}")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not rule_id.strip():
        problems.append(f"{where}.id: a rule id is needed")
    return AssignmentRule(str(rule_id), when, str(team), _why(raw, where, problems))


def parse_assignment(raw: Any, source: str = "<assignment config>") -> AssignmentConfig:
    """Build an assignment configuration from parsed YAML, or raise TriageConfigError naming every problem."""
    if not isinstance(raw, dict):
        raise TriageConfigError(source, ["the file must be a mapping"])
    problems: list[str] = []
    version = raw.get("version")
    if not isinstance(version, str) or not version.strip():
        problems.append("version: a version name is needed")
    teams: dict[str, Team] = {}
    given_teams: dict[str, Any] = raw["teams"] if isinstance(raw.get("teams"), dict) else {}
    if not given_teams:
        problems.append("teams: at least one team is needed")
    for name, entry in given_teams.items():
        if not isinstance(entry, dict):
            problems.append(f"teams.{name}: a mapping with members and why is needed")
            continue
        teams[str(name)] = Team(
            str(name),
            _names(entry.get("members", []), f"teams.{name}.members", problems),
            _why(entry, f"teams.{name}", problems),
        )
    given_rules = raw.get("rules", [])
    if not isinstance(given_rules, list):
        problems.append("rules: a list is needed")
        given_rules = []
    rules = [_rule(n, entry, teams, problems) for n, entry in enumerate(given_rules)]
    default = raw.get("default_team")
    if default not in teams:
        problems.append(f"default_team: unknown team {default!r}")
    if problems:
        raise TriageConfigError(source, problems)
    return AssignmentConfig(str(version), teams, tuple(r for r in rules if r is not None), str(default))


def load_assignment(path: Path | None = None) -> AssignmentConfig:
    """Read an assignment configuration file (the shipped assignment.yaml by default)."""
    target = path or SHIPPED_ASSIGNMENT
    return parse_assignment(yaml.safe_load(target.read_text(encoding="utf-8")), str(target))


def typology_of(contributions: Sequence[Mapping[str, Any]]) -> str:
    """Return an item's typology: the signal that raised its score most."""
    return str(contributions[0].get("signal", "")) if contributions else ""


def _held(session: Session, members: Sequence[str]) -> int:
    """Return how many items the members hold so far (where the round continues)."""
    return int(session.scalar(select(func.count()).where(ReviewItem.assignee.in_(members))) or 0)


def auto_assign(
    session: Session,
    items: Sequence[NewItem],
    deadlines: Sequence[datetime],
    *,
    config: AssignmentConfig,
    now: datetime,
    calendar: WorkingCalendar,
) -> list[tuple[str, Step]]:
    """Decide each new item's assignee by the rules, round-robin within its team; return (assignee, step) per item.

    Decided before the items are written (given their opening deadlines), so each is inserted already assigned;
    the step, by `system` from the initial state, is kept and audited as it is (triage/store.py).
    """
    turns: dict[str, int] = {}
    given: Counter[str] = Counter()  # this run's items per person, not yet in the table
    decided: list[tuple[str, Step]] = []
    for item, due_at in zip(items, deadlines, strict=True):
        team, rule_id = config.team_for(
            severity=item.severity, institution=item.institution_id, typology=typology_of(item.contributions)
        )
        if team.members and team.name not in turns:
            turns[team.name] = _held(session, team.members) + sum(given[m] for m in team.members)
        assignee = team.name
        if team.members:
            assignee = team.members[turns[team.name] % len(team.members)]
            turns[team.name] += 1
            given[assignee] += 1
        reason = f"自动分派 / auto-assigned: {team.name} → {assignee} (rule {rule_id}, v{config.version})"
        step = advance(
            REVIEW_ITEM,
            state=REVIEW_ITEM.initial,
            action="assign",
            actor="system",
            reason=reason,
            now=now,
            calendar=calendar,
            due_at=due_at,
        )
        decided.append((assignee, step))
    return decided
