"""The programme's pure rules: deadlines from discovery, the lifecycle's deadlines, scan periods."""

from __future__ import annotations

from datetime import datetime

import pytest

from cbec.core.calendar import WorkingCalendar
from cbec.core.clock import SHANGHAI
from cbec.core.workflow import advance
from cbec.supervision.config import shipped_config
from cbec.supervision.security.domain import closing_period, deadlines, finding_id, missed, period_of
from cbec.supervision.security.lifecycle import FINDING_LIFECYCLE, due_after

CONFIG = shipped_config()
URGENT = CONFIG.security.urgent_severities


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def test_a_critical_finding_of_30_september_answers_in_48_hours_and_is_fixed_after_national_day() -> None:
    respond_by, fix_by = deadlines(
        "critical", at("2026-09-30 10:15"), urgent=URGENT, config=CONFIG.incidents, calendar=WorkingCalendar()
    )
    assert respond_by == at("2026-10-02 10:15")  # 48 elapsed hours, holidays included
    assert fix_by is not None
    assert fix_by.date().isoformat() == "2026-10-15"  # 8, 9, 10 (adjusted Saturday), 12, 13, 14, 15 October
    assert (fix_by.hour, fix_by.minute) == (23, 59)


def test_medium_and_low_findings_carry_no_deadline() -> None:
    for severity in ("medium", "low"):
        assert deadlines(
            severity, at("2026-09-30 10:15"), urgent=URGENT, config=CONFIG.incidents, calendar=WorkingCalendar()
        ) == (None, None)


def test_each_state_is_due_by_the_deadline_that_runs_from_discovery() -> None:
    respond, fix = at("2026-10-02 10:15"), at("2026-10-15 23:59")
    assert due_after("open", respond_by=respond, fix_by=fix) == respond
    assert due_after("plan_started", respond_by=respond, fix_by=fix) == fix
    assert due_after("reopened", respond_by=respond, fix_by=fix) == fix
    assert due_after("fixed", respond_by=respond, fix_by=fix) is None


def test_the_lifecycle_reopens_a_claimed_fix_and_lets_only_the_institution_answer() -> None:
    step = advance(
        FINDING_LIFECYCLE,
        state="fixed",
        action="reopen",
        actor="system",
        reason="seen again",
        now=at("2026-10-20 09:00"),
        calendar=WorkingCalendar(),
    )
    assert step.to_state == "reopened"
    assert FINDING_LIFECYCLE.permits("institution", "start_plan")
    assert not FINDING_LIFECYCLE.permits("institution", "verify")
    assert not FINDING_LIFECYCLE.permits("regulator_analyst", "report_fixed")


def test_periods_are_aligned_on_the_calendar_year() -> None:
    assert period_of("2026-08", 3).label == "2026-Q3"
    assert (period_of("2026-08", 3).first, period_of("2026-08", 3).last) == ("2026-07", "2026-09")
    assert period_of("2026-11", 6).label == "2026-H2"
    assert period_of("2026-11", 1).label == "2026-11"
    assert closing_period("2026-08", 3, "2026-07") is None
    assert closing_period("2026-09", 3, "2026-07") == period_of("2026-09", 3)
    assert closing_period("2026-06", 3, "2026-07") is None  # before the programme started
    quarter = period_of("2026-09", 3)
    assert quarter.end == at("2026-10-01 00:00")
    assert missed([at("2026-06-30 23:00"), at("2026-10-01 00:00")], quarter)
    assert not missed([at("2026-09-30 10:15")], quarter)


@pytest.mark.parametrize("institution", ["PI-HZ-001", "PI-HZ-002"])
def test_finding_ids_are_stable_and_distinct_per_institution(institution: str) -> None:
    assert finding_id(institution, "abc") == finding_id(institution, "abc")
    assert finding_id(institution, "abc") != finding_id("PI-OTHER", "abc")
    assert finding_id(institution, "abc").startswith("SF-")
