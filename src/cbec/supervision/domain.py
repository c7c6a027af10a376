"""Pure supervision logic: module scores, classes, incident deadlines, settlement figures. No I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from cbec.core.calendar import WorkingCalendar
from cbec.supervision.config import MODULES, IncidentConfig, ModuleConfig, RatingConfig

HUNDRED = Decimal(100)
TENTH = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class ModuleScore:
    """One rating module of one institution: the measured value, its score and the rows behind it."""

    module: str
    value: Decimal | None  # None: nothing to measure this month (scored as good)
    score: Decimal
    weight: Decimal
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Rating:
    """An institution's rating for a month: every module, the weighted total and the class."""

    institution_id: str
    month: str
    modules: tuple[ModuleScore, ...]
    total: Decimal
    grade: str


def score_value(value: Decimal | None, config: ModuleConfig) -> Decimal:
    """Score a measured value: 100 at `good`, 0 at `bad`, linear in between, to one decimal."""
    if value is None:
        return HUNDRED
    share = (value - config.good) / (config.bad - config.good)
    clipped = min(Decimal(1), max(Decimal(0), share))
    return (HUNDRED * (1 - clipped)).quantize(TENTH, ROUND_HALF_UP)


def grade_of(total: Decimal, classes: dict[str, Decimal]) -> str:
    """Return the class whose lower bound is the highest one the total reaches."""
    for name, floor in sorted(classes.items(), key=lambda item: item[1], reverse=True):
        if total >= floor:
            return name
    raise ValueError(f"no class for total {total}")


def rate(
    institution_id: str,
    month: str,
    measured: dict[str, tuple[Decimal | None, dict[str, Any]]],
    config: RatingConfig,
) -> Rating:
    """Combine the measured modules (value, evidence) into a rating."""
    modules = []
    for name in MODULES:
        value, evidence = measured[name]
        module = config.modules[name]
        modules.append(
            ModuleScore(
                module=name,
                value=value,
                score=score_value(value, module),
                weight=module.weight,
                evidence=evidence,
            )
        )
    total = sum((m.score * m.weight for m in modules), Decimal(0)).quantize(TENTH, ROUND_HALF_UP)
    return Rating(
        institution_id=institution_id,
        month=month,
        modules=tuple(modules),
        total=total,
        grade=grade_of(total, config.classes),
    )


@dataclass(frozen=True, slots=True)
class IncidentDeadlines:
    """A security incident against its two deadlines; a breach is None while it is still open in time."""

    incident_id: str
    institution_id: str
    severity: str
    reported_at: datetime
    responded_at: datetime | None
    fixed_at: datetime | None
    response_due: datetime
    fix_due: datetime
    response_hours: Decimal | None
    response_breached: bool | None
    fix_breached: bool | None

    @property
    def breached(self) -> bool:
        """Tell whether either deadline is breached."""
        return bool(self.response_breached or self.fix_breached)


def _breach(done: datetime | None, due: datetime, now: datetime) -> bool | None:
    if done is not None:
        return done > due
    return True if now > due else None


def assess_incident(
    row: dict[str, Any], *, now: datetime, calendar: WorkingCalendar, config: IncidentConfig
) -> IncidentDeadlines:
    """Check one incident: response within N elapsed hours, fix within M working days of the report."""
    reported: datetime = row["reported_at"]
    responded, fixed = row.get("responded_at"), row.get("fixed_at")
    response_due = calendar.add_hours(reported, config.response_hours)
    fix_due = calendar.add_working_days(reported, config.fix_working_days)
    hours = None
    if responded is not None:
        hours = (Decimal((responded - reported).total_seconds()) / 3600).quantize(TENTH, ROUND_HALF_UP)
    return IncidentDeadlines(
        incident_id=row["incident_id"],
        institution_id=row["institution_id"],
        severity=row["severity"],
        reported_at=reported,
        responded_at=responded,
        fixed_at=fixed,
        response_due=response_due,
        fix_due=fix_due,
        response_hours=hours,
        response_breached=_breach(responded, response_due, now),
        fix_breached=_breach(fixed, fix_due, now),
    )
