"""Calendar months written "YYYY-MM": the one parser and the arithmetic every context needs.

A month travels as its text (partition names, report names, query parameters, lake folders), so every
function here takes and returns that text, parses it strictly and refuses a malformed month with the
same message wherever it enters. A month's instants are Beijing time: it starts at 00:00 Asia/Shanghai
on its first day. `month_key` (in `core.clock`) gives the month a moment falls in.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time, timedelta

from cbec.core.clock import SHANGHAI

# [0-9] rather than \d: \d also matches full-width and other Unicode digits.
MONTH_SHAPE = r"[0-9]{4}-(?:0[1-9]|1[0-2])"
MONTH_PATTERN = f"^{MONTH_SHAPE}$"  # for query and path parameters
_MONTH = re.compile(MONTH_SHAPE)


def parse_month(text: str) -> tuple[int, int]:
    """Return (year, month number) of a "YYYY-MM" month, or raise ValueError."""
    if not isinstance(text, str) or not _MONTH.fullmatch(text):
        raise ValueError(f"month must look like YYYY-MM (e.g. 2026-10), got {text!r}")
    return int(text[:4]), int(text[5:])


def check_month(text: str) -> str:
    """Return the month unchanged if it is a "YYYY-MM" month, else raise ValueError."""
    parse_month(text)
    return text


def format_month(year: int, month: int) -> str:
    """Write a year and month number as "YYYY-MM"."""
    if not 1 <= year <= 9999 or not 1 <= month <= 12:
        raise ValueError(f"no month {month} of year {year}")
    return f"{year:04d}-{month:02d}"


def shift_month(month: str, count: int) -> str:
    """Return the month `count` months after (negative: before) a month."""
    year, number = parse_month(month)
    new_year, index = divmod(year * 12 + number - 1 + count, 12)
    return format_month(new_year, index + 1)


def next_month(month: str) -> str:
    """Return the month after a month."""
    return shift_month(month, 1)


def previous_month(month: str) -> str:
    """Return the month before a month."""
    return shift_month(month, -1)


def year_before(month: str) -> str:
    """Return the same month a year earlier."""
    return shift_month(month, -12)


def months_between(first: str, last: str) -> list[str]:
    """Return the months from first to last, both included, in order (empty when last is before first)."""
    start, end = parse_month(first), parse_month(last)
    count = (end[0] - start[0]) * 12 + end[1] - start[1]
    return [shift_month(first, n) for n in range(count + 1)]


def months_back(month: str, count: int) -> tuple[str, ...]:
    """Return the `count` months ending with a month, oldest first."""
    return tuple(shift_month(month, -n) for n in reversed(range(count)))


def first_day(month: str) -> date:
    """Return a month's first day."""
    year, number = parse_month(month)
    return date(year, number, 1)


def last_day(month: str) -> date:
    """Return a month's last day."""
    year, number = parse_month(month)
    return date(year, number, calendar.monthrange(year, number)[1])


def month_days(month: str) -> list[date]:
    """Return every day of a month, in order."""
    first = first_day(month)
    return [first + timedelta(days=n) for n in range(last_day(month).day)]


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """Return the first instant of a month and of the next one, in Asia/Shanghai."""
    start = datetime.combine(first_day(month), time.min, tzinfo=SHANGHAI)
    end = datetime.combine(first_day(next_month(month)), time.min, tzinfo=SHANGHAI)
    return start, end


def add_months(day: date, months: int) -> date:
    """Return the same day `months` later, clipped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    last = last_day(shift_month(format_month(day.year, day.month), months))
    return last.replace(day=min(day.day, last.day))
