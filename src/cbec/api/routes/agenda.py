"""/talent, /education and /brands: the province's talent, consumer-education and brand figures (regulators only)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from cbec.api.deps import Month, StoreDep, require
from cbec.api.problems import PROBLEM_RESPONSES
from cbec.auth.domain import AUDITOR, REGULATORS, Principal
from cbec.quality import service as quality
from cbec.quality.schemas import EducationEventRead, EducationReach
from cbec.stats import service as stats
from cbec.stats.schemas import BrandsReport
from cbec.talent import service as talent
from cbec.talent.schemas import DemandReport, TrainingReport, TurnoverReport

router = APIRouter(responses=PROBLEM_RESPONSES)
# Province-wide aggregates: no enterprise, institution or partner sees them (they are not any tenant's own data).
Province = Annotated[Principal, Depends(require(*REGULATORS, AUDITOR))]
MAX_EVENTS = 1_000


@router.get("/talent/demand", response_model=DemandReport, tags=["talent"])
def talent_demand(store: StoreDep, principal: Province, month: Month) -> DemandReport:
    """Return a month's job postings by role, city and role x city, salary percentiles, trend and Fig. 2 ranking."""
    return talent.demand(store=store, month=month)


@router.get("/talent/turnover", response_model=TurnoverReport, tags=["talent"])
def talent_turnover(store: StoreDep, principal: Province, month: Month) -> TurnoverReport:
    """Return a month's hires, leavers and turnover by role, core roles (talent.yaml) first and flagged."""
    return talent.turnover(store=store, month=month)


@router.get("/talent/training", response_model=TrainingReport, tags=["talent"])
def talent_training(
    store: StoreDep, principal: Province, year: Annotated[int | None, Query(ge=2000, le=2100)] = None
) -> TrainingReport:
    """Return the training programmes (of a start year, or all) checked against the funding cap per programme."""
    return talent.training(store=store, year=year)


@router.get("/education/events", response_model=list[EducationEventRead], tags=["education"])
def education_events(
    store: StoreDep,
    principal: Province,
    first: Annotated[date, Query(description="first day, YYYY-MM-DD")],
    last: Annotated[date, Query(description="last day, YYYY-MM-DD")],
    limit: Annotated[int, Query(ge=1, le=MAX_EVENTS)] = 200,
) -> list[EducationEventRead]:
    """Return the consumer-education events held between two days (inclusive), latest first."""
    return quality.education_events(store=store, first=first, last=last)[:limit]


@router.get("/education/reach", response_model=EducationReach, tags=["education"])
def education_reach(
    store: StoreDep,
    principal: Province,
    year: Annotated[int, Query(ge=2000, le=2100)],
    through_month: Annotated[int, Query(ge=1, le=12)] = 12,
) -> EducationReach:
    """Return the people reached in a year (up to a month) by channel and city against 100,000 and its pace."""
    return quality.education_reach(store=store, year=year, through_month=through_month)


@router.get("/brands", response_model=BrandsReport, tags=["statistics"])
def brands(store: StoreDep, principal: Province) -> BrandsReport:
    """Return Fig. 1 from the brand-recognitions register, each year beside the paper's figure."""
    return stats.brands(store=store)
