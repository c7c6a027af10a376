"""Credit repair (信用修复): the periods per severity and the application's lifecycle. Pure."""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass
from datetime import date

from cbec.core.workflow import Deadline, Lifecycle
from cbec.credit.config import RepairConfig

REPAIR = "credit_repair"
STATE_TITLES = {
    "submitted": ("已提交", "submitted"),
    "under_review": ("审核中", "under review"),
    "overdue": ("审核超期", "review overdue"),
    "approved": ("已修复", "repaired"),
    "rejected": ("不予修复", "rejected"),
    "withdrawn": ("已撤回", "withdrawn"),
}


def add_months(day: date, months: int) -> date:
    """Return the same day `months` later, clipped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = month_calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@dataclass(frozen=True, slots=True)
class RepairWindow:
    """When a record may be repaired at the earliest and when it lapses by itself."""

    severity: str
    recorded_on: date
    earliest_on: date
    lapses_on: date

    def may_apply(self, on: date) -> bool:
        """Tell whether an application is admissible on a day (the minimum period has passed)."""
        return self.earliest_on <= on < self.lapses_on

    def lapsed(self, on: date) -> bool:
        """Tell whether the record has lapsed by itself on a day."""
        return on >= self.lapses_on


def repair_window(severity: str, recorded_on: date, config: RepairConfig) -> RepairWindow:
    """Return the repair window of a record of a severity made on a day."""
    period = config.period(severity)
    return RepairWindow(
        severity=severity,
        recorded_on=recorded_on,
        earliest_on=add_months(recorded_on, period.min_months),
        lapses_on=add_months(recorded_on, period.max_months),
    )


def repair_lifecycle(config: RepairConfig) -> Lifecycle:
    """Submitted → under review → approved or rejected; a review past its deadline → overdue."""
    return Lifecycle(
        name=REPAIR,
        initial="submitted",
        transitions={
            ("submitted", "accept"): "under_review",
            ("submitted", "reject"): "rejected",  # inadmissible on its face
            ("submitted", "withdraw"): "withdrawn",
            ("submitted", "overdue"): "overdue",
            ("under_review", "approve"): "approved",
            ("under_review", "reject"): "rejected",
            ("under_review", "withdraw"): "withdrawn",
            ("under_review", "overdue"): "overdue",
            ("overdue", "approve"): "approved",
            ("overdue", "reject"): "rejected",
        },
        final=frozenset({"approved", "rejected", "withdrawn"}),
        deadlines={
            "submitted": Deadline(working_days=config.accept_working_days),
            "under_review": Deadline(working_days=config.decide_working_days),
        },
    )
