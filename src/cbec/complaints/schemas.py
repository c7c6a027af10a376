"""What complaint handling takes in and shows (personal data only ever masked), and classifications."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from cbec.casework.schemas import StepRead
from cbec.complaints.domain import CATEGORIES as CATEGORIES
from cbec.complaints.domain import Category as Category


class ComplaintCreate(BaseModel):
    """A complaint as a consumer files it (web form or API); no login needed."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=5, max_length=4000)
    language: str = Field(default="zh", pattern="^(zh|en)$")
    enterprise_id: str | None = Field(default=None, max_length=32)
    platform_id: str | None = Field(default=None, max_length=64)
    order_id: str | None = Field(default=None, max_length=64)
    amount_claimed: Decimal | None = Field(default=None, ge=0, max_digits=18, decimal_places=2)
    currency: str | None = Field(default=None, pattern="^[A-Z]{3}$")
    consumer_name: str = Field(min_length=1, max_length=100)
    consumer_phone: str = Field(min_length=5, max_length=30)
    consumer_id_number: str | None = Field(default=None, max_length=32)
    consumer_address: str | None = Field(default=None, max_length=300)


class ComplaintStep(StepRead):
    """One recorded step."""


class ComplaintRead(BaseModel):
    """A complaint as shown: personal data masked."""

    id: int
    tracking_code: str
    received_at: datetime
    language: str
    text: str
    category: str
    confidence: Decimal | None
    category_by: str
    enterprise_id: str | None
    platform_id: str | None
    order_id: str | None
    respondent_kind: str | None
    respondent_id: str | None
    state: str
    due_at: datetime | None
    overdue: bool
    satisfaction: int | None
    consumer_name: str | None
    consumer_phone: str | None
    consumer_id_number: str | None
    consumer_address: str | None
    history: list[ComplaintStep] = Field(default_factory=list)


class Classification(BaseModel):
    """A complaint's category with its confidence; `source` says whether a model or a person decided."""

    text: str
    category: Category
    confidence: float = Field(ge=0.0, le=1.0)
    predicted: Category = Field(description="the model's top category, even when it fell below the threshold")
    needs_review: bool = Field(description="confidence below the threshold: a person should decide")
    source: Literal["model", "human"] = "model"
    model_version: str = Field(description="first 12 hex digits of the training data and lexicon hash")
    decided_by: str | None = None
