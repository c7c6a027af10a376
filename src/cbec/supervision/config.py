"""The supervision configuration (supervision.yaml), parsed into strict types."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cbec.core.config_files import load_yaml_model

SHIPPED_CONFIG = Path(__file__).with_name("supervision.yaml")
MODULES = ("aml", "documents", "settlement", "incidents", "complaints", "data_quality")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ModuleConfig(_Strict):
    """One rating module: its weight and the values that score 100 (good) and 0 (bad)."""

    weight: Decimal = Field(ge=0, le=1)
    good: Decimal
    bad: Decimal
    title_zh: str
    title_en: str

    @model_validator(mode="after")
    def _distinct(self) -> ModuleConfig:
        if self.good == self.bad:
            raise ValueError("good and bad must differ")
        return self


class RatingConfig(_Strict):
    """Modules, severity weights, class bands and the reporting deadline of the institution rating."""

    modules: dict[str, ModuleConfig]
    severity_weights: dict[str, int]
    classes: dict[str, Decimal]
    warn_classes: tuple[str, ...]
    late_after_working_days: int = Field(ge=1)
    judge_within_working_days: int = Field(ge=1)

    @model_validator(mode="after")
    def _complete(self) -> RatingConfig:
        if set(self.modules) != set(MODULES):
            raise ValueError(f"rating modules must be exactly {', '.join(MODULES)}")
        if sum(m.weight for m in self.modules.values()) != 1:
            raise ValueError("module weights must add up to 1")
        if min(self.classes.values()) != 0:
            raise ValueError("the lowest class must start at 0")
        if not set(self.warn_classes) <= set(self.classes):
            raise ValueError("warn_classes must name classes")
        return self


class WarningDeadlines(_Strict):
    """Working days a risk warning may wait for acknowledgement, then before it escalates."""

    acknowledge_working_days: int = Field(ge=1)
    escalate_after_working_days: int = Field(ge=1)


class RectificationDeadlines(_Strict):
    """Working days for the plan, the rectification and the verification, then before escalation."""

    plan_working_days: int = Field(ge=1)
    rectify_working_days: int = Field(ge=1)
    verify_working_days: int = Field(ge=1)
    escalate_after_working_days: int = Field(ge=1)


class NoticeConfig(_Strict):
    """Deadlines of the two notice kinds."""

    warning: WarningDeadlines
    rectification: RectificationDeadlines


class IncidentConfig(_Strict):
    """Security-incident deadlines: response in elapsed hours, fix in working days."""

    response_hours: int = Field(ge=1)
    fix_working_days: int = Field(ge=1)


class SettlementConfig(_Strict):
    """Settlement confirmation target and the baseline it improves on, in hours."""

    target_hours: int = Field(ge=1)
    baseline_hours: int = Field(ge=1)


class SupervisionConfig(_Strict):
    """The whole supervision configuration with its version and source."""

    version: int = Field(ge=1)
    source: str
    rating: RatingConfig
    notices: NoticeConfig
    incidents: IncidentConfig
    settlement: SettlementConfig


def load_config(path: Path | None = None) -> SupervisionConfig:
    """Read and validate a supervision configuration (the shipped one by default)."""
    return load_yaml_model(SupervisionConfig, path or SHIPPED_CONFIG)


@cache
def shipped_config() -> SupervisionConfig:
    """Return the shipped configuration, read once."""
    return load_config()
