"""The working-day calendar, checked against the State Council schedule as chinesecalendar has it."""

import warnings
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cbec.core.calendar import CalendarCoverageWarning, HolidayFile, HolidayFileError, WorkingCalendar
from cbec.core.clock import SHANGHAI

CALENDAR = WorkingCalendar()

# A made-up 2027 National Day schedule for the fallback years (not an official announcement).
HOLIDAYS_2027 = """date,kind,name
2027-09-26,workday,National Day (adjusted)
2027-10-01,holiday,National Day
2027-10-04,holiday,National Day
2027-10-05,holiday,National Day
2027-10-06,holiday,National Day
2027-10-07,holiday,National Day
2027-10-09,workday,National Day (adjusted)
"""


def end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=SHANGHAI)


# --- 2026 from chinesecalendar: Mid-Autumn 25-27 Sep, National Day 1-7 Oct, 调休 Sun 20 Sep, Sat 10 Oct


def test_2026_national_day_is_1_to_7_october() -> None:
    october = {day: CALENDAR.is_working_day(date(2026, 10, day)) for day in range(1, 13)}
    assert [day for day, working in october.items() if not working] == [1, 2, 3, 4, 5, 6, 7, 11]
    assert CALENDAR.is_working_day(date(2026, 10, 8))  # Thursday: back at work


def test_2026_mid_autumn_is_25_to_27_september() -> None:
    assert not CALENDAR.is_working_day(date(2026, 9, 25))  # Friday
    assert not CALENDAR.is_working_day(date(2026, 9, 26))
    assert not CALENDAR.is_working_day(date(2026, 9, 27))  # Sunday, a day off this year
    assert CALENDAR.is_working_day(date(2026, 9, 28))


def test_adjusted_working_weekends_count_as_working_days() -> None:
    assert date(2026, 9, 20).weekday() == 6 and CALENDAR.is_working_day(date(2026, 9, 20))
    assert date(2026, 10, 10).weekday() == 5 and CALENDAR.is_working_day(date(2026, 10, 10))
    assert not CALENDAR.is_working_day(date(2026, 9, 19))  # the Saturday before stays off
    # Friday 18 Sep to Monday 21 Sep: Sunday 20 Sep is worked, Saturday 19 Sep is not.
    assert CALENDAR.working_days_between(date(2026, 9, 18), date(2026, 9, 21)) == 2


def test_ordinary_weekdays_and_weekends() -> None:
    assert CALENDAR.is_working_day(date(2026, 3, 10))  # Tuesday
    assert not CALENDAR.is_working_day(date(2026, 3, 14))  # Saturday


