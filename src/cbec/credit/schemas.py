"""What the credit service returns (Pydantic)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from cbec.casework.schemas import StepRead


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ScoreSummary(_Read):
    """What a scoring run did: the period, the model, how many per grade, list movements."""

    period: str
    model_version: str
    scored: int
    grades: dict[str, int]
    capped: int  # the hard rules lowered the grade below the score's
    ruled: int = 0  # at least one hard rule fired
    red_entered: int = 0
    black_entered: int = 0
    exited: int = 0


class FeatureRead(_Read):
    """One feature of a credit file: value, source, as-of date, and the points it gave."""

    name: str
    title_zh: str
    title_en: str
    value: float | None
    source: str
    as_of: str | None
    note: str | None = None
    points: float | None = None
    bin: str | None = None


class MeasureRead(_Read):
    """The rewards and punishments that come with a grade."""

    inspection_rate_multiplier: float
    fast_clearance: bool
    priority_service: bool
    check_frequency: str
    title_zh: str
    title_en: str
    monitoring_tolerance_factor: float = 1.0


class ListEntryRead(_Read):
    """A stay on the red or black list."""

    id: int
    list_kind: str
    enterprise_id: str
    severity: str | None
    period: str
    entered_on: date
    entry_reason: str
    exited_on: date | None
    exit_reason: str | None


class TransitionRead(StepRead):
    """One recorded step of a repair application."""


class RepairRead(_Read):
    """A credit repair application with its history."""

    id: int
    enterprise_id: str
    entry_id: int
    severity: str
    state: str
    statement: str
    earliest_on: date
    lapses_on: date
    applied_at: datetime
    due_at: datetime | None
    history: list[TransitionRead] = Field(default_factory=list)


class ScoreRead(_Read):
    """An enterprise's score explained: features, points, reasons, grade, measures, lists and repairs."""

    enterprise_id: str
    period: str
    model_version: str
    score: Decimal
    score_grade: str
    grade: str
    hard_rules: list[dict[str, str]]
    reasons: list[dict[str, Any]]
    features: list[FeatureRead]
    measures: MeasureRead
    lists: list[ListEntryRead] = Field(default_factory=list)
    repairs: list[RepairRead] = Field(default_factory=list)


class ModelRead(_Read):
    """A registered scorecard."""

    version: str
    status: str
    path: str
    trained_on: list[str]
    metrics: dict[str, Any]
    created_at: datetime


class ComparisonRead(_Read):
    """Challenger against champion on one period: AUC, KS, score PSI and each feature's PSI."""

    month: str
    champion: str | None
    challenger: str
    metrics: dict[str, dict[str, float | None]]
    feature_psi: dict[str, float]
    recommendation: str


class GradeSample(_Read):
    """How many enterprises of a grade were in the population and drawn, at which rate."""

    grade: str
    enterprises: int
    drawn: int
    rate: float


class InspectionSample(_Read):
    """A month's inspection sample drawn by credit grade."""

    month: str
    base_rate: float
    by_grade: list[GradeSample]
    drawn: list[str]


class CreditRatingRead(_Read):
    """An enterprise's credit rating as shared: grade, score, reasons, hard rules, measures, lists."""

    enterprise_id: str
    period: str
    grade: str
    grade_title_zh: str
    grade_title_en: str
    score: Decimal
    model_version: str
    reasons: list[dict[str, Any]]
    hard_rules: list[str]
    measures: MeasureRead
    lists: list[ListEntryRead] = Field(default_factory=list)
    computed_at: datetime


class CreditHistoryRead(_Read):
    """One period's rating of an enterprise."""

    period: str
    grade: str
    score: Decimal
    model_version: str
    computed_at: datetime


class TighteningRead(_Read):
    """What the tighter three-document tolerance of low grades found in a month."""

    month: str
    base_tolerance: Decimal
    enterprises_by_grade: dict[str, int]
    alerts_found: int
    alerts_new: int
