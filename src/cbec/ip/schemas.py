"""What IP screening shows."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from cbec.casework.schemas import StepRead


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


class IpRiskComponentRead(BaseModel):
    """One part of the IP risk score (rd, sourcing, sales), 0–100, with its reasons in Chinese and English."""

    name: str
    score: int
    reasons_zh: list[str]
    reasons_en: list[str]


class EnterpriseIpRisk(BaseModel):
    """An enterprise's IP risk across R&D, sourcing and sales, for the credit file and the monthly report."""

    enterprise_id: str
    listings: int
    findings: int
    marks: list[str]
    share: float
    score: int = 0
    components: list[IpRiskComponentRead] = []


class IpRiskOverview(BaseModel):
    """The findings against all enterprises, how many enterprises have any, and the ones most at risk."""

    findings: int
    enterprises: int
    top: list[EnterpriseIpRisk]


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


class CopyScan(BaseModel):
    """What one copy scan did: images hashed or read from the store, what could not be read, findings made."""

    registered_images: int
    registered_texts: int
    listings: int
    images_hashed: int
    images_reused: int
    images_remote: int  # URLs: cbec does not fetch images over the network
    images_missing: int
    image_findings: int
    text_findings: int
    new_findings: int


class CopyFindingRead(BaseModel):
    """A listing whose image or description copies a registered right, explained like a trademark hit."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    listing_id: str
    platform_id: str
    enterprise_id: str
    rule: str
    rule_version: str
    right_kind: str
    right_id: str
    owner: str
    matched: str
    how: str
    measure: Decimal
    threshold: Decimal
    evidence: dict[str, Any]
    found_at: datetime


class BorderFlagRead(BaseModel):
    """A declaration flagged for the border: the recorded right, its owner, why the declarant is neither."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    declaration_id: str
    month: str
    enterprise_id: str
    hs_code: str
    recordation_id: str
    right_kind: str
    right_id: str
    owner: str
    evidence: dict[str, Any]
    found_at: datetime


class EvidenceRead(BaseModel):
    """A file given in evidence on a takedown case: name, SHA-256, size, who gave it when."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    case_id: int
    name: str
    sha256: str
    size: int
    added_by: str
    added_at: datetime


class TakedownStepRead(StepRead):
    """One step of a takedown case, read like every kind of case's (the deadline it set included)."""


class TakedownCreate(BaseModel):
    """A rights holder's notice (art. 42) against a listing."""

    listing_id: str = Field(min_length=1, max_length=64)
    platform_id: str = Field(min_length=1, max_length=64)
    enterprise_id: str = Field(min_length=1, max_length=32)
    mark_id: str = Field(min_length=1, max_length=64)
    rights_holder: str = Field(min_length=1, max_length=200)
    evidence: str = Field(default="", max_length=2000)


class TakedownStep(BaseModel):
    """A step on a takedown case: the action and why."""

    action: str = Field(min_length=1, max_length=32)
    reason: str = Field(min_length=1, max_length=2000)


class EvidencePackage(BaseModel):
    """An evidence package written as a zip: where, and each file with its SHA-256."""

    case_id: int
    path: str
    files: list[tuple[str, str, int]]  # name in the zip, SHA-256, bytes