def test_a_notice_issued_before_national_day_is_due_after_it() -> None:
    issued = datetime(2026, 9, 30, 16, 0, tzinfo=SHANGHAI)
    # Working days after 30 Sep: 8, 9, 10 (Sat, adjusted), 12, 13, 14, 15 October.
    assert CALENDAR.add_working_days(issued, 7) == datetime(2026, 10, 15, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    assert CALENDAR.add_working_days(issued, 1) == end_of(date(2026, 10, 8))
    assert CALENDAR.add_working_days(issued, 3) == end_of(date(2026, 10, 10))


def test_add_working_days_on_dates_returns_dates() -> None:
    assert CALENDAR.add_working_days(date(2026, 9, 30), 7) == date(2026, 10, 15)
    assert CALENDAR.add_working_days(date(2026, 9, 24), 1) == date(2026, 9, 28)  # over Mid-Autumn
    assert CALENDAR.add_working_days(date(2026, 9, 25), 3) == date(2026, 9, 30)  # start on a holiday


def test_the_start_day_never_counts() -> None:
    monday = datetime(2026, 3, 9, 0, 0, tzinfo=SHANGHAI)
    assert CALENDAR.add_working_days(monday, 1) == end_of(date(2026, 3, 10))
    assert CALENDAR.add_working_days(monday.replace(hour=23, minute=59), 1) == end_of(date(2026, 3, 10))


def test_deadline_ends_the_day_in_the_start_zone() -> None:
    start = datetime(2026, 9, 30, 1, 0, tzinfo=UTC)
    deadline = CALENDAR.add_working_days(start, 1)
    assert deadline == datetime(2026, 10, 8, 23, 59, 59, 999999, tzinfo=UTC)
    assert deadline.tzinfo is UTC


@pytest.mark.parametrize("n", [0, -1, True])
def test_add_working_days_needs_a_positive_count(n: int) -> None:
    with pytest.raises(ValueError, match="positive number of working days"):
        CALENDAR.add_working_days(date(2026, 9, 30), n)


def test_working_days_between_across_national_day() -> None:
    assert CALENDAR.working_days_between(date(2026, 9, 30), date(2026, 10, 12)) == 4  # 8, 9, 10, 12
    assert CALENDAR.working_days_between(date(2026, 9, 30), date(2026, 10, 7)) == 0
    # 28, 29, 30 Sep and 8 Oct: Mid-Autumn and National Day both skipped.
    assert CALENDAR.working_days_between(date(2026, 9, 24), date(2026, 10, 8)) == 4


def test_working_days_between_mixes_dates_and_datetimes() -> None:
    issued = datetime(2026, 9, 30, 16, 0, tzinfo=SHANGHAI)
    assert CALENDAR.working_days_between(issued, datetime(2026, 10, 15, 9, 0, tzinfo=SHANGHAI)) == 7
    assert CALENDAR.working_days_between(issued, date(2026, 10, 15)) == 7


def test_working_days_between_is_zero_when_b_is_not_later() -> None:
    assert CALENDAR.working_days_between(date(2026, 10, 15), date(2026, 9, 30)) == 0
    assert CALENDAR.working_days_between(date(2026, 10, 15), date(2026, 10, 15)) == 0


@given(
    start=st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 10, 31)),
    n=st.integers(min_value=1, max_value=20),
)
def test_counting_inverts_adding(start: date, n: int) -> None:
    deadline = CALENDAR.add_working_days(start, n)
    assert CALENDAR.is_working_day(deadline)
    assert CALENDAR.working_days_between(start, deadline) == n
    assert CALENDAR.working_days_between(start, deadline - timedelta(days=1)) == n - 1


def test_add_hours_counts_elapsed_calendar_hours() -> None:
    start = datetime(2026, 9, 30, 18, 0, tzinfo=SHANGHAI)
    assert CALENDAR.add_hours(start, 48) == datetime(2026, 10, 2, 18, 0, tzinfo=SHANGHAI)
    assert CALENDAR.add_hours(start, 1.5) == datetime(2026, 9, 30, 19, 30, tzinfo=SHANGHAI)


