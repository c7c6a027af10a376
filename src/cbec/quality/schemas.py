"""What product quality shows."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict


class QualityCaseRead(BaseModel):
    """A quality case with its measure and deadline."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    inspection_id: str
    filing_id: str | None
    enterprise_id: str
    product_name: str
    defect: str | None
    measure: str
    state: str
    due_at: datetime | None
    opened_at: datetime


class EnterpriseQuality(BaseModel):
    """An enterprise's quality record, for the credit file and the monthly report."""

    enterprise_id: str
    filings: int
    filing_findings: int
    inspections: int
    inspections_failed: int
    cases_open: int
    cases_overdue: int


class EducationReach(BaseModel):
    """People reached by consumer education in a year against the target."""

    year: int
    events: int
    attendance: int
    target: int
    share_of_target: float
    by_city: dict[str, int]
    first_day: date | None
