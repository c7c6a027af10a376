"""What IP screening shows."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class ListingIn(BaseModel):
    """A listing title to screen, with the seller when known."""

    title: str = Field(min_length=1, max_length=500)
    enterprise_id: str | None = Field(default=None, max_length=32)


class AliasImport(BaseModel):
    """What loading a rights holder's nickname file did: rows added, rows already there, rows refused and why."""

    added: int
    unchanged: int
    problems: list[str]


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


class TakedownRead(BaseModel):
    """A takedown case with its state and deadline."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    listing_id: str
    platform_id: str
    enterprise_id: str
    mark_id: str
    rights_holder: str
    state: str
    due_at: datetime | None
    opened_at: datetime
