"""Clocks, strict timestamp parsing and month keys."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from cbec.core.clock import SHANGHAI, Clock, FixedClock, SystemClock, month_key, parse_date, parse_timestamp


def test_system_clock_reads_aware_shanghai_time() -> None:
    now = SystemClock().now()
    assert now.tzinfo is SHANGHAI
    assert now.utcoffset() == timedelta(hours=8)
    assert abs(now - datetime.now(UTC)) < timedelta(seconds=5)


def test_system_clock_can_read_another_zone() -> None:
    assert SystemClock(UTC).now().utcoffset() == timedelta(0)


def test_fixed_clock_stands_still_until_advanced() -> None:
    clock: Clock = FixedClock(datetime(2026, 9, 30, 9, 0, tzinfo=SHANGHAI))
    assert clock.now() == datetime(2026, 9, 30, 9, 0, tzinfo=SHANGHAI)
    assert clock.now() == clock.now()


def test_fixed_clock_advances_by_elapsed_time() -> None:
    clock = FixedClock(datetime(2026, 9, 30, 23, 30, tzinfo=SHANGHAI))
    assert clock.advance(timedelta(hours=1)) == datetime(2026, 10, 1, 0, 30, tzinfo=SHANGHAI)
    assert clock.now() == datetime(2026, 10, 1, 0, 30, tzinfo=SHANGHAI)
    assert clock.now().tzinfo is SHANGHAI


def test_fixed_clock_refuses_a_naive_start() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FixedClock(datetime(2026, 9, 30, 9, 0))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-01T08:30:00", datetime(2026, 3, 1, 8, 30, tzinfo=SHANGHAI)),
        ("2026-03-01 08:30:00", datetime(2026, 3, 1, 8, 30, tzinfo=SHANGHAI)),
        ("2026-03-01T08:30", datetime(2026, 3, 1, 8, 30, tzinfo=SHANGHAI)),
        ("2026-03-01T00:30:00Z", datetime(2026, 3, 1, 0, 30, tzinfo=UTC)),
        ("2026-03-01T08:30:00+08:00", datetime(2026, 3, 1, 8, 30, tzinfo=timezone(timedelta(hours=8)))),
        ("2026-03-01T08:30:00-05:30", datetime(2026, 3, 1, 8, 30, tzinfo=timezone(-timedelta(hours=5.5)))),
        ("2026-03-01T08:30:00.5", datetime(2026, 3, 1, 8, 30, 0, 500000, tzinfo=SHANGHAI)),
        ("2026-03-01T08:30:00.123456Z", datetime(2026, 3, 1, 8, 30, 0, 123456, tzinfo=UTC)),
        ("2026-03-01T08:30:00.123456789Z", datetime(2026, 3, 1, 8, 30, 0, 123456, tzinfo=UTC)),
        ("2024-02-29T23:59:59", datetime(2024, 2, 29, 23, 59, 59, tzinfo=SHANGHAI)),
    ],
)
def test_parse_timestamp_reads_iso_8601(text: str, expected: datetime) -> None:
    parsed = parse_timestamp(text)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


def test_parse_timestamp_offsets_name_the_same_instant() -> None:
    assert parse_timestamp("2026-03-01T08:30:00+08:00") == datetime(2026, 3, 1, 0, 30, tzinfo=UTC)
    assert parse_timestamp("2026-03-01T08:30:00-05:30") == datetime(2026, 3, 1, 14, 0, tzinfo=UTC)
    assert parse_timestamp("2026-03-01T08:30:00") == parse_timestamp("2026-03-01T00:30:00Z")


def test_timestamp_without_offset_is_read_in_the_default_zone() -> None:
    assert parse_timestamp("2026-03-01T08:30:00", default_tz=UTC) == datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    assert parse_timestamp("2026-03-01T08:30:00").utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize(
    "text",
    [
        "yesterday",
        "2026-03-01",  # a bare date is not a timestamp
        "2026-13-01",
        "20260301T083000",  # basic format
        "2026-3-1T08:30:00",
        "2026-03-01T8:30:00",
        "2026-03-01t08:30:00",
        "2026-03-01T08:30:00z",
        "2026-03-01T08:30:00+0800",
        "2026-03-01T08:30:00+08",
        "2026-03-01T08:30:00.",
        "2026-03-01T08:30:00.1234567890",
        " 2026-03-01T08:30:00",
        "2026-03-01T08:30:00\n",
        "２０２６-03-01T08:30:00",  # full-width digits
        "",
    ],
)
def test_parse_timestamp_refuses_other_shapes(text: str) -> None:
    with pytest.raises(ValueError, match="not an ISO 8601 timestamp"):
        parse_timestamp(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2026-13-01T00:00:00", "month must be in 1..12"),
        ("2026-02-29T00:00:00", "day is out of range"),
        ("2026-03-01T24:00:00", "hour must be in 0..23"),
        ("2026-03-01T08:60:00", "minute must be in 0..59"),
        ("2026-03-01T08:30:60", "second must be in 0..59"),
        ("2026-03-01T08:30:00+24:00", "invalid UTC offset"),
        ("2026-03-01T08:30:00+08:60", "invalid UTC offset"),
    ],
)
def test_parse_timestamp_refuses_impossible_values(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason) as caught:
        parse_timestamp(text)
    assert repr(text) in str(caught.value)


def test_parse_date_reads_strict_dates() -> None:
    assert parse_date("2026-10-01") == date(2026, 10, 1)
    assert parse_date("2024-02-29") == date(2024, 2, 29)


@pytest.mark.parametrize("text", ["20261001", "2026-10-1", "2026/10/01", "2026-10-01T00:00:00", "", "today"])
def test_parse_date_refuses_other_shapes(text: str) -> None:
    with pytest.raises(ValueError, match="not a YYYY-MM-DD date"):
        parse_date(text)


@pytest.mark.parametrize("text", ["2026-02-29", "2026-00-10", "2026-04-31"])
def test_parse_date_refuses_impossible_dates(text: str) -> None:
    with pytest.raises(ValueError, match="invalid date"):
        parse_date(text)


def test_month_key_counts_in_shanghai_time() -> None:
    # 20:00 UTC on 31 January is already 04:00 on 1 February in Shanghai.
    assert month_key(datetime(2026, 1, 31, 20, 0, tzinfo=UTC)) == "2026-02"
    assert month_key(datetime(2026, 1, 31, 15, 59, tzinfo=UTC)) == "2026-01"
    assert month_key(datetime(2026, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-5)))) == "2027-01"


def test_month_key_of_a_date_is_its_own_month() -> None:
    assert month_key(date(2026, 3, 31)) == "2026-03"


def test_month_key_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        month_key(datetime(2026, 1, 31, 20, 0))
