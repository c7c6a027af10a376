"""Vectorised encoders: ids, decimal amounts, Beijing timestamps."""

import datetime as dt

import numpy as np
import pytest

from cbec.synth import codes

BEIJING = dt.timezone(dt.timedelta(hours=8))


def _wall_seconds(moment: dt.datetime) -> int:
    """Return Beijing wall-clock seconds since 1970 for an aware datetime."""
    local = moment.astimezone(BEIJING).replace(tzinfo=None)
    return int((local - dt.datetime(1970, 1, 1)).total_seconds())


def test_timestamps_are_iso_8601_with_the_beijing_offset() -> None:
    moments = [
        dt.datetime(2024, 2, 29, 23, 59, 59, tzinfo=BEIJING),
        dt.datetime(2023, 12, 31, 16, 0, 0, tzinfo=dt.UTC),
        dt.datetime(1999, 1, 1, 0, 0, 1, tzinfo=BEIJING),
    ]
    text = codes.local_timestamps(np.array([_wall_seconds(m) for m in moments])).to_pylist()
    assert text == ["2024-02-29T23:59:59+08:00", "2024-01-01T00:00:00+08:00", "1999-01-01T00:00:01+08:00"]
    assert [dt.datetime.fromisoformat(t) for t in text] == moments


def test_missing_timestamps_are_empty_strings() -> None:
    text = codes.local_timestamps(np.array([0, 86_400]), np.array([True, False])).to_pylist()
    assert text == ["", "1970-01-02T00:00:00+08:00"]


def test_civil_dates_round_trip_over_four_centuries() -> None:
    days = np.arange(-150_000, 150_000, 7, dtype=np.int64)
    year, month, day = codes.civil_from_days(days)
    for i in range(0, len(days), 997):
        expected = dt.date(1970, 1, 1) + dt.timedelta(days=int(days[i]))
        assert (year[i], month[i], day[i]) == (expected.year, expected.month, expected.day)
        assert codes.days_from_civil(expected.year, expected.month, expected.day) == days[i]


def test_amounts_have_exactly_two_decimal_places() -> None:
    text = codes.decimal_amounts(np.array([0, 5, 100, 19_999_999, 123_456_789_012])).to_pylist()
    assert text == ["0.00", "0.05", "1.00", "199999.99", "1234567890.12"]


def test_negative_amounts_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        codes.decimal_amounts(np.array([-1]))


def test_hex_ids_are_unique_fixed_width_and_keyed() -> None:
    values = np.arange(200_000, dtype=np.int64)
    ids = codes.hex_ids("P", values, key=42).to_pylist()
    assert len(set(ids)) == len(ids)
    assert all(len(i) == 11 and i.startswith("P") for i in ids[:1000])
    assert codes.hex_ids("P", values[:10], key=43).to_pylist() != ids[:10]
    assert codes.hex_ids("P", values[:10], key=42).to_pylist() == ids[:10]


def test_picks_blanks_and_joins() -> None:
    assert codes.pick(["a", "b"], np.array([1, 0]), np.array([False, True])).to_pylist() == ["b", ""]
    assert codes.join("<", codes.integers(np.array([7, 8])), ">").to_pylist() == ["<7>", "<8>"]
