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


class StandardsCheck(BaseModel):
    """What a check of the filings against the standards table found."""

    filings: int
    by_trade_mode: dict[str, int]
    by_kind: dict[str, int]
    filings_with_findings: int
    cases_opened: int


class StandardsTableSummary(BaseModel):
    """The standards table's size and sources."""

    subset: bool
    requirements: int
    hs_prefixes: int
    chinese_standards: int
    correspondences: int
    stricter_cn: int
    positive_list_prefixes: int
    sources: list[str]
