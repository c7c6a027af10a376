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
    # The measure a standards finding on a filing opens, by finding kind; the strictest of a filing's wins.
    measure_by_finding: dict[str, str] = Field(default_factory=dict)
    # The share of filings an inspection sample draws at the routine grade (credit.yaml scales it per grade).
    inspection_base_rate: float = Field(default=0.1, gt=0, le=1)

    @model_validator(mode="after")
    def _known_measures(self) -> QualityConfig:
        named = {self.default_measure} | set(self.measure_by_category.values()) | set(self.measure_by_finding.values())
        unknown = named - set(self.measures)
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
