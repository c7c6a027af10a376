"""The one Chinese working-day calendar: official holidays, adjusted working weekends, deadlines.

Which days are working days, in order of precedence:
1. a date listed in the holiday file (`holiday` or `workday`) is what the file says, in any year,
   so a newly announced schedule can be entered before `chinesecalendar` ships it;
2. in the years `chinesecalendar` knows, its State Council schedule (holidays and 调休 weekends);
3. in other years, Monday to Friday, with a `CalendarCoverageWarning` once per year.

Dates are taken from each datetime's own wall clock; pass Asia/Shanghai datetimes.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import overload

import chinese_calendar

from cbec.core.clock import require_aware
from cbec.core.dated_csv import in_line_order, read_dated_csv

HOLIDAY_FILE_COLUMNS = ("date", "kind", "name")
HOLIDAY_KINDS = ("holiday", "workday")


class CalendarCoverageWarning(UserWarning):
    """A year outside the official calendar data is counted as Mon–Fri plus the holiday file."""


class HolidayFileError(ValueError):
    """A holiday file has problems; all of them are listed."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: {len(problems)} problem(s):\n" + "\n".join(problems))


@dataclass(frozen=True)
class HolidayFile:
    """Extra holidays and adjusted working days, by date, with their names."""

    holidays: dict[date, str] = field(default_factory=dict)
    workdays: dict[date, str] = field(default_factory=dict)
    source: str = "<no holiday file>"

    @classmethod
    def parse(cls, text: str, source: str = "<holiday file>") -> HolidayFile:
        """Parse CSV text with the header `date,kind,name`; kind is `holiday` or `workday`."""
        parsed = read_dated_csv(text, HOLIDAY_FILE_COLUMNS)
        holidays: dict[date, str] = {}
        workdays: dict[date, str] = {}
        problems = parsed.problems
        for where, day, row in parsed.rows:
            kind = row["kind"]
            if kind not in HOLIDAY_KINDS:
                problems.append(f"{where}: kind must be one of {', '.join(HOLIDAY_KINDS)}, got {kind!r}")
            elif day in holidays or day in workdays:
                problems.append(f"{where}: {day.isoformat()} is listed twice")
            else:
                (holidays if kind == "holiday" else workdays)[day] = row["name"]
        if problems:
            raise HolidayFileError(source, in_line_order(problems))
        return cls(holidays, workdays, source)

    @classmethod
    def load(cls, path: Path) -> HolidayFile:
        """Read a holiday CSV file."""
        return cls.parse(path.read_text(encoding="utf-8"), str(path))

    def entries_in(self, year: int) -> int:
        """Count the holidays and adjusted working days listed for a year."""
        return sum(day.year == year for day in (*self.holidays, *self.workdays))


def _local_date(value: date | datetime, what: str) -> date:
    """Return a date as is, or an aware datetime's wall-clock date."""
    if isinstance(value, datetime):
        return require_aware(value, what).date()
    return value


class WorkingCalendar:
    """Tell working days apart and count deadlines in Chinese working days."""

    def __init__(self, extra: HolidayFile | None = None) -> None:
        self.extra = extra if extra is not None else HolidayFile()
        self._official_year: dict[int, bool] = {}
        self._working: dict[date, bool] = {}
        self._warned: set[int] = set()

    @classmethod
    def from_file(cls, path: Path | None) -> WorkingCalendar:
        """Build a calendar with the holiday file at path, or with none when path is None."""
        return cls(HolidayFile.load(path) if path is not None else None)

    def covers(self, year: int) -> bool:
        """Tell whether the official `chinesecalendar` data covers a year."""
        if year not in self._official_year:
            try:
                chinese_calendar.is_workday(date(year, 1, 1))
            except NotImplementedError:
                self._official_year[year] = False
            else:
                self._official_year[year] = True
        return self._official_year[year]

    def is_working_day(self, day: date | datetime) -> bool:
        """Tell whether a day is a working day."""
        day = _local_date(day, "day")
        known = self._working.get(day)
        if known is None:
            known = self._working[day] = self._decide(day)
        return known

    def _decide(self, day: date) -> bool:
        self._note_coverage(day.year)
        if day in self.extra.holidays:
            return False
        if day in self.extra.workdays:
            return True
        if self.covers(day.year):
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5

    def _note_coverage(self, year: int) -> None:
        """Warn once per calendar and year when a year falls back to Mon–Fri."""
        if self.covers(year) or year in self._warned:
            return
        self._warned.add(year)
        warnings.warn(
            CalendarCoverageWarning(
                f"{year} 年的节假日安排尚未收录：按周一至周五计工作日，另有自定义 {self.extra.entries_in(year)} 条 / "
                f"chinesecalendar has no data for {year}: counting Mon–Fri as working days, "
                f"with {self.extra.entries_in(year)} entries for {year} from {self.extra.source}"
            ),
            stacklevel=4,
        )

    @overload
    def add_working_days(self, start: datetime, n: int) -> datetime: ...
    @overload
    def add_working_days(self, start: date, n: int) -> date: ...
    def add_working_days(self, start: date | datetime, n: int) -> date | datetime:
        """Return the deadline n working days after start (n ≥ 1).

        The start day itself never counts: the result is the n-th working day after start's
        date. A datetime gives the end of that day, 23:59:59.999999 in start's own zone; a date
        gives the date.
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"n must be a positive number of working days, got {n!r}")
        day = _local_date(start, "start")
        remaining = n
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        if isinstance(start, datetime):
            return datetime.combine(day, time.max, tzinfo=start.tzinfo)
        return day

    def working_days_between(self, a: date | datetime, b: date | datetime) -> int:
        """Count the working days after a's date up to and including b's date; 0 when b is not later.

        Never negative, so "working days elapsed since a" reads 0 before a.
        """
        first, last = _local_date(a, "a"), _local_date(b, "b")
        count, day = 0, first
        while day < last:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def add_hours(self, start: datetime, hours: float) -> datetime:
        """Return start plus elapsed hours, holidays included, in start's zone."""
        require_aware(start, "start")
        if isinstance(hours, bool) or not isinstance(hours, int | float):
            raise ValueError(f"hours must be a number, got {hours!r}")
        # Through UTC so that a daylight-saving change cannot stretch or shrink the interval.
        return (start.astimezone(UTC) + timedelta(hours=hours)).astimezone(start.tzinfo)
