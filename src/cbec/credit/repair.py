"""Credit repair (信用修复): when a black-list record may be repaired and when it lapses, per severity. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cbec.core.months import add_months
from cbec.credit.config import RepairConfig


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