def test_add_hours_is_elapsed_time_across_daylight_saving() -> None:
    berlin = ZoneInfo("Europe/Berlin")  # clocks go forward at 02:00 on 29 March 2026
    result = CALENDAR.add_hours(datetime(2026, 3, 28, 12, 0, tzinfo=berlin), 24)
    assert result == datetime(2026, 3, 29, 13, 0, tzinfo=berlin)
    assert result.tzinfo is berlin


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2026, 9, 30, 16, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        CALENDAR.add_working_days(naive, 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        CALENDAR.working_days_between(naive, date(2026, 10, 15))
    with pytest.raises(ValueError, match="timezone-aware"):
        CALENDAR.add_hours(naive, 48)
    with pytest.raises(ValueError, match="timezone-aware"):
        CALENDAR.is_working_day(naive)


# --- years chinesecalendar does not know -----------------------------------------------------


def test_package_coverage() -> None:
    assert CALENDAR.covers(2004)
    assert CALENDAR.covers(2026)
    assert not CALENDAR.covers(2003)
    assert not CALENDAR.covers(2027)


def test_uncovered_year_falls_back_to_weekends_with_a_warning() -> None:
    calendar = WorkingCalendar()
    with pytest.warns(CalendarCoverageWarning, match="no data for 2027"):
        assert calendar.is_working_day(date(2027, 10, 1))  # a Friday: nothing says it is a holiday
    assert not calendar.is_working_day(date(2027, 10, 2))
    assert calendar.add_working_days(date(2027, 9, 30), 3) == date(2027, 10, 5)


def test_uncovered_year_uses_the_holiday_file(tmp_path: Path) -> None:
    path = tmp_path / "holidays.csv"
    path.write_text(HOLIDAYS_2027, encoding="utf-8")
    calendar = WorkingCalendar.from_file(path)
    with pytest.warns(CalendarCoverageWarning, match=r"2027.*7 entries for 2027") as caught:
        assert not calendar.is_working_day(date(2027, 10, 1))
    assert str(path) in str(caught[0].message)
    assert calendar.is_working_day(date(2027, 10, 9))  # adjusted Saturday
    assert calendar.is_working_day(date(2027, 9, 26))  # adjusted Sunday
    assert not calendar.is_working_day(date(2027, 10, 10))
    # Working days after 30 Sep 2027: 8 Oct (Fri), 9 Oct (Sat, adjusted), 11 Oct (Mon).
    assert calendar.add_working_days(date(2027, 9, 30), 3) == date(2027, 10, 11)
    assert calendar.working_days_between(date(2027, 9, 24), date(2027, 10, 11)) == 8


def test_coverage_warning_comes_once_per_year() -> None:
    calendar = WorkingCalendar()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        calendar.working_days_between(date(2027, 1, 1), date(2028, 3, 1))
        calendar.is_working_day(date(2027, 6, 1))
        calendar.is_working_day(date(2003, 6, 2))
        calendar.is_working_day(date(2026, 6, 1))
    messages = [str(w.message) for w in caught if issubclass(w.category, CalendarCoverageWarning)]
    assert len(messages) == 3
    assert ["2027" in messages[0], "2028" in messages[1], "2003" in messages[2]] == [True, True, True]


def test_holiday_file_overrides_a_covered_year() -> None:
    local = HolidayFile.parse("date,kind,name\n2026-10-09,holiday,local closure\n", "local.csv")
    calendar = WorkingCalendar(local)
    assert not calendar.is_working_day(date(2026, 10, 9))
    assert CALENDAR.is_working_day(date(2026, 10, 9))
    assert calendar.add_working_days(date(2026, 9, 30), 7) == date(2026, 10, 16)


def test_holiday_file_reports_every_problem_with_its_line() -> None:
    text = (
        "date,kind,name\n"
        "2027-10-01,holiday,National Day\n"
        "2027-10-32,holiday,bad day\n"
        "2027-10-02,vacation,bad kind\n"
        "2027-10-01,workday,twice\n"
        "2027-10-03\n"
    )
    with pytest.raises(HolidayFileError) as caught:
        HolidayFile.parse(text, "broken_holidays.csv")
    assert caught.value.problems == [
        "line 3: invalid date '2027-10-32': day is out of range for month",
        "line 4: kind must be one of holiday, workday, got 'vacation'",
        "line 5: 2027-10-01 is listed twice",
        "line 6: expected 3 columns",
    ]
    assert str(caught.value).startswith("broken_holidays.csv: 4 problem(s)")


def test_holiday_file_checks_the_header() -> None:
    with pytest.raises(HolidayFileError, match="header must be date,kind,name"):
        HolidayFile.parse("day,type\n2027-10-01,holiday\n")


def test_from_file_without_a_path_has_no_extra_days() -> None:
    calendar = WorkingCalendar.from_file(None)
    assert calendar.extra.holidays == {}
    assert calendar.extra.workdays == {}
    assert calendar.is_working_day(date(2026, 10, 8))
