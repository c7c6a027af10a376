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


class ReachGroup(BaseModel):
    """Events and people reached of one channel or city."""

    key: str
    events: int
    reach: int


class EducationEventRead(BaseModel):
    """A consumer-education event (from the feed, or `hand-<id>` when entered by hand)."""

    event_id: str
    channel: str
    held_on: date
    organiser: str
    city: str
    reach: int
    topic: str | None


class EducationReach(BaseModel):
    """People reached by consumer education in a year (up to a month) against the target and its pace."""

    year: int
    through_month: int = 12
    events: int
    attendance: int
    target: int
    share_of_target: float
    pace_target: int
    on_pace: bool
    by_city: dict[str, int]
    by_channel: list[ReachGroup]
    cities: list[ReachGroup]
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
