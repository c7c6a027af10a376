"""The quality configuration (quality.yaml) and the shipped list of GB standards."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cbec.core.config_files import load_yaml_model

SHIPPED_CONFIG = Path(__file__).with_name("quality.yaml")
STANDARDS_FILE = Path(__file__).parent / "data" / "gb_standards.csv"


class Measure(BaseModel):
    """A measure a quality case orders and the working days it allows."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    working_days: int = Field(ge=1)
    title_zh: str
    title_en: str


class QualityConfig(BaseModel):
    """Measures, which category gets which, and the verification and escalation periods."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=1)
    source: str
    measures: dict[str, Measure]
    measure_by_category: dict[str, str]
    default_measure: str
    verify_working_days: int = Field(ge=1)
    escalate_after_working_days: int = Field(ge=1)
    education_target_per_year: int = Field(ge=1)

    @model_validator(mode="after")
    def _known_measures(self) -> QualityConfig:
        unknown = ({self.default_measure} | set(self.measure_by_category.values())) - set(self.measures)
        if unknown:
            raise ValueError(f"unknown measures: {', '.join(sorted(unknown))}")
        return self


@cache
def shipped_config() -> QualityConfig:
    """Return the shipped configuration, read once."""
    return load_yaml_model(QualityConfig, SHIPPED_CONFIG)


@cache
def standards() -> dict[str, str]:
    """Return the shipped GB standards: code → product category."""
    with STANDARDS_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["category"] for row in csv.DictReader(handle)}
