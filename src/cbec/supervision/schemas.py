"""What supervision reports back to entry points and to the monthly report."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from cbec.casework.schemas import StepRead


class ModuleRead(BaseModel):
    """One module of a rating with the evidence behind its score."""

    module: str
    title_zh: str
    title_en: str
    value: Decimal | None
    score: Decimal
    weight: Decimal
    evidence: dict[str, Any] = Field(default_factory=dict)


class RatingRead(BaseModel):
    """An institution's monthly rating and how it changed from the month before."""

    model_config = ConfigDict(from_attributes=True)

    month: str
    institution_id: str
    config_version: int
    total: Decimal
    grade: str
    previous_grade: str | None = None
    previous_total: Decimal | None = None
    modules: list[ModuleRead]


class NoticeCreate(BaseModel):
    """What a regulator gives to issue a notice."""

    kind: str
    institution_id: str
    title: str
    body: str
    month: str | None = None
    due_at: datetime | None = None
    evidence: dict[str, Any] = Field(default_factory=dict)


class TransitionRead(StepRead):
    """One recorded step of a notice."""


class NoticeRead(BaseModel):
    """A notice with its state, deadline and (when asked) its history."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    institution_id: str
    month: str | None
    state: str
    title: str
    body: str
    issued_by: str
    issued_at: datetime
    due_at: datetime | None
    overdue: bool = False
    evidence: dict[str, Any] = Field(default_factory=dict)
    history: list[TransitionRead] = Field(default_factory=list)


class IncidentRead(BaseModel):
    """A security incident against its response (48 h) and fix (7 working days) deadlines."""

    model_config = ConfigDict(from_attributes=True)

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


class SettlementRead(BaseModel):
    """Settlement confirmation time of an institution (channel None: all its channels)."""

    institution_id: str
    channel: str | None
    payments: int
    confirmed: int
    median_hours: float | None
    p90_hours: float | None
    share_within_target: float | None
    target_hours: int
    baseline_hours: int
    median_vs_baseline: float | None  # median / baseline: below 1 is faster than the 3-day baseline
