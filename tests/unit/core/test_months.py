"""Months written YYYY-MM: one strict parser, and the arithmetic around year ends, leap years and Beijing time."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from cbec.core.clock import SHANGHAI
from cbec.core.months import (
    MONTH_PATTERN,
    add_months,
    check_month,
    first_day,
    format_month,
    last_day,
    month_bounds,
    month_days,
    months_back,
    months_between,
    next_month,
    parse_month,
    previous_month,
    shift_month,
    year_before,
)


def test_a_month_parses_into_year_and_number() -> None:
    assert parse_month("2026-10") == (2026, 10)
    assert parse_month("0999-01") == (999, 1)
    assert check_month("2026-01") == "2026-01"


@pytest.mark.parametrize(
    "text",
    ["2026-13", "2026-00", "2026-1", "26-10", "2026-10-01", "2026/10", " 2026-10", "", "２０２６-10", "2026-１0"],
)
def test_a_malformed_month_is_refused_with_one_message(text: str) -> None:
    with pytest.raises(ValueError, match=re.escape(f"month must look like YYYY-MM (e.g. 2026-10), got {text!r}")):
        parse_month(text)
    assert re.fullmatch(MONTH_PATTERN, text) is None


def test_the_query_pattern_accepts_exactly_the_months_the_parser_accepts() -> None:
    assert re.fullmatch(MONTH_PATTERN, "2026-10") and re.fullmatch(MONTH_PATTERN, "2026-12")
    assert re.fullmatch(MONTH_PATTERN, "2026-13") is None


def test_shifting_crosses_year_ends_both_ways() -> None:
    assert next_month("2026-12") == "2027-01"
    assert previous_month("2026-01") == "2025-12"
    assert year_before("2024-02") == "2023-02"
    assert shift_month("2026-10", -22) == "2024-12"
    assert shift_month("2026-10", 27) == "2029-01"
    assert shift_month("2026-10", 0) == "2026-10"


def test_a_month_off_the_calendar_is_refused() -> None:
    with pytest.raises(ValueError, match="no month 13"):
        format_month(2026, 13)
    with pytest.raises(ValueError, match="year 0"):
        previous_month("0001-01")


def test_months_between_include_both_ends_and_are_empty_when_reversed() -> None:
    assert months_between("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert months_between("2026-02", "2026-02") == ["2026-02"]
    assert months_between("2026-03", "2026-02") == []


def test_months_back_end_with_the_month_oldest_first() -> None:
    assert months_back("2026-02", 3) == ("2025-12", "2026-01", "2026-02")
    assert months_back("2026-02", 1) == ("2026-02",)
    assert months_back("2026-02", 0) == ()


@pytest.mark.parametrize(
    ("month", "last"),
    [
        ("2026-02", date(2026, 2, 28)),
        ("2028-02", date(2028, 2, 29)),  # leap year
        ("2100-02", date(2100, 2, 28)),  # a century is not a leap year...
        ("2000-02", date(2000, 2, 29)),  # ...unless it divides by 400
        ("2026-12", date(2026, 12, 31)),
        ("2026-04", date(2026, 4, 30)),
    ],
)
def test_the_last_day_follows_the_month_length(month: str, last: date) -> None:
    assert first_day(month) == last.replace(day=1)
    assert last_day(month) == last
    days = month_days(month)
    assert (len(days), days[0], days[-1]) == (last.day, last.replace(day=1), last)


def test_a_month_starts_at_midnight_beijing_time() -> None:
    start, end = month_bounds("2026-12")
    assert (start, end) == (datetime(2026, 12, 1, tzinfo=SHANGHAI), datetime(2027, 1, 1, tzinfo=SHANGHAI))
    assert start.astimezone(UTC) == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),
        (date(2026, 5, 31), 36, date(2029, 5, 31)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 3, 31), -13, date(2025, 2, 28)),
    ],
)
def test_adding_months_keeps_the_day_or_clips_to_the_month_end(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected
