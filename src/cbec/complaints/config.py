"""The complaints configuration (complaints.yaml), parsed into strict types."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from cbec.core.config_files import load_yaml_model

SHIPPED_CONFIG = Path(__file__).with_name("complaints.yaml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Deadlines(_Strict):
    """Working days for each step of a complaint."""

    accept_working_days: int = Field(ge=1)
    settle_working_days: int = Field(ge=1)
    answer_working_days: int = Field(ge=1)
    mediation_working_days: int = Field(ge=1)


class Retention(_Strict):
    """How long personal data is kept after a complaint closes."""

    years_after_closure: int = Field(ge=0, le=30)


class ComplaintsConfig(_Strict):
    """Deadlines and retention, versioned."""

    version: int = Field(ge=1)
    deadlines: Deadlines
    retention: Retention


def load_config(path: Path | None = None) -> ComplaintsConfig:
    """Read and validate a complaints configuration (the shipped one by default)."""
    return load_yaml_model(ComplaintsConfig, path or SHIPPED_CONFIG)


@cache
def shipped_config() -> ComplaintsConfig:
    """Return the shipped configuration, read once."""
    return load_config()
