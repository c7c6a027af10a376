"""What IP screening shows."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ListingIn(BaseModel):
    """A listing title to screen, with the seller when known."""

    title: str = Field(min_length=1, max_length=500)
    enterprise_id: str | None = Field(default=None, max_length=32)


class ScreenResult(BaseModel):
    """The best mark for a listing (empty when none), its score and the signals that fired."""

    title: str
    mark_id: str | None
    mark_text: str | None
    score: float | None
    signals: list[str]


class EnterpriseIpRisk(BaseModel):
    """An enterprise's IP findings across its listings, for the credit file and the monthly report."""

    enterprise_id: str
    listings: int
    findings: int
    marks: list[str]
    share: float
