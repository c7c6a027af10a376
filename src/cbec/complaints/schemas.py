"""Pydantic shapes of complaint classifications."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Category = Literal[
    "quality",
    "counterfeit",
    "refund_return",
    "delivery",
    "near_expiry",
    "description_mismatch",
    "privacy",
    "payment",
    "other",
]


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
