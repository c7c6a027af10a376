"""The month's bounds and activity curve; the enterprise register."""

import numpy as np
import pytest

from cbec.core.ids import is_valid_uscc
from cbec.synth import calibration as cal
from cbec.synth.codes import local_timestamps
from cbec.synth.month import parse_month
from cbec.synth.registers import allocate, build_registers, enterprise_count, org_code


def test_a_month_spans_its_days_in_beijing_time() -> None:
    feb = parse_month("2024-02")
    assert feb.days == 29
    assert local_timestamps(np.array([feb.start, feb.end - 1])).to_pylist() == [
        "2024-02-01T00:00:00+08:00",
        "2024-02-29T23:59:59+08:00",
    ]
    assert parse_month("2023-12").days == 31


def test_drawn_instants_fall_inside_the_month_and_follow_the_day_curve() -> None:
    month = parse_month("2024-11")
    times = month.times(np.random.default_rng(1), 200_000)
    assert times.min() >= month.start and times.max() < month.end
    day = (times - month.start) // 86_400
    singles_day, ordinary_day = np.sum(day == 10), np.sum(day == 12)  # 11-11 versus 11-13
    assert singles_day > 2 * ordinary_day
    hour = (times - month.start) % 86_400 // 3_600
    assert np.sum(hour == 21) > 2 * np.sum(hour == 3)


@pytest.mark.parametrize("label", ["2024-13", "2024-3", "24-03", "2024-00", "march"])
def test_bad_months_are_refused(label: str) -> None:
    with pytest.raises(ValueError, match="month"):
        parse_month(label)


def test_organisation_code_check_digit_matches_published_codes() -> None:
    # Organisation codes inside the published USCCs of Alibaba (China), Tencent and Huawei.
    assert org_code("71610585") == "716105852"
    assert org_code("71526726") == "71526726X"
    assert org_code("19220382") == "192203821"


def test_register_size_is_payments_over_50_clamped() -> None:
    assert enterprise_count(10_000) == 200
    assert enterprise_count(100_000) == 2_000
    assert enterprise_count(100_000_000) == 20_000


def test_largest_remainder_allocation_keeps_the_total() -> None:
    assert allocate((0.5, 0.3, 0.2), 7) == [4, 2, 1]
    assert sum(allocate(tuple(c.weight for c in cal.CITIES), 201)) == 201


def test_register_codes_are_valid_and_located_in_zhejiang() -> None:
    reg = build_registers(np.random.default_rng(3), 10_000)
    ids = reg.ids.to_pylist()
    assert len(ids) == len(set(ids)) == 200
    assert all(is_valid_uscc(code) for code in ids)
    codes_by_city = {c.name: c.region_code for c in cal.CITIES}
    rows = reg.table.to_pylist()
    assert all(r["enterprise_id"][2:8] == codes_by_city[r["city"]] for r in rows)
    counts = {name: sum(r["city"] == name for r in rows) for name in codes_by_city}
    assert max(counts, key=lambda k: counts[k]) == "杭州市"
    assert counts["杭州市"] > counts["宁波市"] > counts["温州市"] > counts["舟山市"]
    assert len(set(reg.names)) == 200
