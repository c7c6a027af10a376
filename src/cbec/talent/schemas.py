"""What the talent service returns: demand, turnover of core roles and the training programmes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel


class DemandCell(BaseModel):
    """Job postings of one group (a role, a city or both) in a month, with salary percentiles (CNY a month)."""

    role: str | None = None
    city: str | None = None
    postings: int
    share_pct: Decimal
    salary_p25: Decimal | None = None
    salary_p50: Decimal | None = None
    salary_p75: Decimal | None = None
    salary_p90: Decimal | None = None


class DemandMonth(BaseModel):
    """Postings per role in one month of the trend."""

    month: str
    postings: int
    by_role: dict[str, int]


class RankedRole(BaseModel):
    """A role's place in the feed's demand beside its place in the paper's Fig. 2."""

    role: str
    rank: int
    paper_rank: int | None


class DemandReport(BaseModel):
    """A month's job demand by role, by city and by role x city, the trend and the Fig. 2 ranking."""

    month: str
    postings: int
    by_role: list[DemandCell]
    by_city: list[DemandCell]
    by_role_city: list[DemandCell]
    trend: list[DemandMonth]
    ranking: list[RankedRole]
    ranking_agrees: bool


class RoleTurnover(BaseModel):
    """Hires and leavers of a role in a month, and its turnover (leavers / average headcount)."""

    role: str
    core: bool
    reason_zh: str | None = None
    reason_en: str | None = None
    enterprises: int
    headcount_start: int
    hires: int
    leavers: int
    headcount_end: int
    turnover_pct: Decimal | None
    flagged: bool


class TurnoverReport(BaseModel):
    """Turnover by role in a month; core roles first."""

    month: str
    flag_pct: Decimal
    roles: list[RoleTurnover]
    core_turnover_pct: Decimal | None


class ProgrammeRead(BaseModel):
    """A training programme with its rates and what is wrong with it."""

    programme_id: str
    name: str
    provider: str
    provider_kind: str
    mode: str
    city: str
    start_date: date
    end_date: date | None
    trainees: int
    tests_passed: int | None
    placed_within_6_months: int | None
    funding_granted: Decimal | None
    pass_rate_pct: Decimal | None
    placement_rate_pct: Decimal | None
    over_cap_by: Decimal | None
    findings: list[str]


class TrainingGroup(BaseModel):
    """Programmes of one provider kind or mode, summed."""

    key: str
    programmes: int
    trainees: int
    tests_passed: int
    placed: int
    funding: Decimal


class TrainingReport(BaseModel):
    """The training register: each programme against the funding cap, and sums by provider kind and mode."""

    cap_cny: Decimal
    programmes: list[ProgrammeRead]
    over_cap: int
    funding_total: Decimal
    by_provider_kind: list[TrainingGroup]
    by_mode: list[TrainingGroup]
