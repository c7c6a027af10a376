"""What the statistics context shows: logistics cost and time."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel


class LogisticsGroup(BaseModel):
    """Parcels of one corridor, carrier or shipping mode in a month: cost (CNY) and transit days."""

    dimension: str  # corridor, carrier or mode
    key: str  # CN-US, LG-CAINIAO, direct_mail
    parcels: int
    delivered: int
    lost_or_returned: int
    weight_kg: Decimal
    costed: int  # parcels whose order states a freight charge (> 0) that could be converted to CNY
    freight_cny: Decimal
    cost_per_parcel: Decimal | None
    cost_per_kg: Decimal | None
    transit_p50_days: Decimal | None
    transit_p90_days: Decimal | None


class LogisticsMonth(BaseModel):
    """The province's parcels in one month, for the trend."""

    month: str
    parcels: int
    cost_per_parcel: Decimal | None
    cost_per_kg: Decimal | None
    transit_p50_days: Decimal | None
    transit_p90_days: Decimal | None


class LogisticsReport(BaseModel):
    """Logistics cost and time of a month by corridor, carrier and mode, and the months before it."""

    month: str
    total: LogisticsGroup
    groups: list[LogisticsGroup]
    trend: list[LogisticsMonth]
    unconverted: int  # parcels whose freight currency had no FX rate on the order's date


class BrandYear(BaseModel):
    """New export famous brands of a year by city (region code), from the register, beside the paper's figure."""

    year: int
    total: int
    by_city: dict[str, int]
    paper_indicator: str | None
    paper_value: Decimal | None
    paper_source: str | None
    synthetic: bool  # every recognition of the year comes from a source that calls itself synthetic


class BrandsReport(BaseModel):
    """Fig. 1 computed from the brand-recognitions register (provincial export famous brands), year by year."""

    level: str
    years: list[BrandYear]
    other_levels: dict[str, int]
