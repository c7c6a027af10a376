"""The talent configuration (talent.yaml): core roles with their reasons, the funding cap, the turnover flag."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cbec.core.config_files import load_yaml_model
from cbec.feeds.service import feed_choices

SHIPPED_CONFIG = Path(__file__).with_name("talent.yaml")


class CoreRole(BaseModel):
    """Why a role is core, in both languages."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reason_zh: str = Field(min_length=1)
    reason_en: str = Field(min_length=1)


class TalentConfig(BaseModel):
    """Core roles, the turnover flag, the funding cap per programme and the placement window."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=1)
    source: str
    core_roles: dict[str, CoreRole]
    fig2_ranking: tuple[str, ...]
    turnover_flag_pct: Decimal = Field(gt=0, le=100)
    funding_cap_cny: Decimal = Field(gt=0)
    placement_months: int = Field(ge=1, le=24)

    @model_validator(mode="after")
    def _known_roles(self) -> TalentConfig:
        roles = feed_choices("job_postings", "role")
        unknown = (set(self.core_roles) | set(self.fig2_ranking)) - set(roles)
        if unknown:
            raise ValueError(f"unknown roles: {', '.join(sorted(unknown))}; roles: {', '.join(roles)}")
        return self


@cache
def shipped_config() -> TalentConfig:
    """Return the shipped configuration, read once."""
    return load_yaml_model(TalentConfig, SHIPPED_CONFIG)


def load_config(path: Path | None) -> TalentConfig:
    """Return a user's configuration file, or the shipped one."""
    return shipped_config() if path is None else load_yaml_model(TalentConfig, path)
