"""Synthetic talent, education and brand feeds: calibrated to the paper where it gives figures, stable by year."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import numpy as np

from cbec.synth import agenda
from cbec.synth import calibration as cal
from cbec.synth.batch import Context
from cbec.synth.chunks import make_context, rng_for
from cbec.synth.columns import FEED_COLUMNS
from cbec.synth.month import parse_month


def _context(month: str) -> Context:
    return make_context(seed=3, month=parse_month(month), payments=5_000, high_risk=cal.HIGH_RISK_COUNTRIES)


def test_brand_recognitions_add_up_to_the_papers_84_and_41_and_are_the_same_every_month() -> None:
    october, november = _context("2026-10"), _context("2026-11")
    table = agenda.brand_recognitions_table(october)
    assert table.column_names == list(FEED_COLUMNS["brand_recognitions"])
    years = Counter(table.column("year").to_pylist())
    assert years == {"2023": 84, "2024": 41}
    by_city = Counter(
        c
        for c, y in zip(table.column("city").to_pylist(), table.column("year").to_pylist(), strict=True)
        if y == "2023"
    )
    assert by_city.most_common(1)[0][0] == "杭州市" and sum(by_city.values()) == 84
    assert agenda.brand_recognitions_table(november).equals(table)


def test_education_events_reach_the_months_figure_over_several_channels() -> None:
    table = agenda.education_events_table(rng_for(3, 1), _context("2026-10"))
    reach = sum(int(r) for r in table.column("reach").to_pylist())
    assert abs(reach - agenda.EDUCATION_MONTH_REACH) <= agenda.EDUCATION_EVENTS  # rounding, one person an event
    assert len(set(table.column("channel").to_pylist())) >= 4
    assert all(d.startswith("2026-10-") for d in table.column("held_on").to_pylist())


def test_training_programmes_have_one_grant_over_the_cap_and_one_exactly_at_it() -> None:
    table = agenda.training_programmes_table(rng_for(3, 2026, 11), 2026)
    funding = [Decimal(f) for f in table.column("funding_granted").to_pylist()]
    cap = Decimal(agenda.FUNDING_CAP_CENTS) / 100
    assert sum(f > cap for f in funding) == 1 and sum(f == cap for f in funding) == 1
    assert set(table.column("provider_kind").to_pylist()) == {"government", "association", "university", "enterprise"}
    passed = np.array([int(v) for v in table.column("tests_passed").to_pylist()])
    trainees = np.array([int(v) for v in table.column("trainees").to_pylist()])
    assert (passed <= trainees).all()


def test_employment_records_have_one_row_per_enterprise_role_and_month() -> None:
    table = agenda.employment_records_table(rng_for(3, 3), _context("2026-10"))
    keys = list(zip(table.column("enterprise_id").to_pylist(), table.column("role").to_pylist(), strict=True))
    assert len(keys) == len(set(keys)) > 100
    assert set(table.column("period").to_pylist()) == {"2026-10-01"}
    assert all(
        int(h) >= int(le)
        for h, le in zip(table.column("headcount_start").to_pylist(), table.column("leavers").to_pylist(), strict=True)
    )
