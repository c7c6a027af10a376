"""Pure rules of the security programme: finding ids, the two deadlines, scan periods and missed scans. No I/O."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, time

from cbec.core.calendar import WorkingCalendar
from cbec.core.clock import SHANGHAI
from cbec.core.months import first_day, format_month, next_month, parse_month, shift_month
from cbec.supervision.config import IncidentConfig


def finding_id(institution_id: str, fingerprint: str) -> str:
    """Return a finding's stable id: the same vulnerability at the same place keeps it across scans."""
    digest = hashlib.sha256(f"{institution_id}|{fingerprint}".encode()).hexdigest()[:16].upper()
    return f"SF-{digest}"


def deadlines(
    severity: str,
    discovered_at: datetime,
    *,
    urgent: tuple[str, ...],
    config: IncidentConfig,
    calendar: WorkingCalendar,
) -> tuple[datetime | None, datetime | None]:
    """Return (respond_by, fix_by) of a finding: N elapsed hours and M working days from discovery.

    Only urgent severities (high, critical) carry them; working days end at midnight in China.
    """
    if severity not in urgent:
        return None, None
    local = discovered_at.astimezone(SHANGHAI)
    return calendar.add_hours(local, config.response_hours), calendar.add_working_days(local, config.fix_working_days)


@dataclass(frozen=True, slots=True)
class Period:
    """A run of months in which one scan (or upgrade) is due, aligned on the calendar year."""

    first: str
    last: str
    label: str

    @property
    def start(self) -> datetime:
        """Return the period's first instant in Asia/Shanghai."""
        return datetime.combine(first_day(self.first), time.min, tzinfo=SHANGHAI)

    @property
    def end(self) -> datetime:
        """Return the first instant after the period, in Asia/Shanghai."""
        return datetime.combine(first_day(next_month(self.last)), time.min, tzinfo=SHANGHAI)


def period_of(month: str, months: int) -> Period:
    """Return the period of `months` months holding a month (3: quarters, 6: halves, 1: the month itself)."""
    year, number = parse_month(month)
    start = (number - 1) // months * months + 1
    first = format_month(year, start)
    last = shift_month(first, months - 1)
    if months == 1:
        label = first
    elif months == 3:
        label = f"{year}-Q{(start - 1) // 3 + 1}"
    elif months == 6:
        label = f"{year}-H{(start - 1) // 6 + 1}"
    else:
        label = f"{first}..{last}"
    return Period(first=first, last=last, label=label)


def closing_period(month: str, months: int, since: str) -> Period | None:
    """Return the period that ends with a month, when it starts on or after `since`; else None."""
    period = period_of(month, months)
    if period.last != month or period.first < since:
        return None
    return period


def missed(scan_times: list[datetime], period: Period) -> bool:
    """Tell whether no scan fell within a period."""
    return not any(period.start <= t < period.end for t in scan_times)
