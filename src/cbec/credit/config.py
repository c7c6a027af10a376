"""The credit configuration (credit.yaml), parsed into strict types."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cbec.core.config_files import load_yaml_model
from cbec.credit.domain import GradeBand, HardRule, PointsScale

SHIPPED_CONFIG = Path(__file__).with_name("credit.yaml")
SEVERITIES = ("minor", "moderate", "serious")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScaleConfig(_Strict):
    """Points at the base odds and points to double the odds."""

    base_points: float
    base_odds: float = Field(gt=0)
    pdo: float = Field(gt=0)


class GradeConfig(_Strict):
    """One grade, its lowest score and its titles."""

    grade: str
    min_score: float
    title_zh: str
    title_en: str


class MeasureConfig(_Strict):
    """Rewards and punishments of one grade."""

    inspection_rate_multiplier: float = Field(gt=0)
    fast_clearance: bool
    priority_service: bool
    check_frequency: str
    title_zh: str
    title_en: str
    # The share of the three-document amount tolerance that applies to this grade's enterprises (1: unchanged).
    monitoring_tolerance_factor: float = Field(default=1.0, gt=0, le=1)


class RedListConfig(_Strict):
    """Who enters the red list."""

    grade: str
    consecutive_periods: int = Field(ge=1)
    customs_grades: tuple[str, ...]


class BlackListConfig(_Strict):
    """Who enters the black list."""

    grade: str
    needs_hard_rule: bool


class ListsConfig(_Strict):
    """Red and black list rules."""

    red: RedListConfig
    black: BlackListConfig


class RepairPeriod(_Strict):
    """Months before repair may be applied for, and months after which the record lapses."""

    min_months: int = Field(ge=0)
    max_months: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> RepairPeriod:
        if self.max_months < self.min_months:
            raise ValueError("max_months must not be below min_months")
        return self


class RepairConfig(_Strict):
    """Repair periods per severity and the regulator's review deadlines."""

    minor: RepairPeriod
    moderate: RepairPeriod
    serious: RepairPeriod
    accept_working_days: int = Field(ge=1)
    decide_working_days: int = Field(ge=1)

    def period(self, severity: str) -> RepairPeriod:
        """Return the period of a severity or say which exist."""
        if severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {', '.join(SEVERITIES)}, not {severity!r}")
        period: RepairPeriod = getattr(self, severity)
        return period


class RetrainingConfig(_Strict):
    """When to retrain and what a challenger must show."""

    months: tuple[int, ...]
    min_auc_gain: float
    psi_alert: float


class CreditConfig(_Strict):
    """The whole credit configuration with its version and source."""

    version: int = Field(ge=1)
    source: str
    scale: ScaleConfig
    grades: tuple[GradeConfig, ...]
    measures: dict[str, MeasureConfig]
    hard_rules: tuple[HardRule, ...]  # validated straight into the domain's rule: unknown keys are refused
    lists: ListsConfig
    repair: RepairConfig
    window_months: int = Field(ge=1, le=24)
    late_delivery_days: int = Field(ge=1)
    reason_codes: int = Field(ge=1, le=10)
    retraining: RetrainingConfig

    @model_validator(mode="after")
    def _consistent(self) -> CreditConfig:
        names = [g.grade for g in self.grades]
        if [g.min_score for g in self.grades] != sorted((g.min_score for g in self.grades), reverse=True):
            raise ValueError("grades must run from best to worst with falling min_score")
        if set(self.measures) != set(names):
            raise ValueError(f"measures must name exactly the grades {', '.join(names)}")
        for rule in self.hard_rules:
            if rule.cap not in names:
                raise ValueError(f"hard rule {rule.rule_id}: cap {rule.cap} is not a grade")
            if bool(rule.values) == (rule.at_least is not None):
                raise ValueError(f"hard rule {rule.rule_id}: give either values or at_least")
        if self.lists.red.grade not in names or self.lists.black.grade not in names:
            raise ValueError("list grades must be grades")
        return self

    @property
    def grade_order(self) -> tuple[str, ...]:
        """Return the grades from best to worst."""
        return tuple(g.grade for g in self.grades)

    def points_scale(self) -> PointsScale:
        """Return the points scale."""
        return PointsScale(self.scale.base_points, self.scale.base_odds, self.scale.pdo)

    def bands(self) -> tuple[GradeBand, ...]:
        """Return the grade bands."""
        return tuple(GradeBand(g.grade, g.min_score) for g in self.grades)

    def rules(self) -> tuple[HardRule, ...]:
        """Return the hard rules."""
        return self.hard_rules


def load_config(path: Path | None = None) -> CreditConfig:
    """Read and validate a credit configuration (the shipped one by default)."""
    return load_yaml_model(CreditConfig, path or SHIPPED_CONFIG)


@cache
def shipped_config() -> CreditConfig:
    """Return the shipped configuration, read once."""
    return load_config()
