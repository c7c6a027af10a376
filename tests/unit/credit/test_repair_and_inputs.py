"""Repair periods with dates, the repair lifecycle, the configuration and customs grade files."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from cbec.core.calendar import WorkingCalendar
from cbec.core.clock import SHANGHAI
from cbec.core.months import add_months
from cbec.core.workflow import TransitionError, advance, expired
from cbec.credit.config import load_config, shipped_config
from cbec.credit.customs import CustomsGradeError, load_schemes, parse_grade_file, scheme_on
from cbec.credit.lifecycle import repair_lifecycle
from cbec.credit.repair import repair_window

REPAIR = shipped_config().repair


def test_months_are_added_to_the_same_day_or_the_months_last_day() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(date(2026, 5, 31), 36) == date(2029, 5, 31)


def test_repair_periods_per_severity_from_the_configuration() -> None:
    minor = repair_window("minor", date(2026, 1, 31), REPAIR)
    assert (minor.earliest_on, minor.lapses_on) == (date(2026, 4, 30), date(2026, 4, 30))
    moderate = repair_window("moderate", date(2026, 3, 10), REPAIR)
    assert (moderate.earliest_on, moderate.lapses_on) == (date(2026, 6, 10), date(2027, 3, 10))
    serious = repair_window("serious", date(2026, 3, 10), REPAIR)
    assert (serious.earliest_on, serious.lapses_on) == (date(2027, 3, 10), date(2029, 3, 10))
    assert not serious.may_apply(date(2027, 3, 9))
    assert serious.may_apply(date(2027, 3, 10))
    assert not serious.may_apply(date(2029, 3, 10)) and serious.lapsed(date(2029, 3, 10))
    with pytest.raises(ValueError, match="severity must be one of"):
        repair_window("grave", date(2026, 1, 1), REPAIR)


def test_a_repair_is_accepted_then_decided_within_working_days_and_overdue_after() -> None:
    lifecycle = repair_lifecycle(REPAIR)
    calendar = WorkingCalendar()
    applied = datetime(2026, 9, 29, 10, 0, tzinfo=SHANGHAI)  # National Day holidays follow
    due = lifecycle.due("submitted", applied, calendar)
    # Working days: 30 Sep, 8 Oct, 9 Oct, Sat 10 Oct (adjusted working day), Mon 12 Oct.
    assert due is not None and due.date() == date(2026, 10, 12)
    step = advance(
        lifecycle,
        state="submitted",
        action="accept",
        actor="regulator",
        reason="材料齐全",
        now=datetime(2026, 10, 9, 9, 0, tzinfo=SHANGHAI),
        calendar=calendar,
    )
    assert step.to_state == "under_review" and step.due_at is not None
    assert expired(lifecycle, state="under_review", due_at=step.due_at, now=step.due_at) is None
    late = datetime(2026, 12, 1, tzinfo=SHANGHAI)
    assert expired(lifecycle, state="under_review", due_at=step.due_at, now=late) == "overdue"
    with pytest.raises(TransitionError):
        advance(lifecycle, state="approved", action="reject", actor="x", reason="y", now=late, calendar=calendar)


def test_a_configuration_whose_cap_is_not_a_grade_is_refused_with_its_file(tmp_path: Path) -> None:
    text = shipped_config().model_dump_json()
    broken = tmp_path / "credit.yaml"
    broken.write_text(text.replace('"cap":"D"', '"cap":"E"', 1), encoding="utf-8")
    with pytest.raises(ValueError, match=r"(?s)credit\.yaml.*cap E is not a grade"):
        load_config(broken)


def test_a_hard_rule_with_a_key_the_domain_does_not_know_is_refused_with_its_file(tmp_path: Path) -> None:
    text = shipped_config().model_dump_json()
    broken = tmp_path / "credit.yaml"
    broken.write_text(text.replace('"cap":"D"', '"cap":"D","capp":"C"', 1), encoding="utf-8")
    with pytest.raises(ValueError, match=r"(?s)credit\.yaml.*hard_rules\.0\.capp"):
        load_config(broken)
    assert [r.rule_id for r in shipped_config().rules()][:2] == ["customs_serious_dishonesty", "customs_dishonesty"]


def test_customs_schemes_change_on_2026_04_01_from_three_to_five_grades() -> None:
    schemes = load_schemes()
    assert set(scheme_on(date(2026, 3, 31), schemes).ranks) == {"高级认证", "常规", "失信"}
    five = scheme_on(date(2026, 4, 1), schemes).ranks
    assert five == {"高级认证": 0, "认证": 1, "常规": 2, "失信": 3, "严重失信": 4}


def test_a_grade_file_is_checked_whole_against_the_scheme_of_each_date() -> None:
    text = (
        "effective_from,enterprise_id,grade,source\n"
        "2026-04-01,91330100804001148N,严重失信,海关\n"
        "2026-03-01,91330100804001148N,认证,海关\n"  # 认证 does not exist before 2026-04-01
        "2026-04-01,91330100804001148X,常规,海关\n"  # bad check character
        "2026-13-01,91330100804001148N,常规,海关\n"
    )
    with pytest.raises(CustomsGradeError) as caught:
        parse_grade_file(text, "grades.csv", load_schemes())
    problems = caught.value.problems
    assert [p.split(":")[0] for p in problems] == ["line 3", "line 4", "line 5"]
    assert "认证" in problems[0] and "check character" in problems[1]
    good = parse_grade_file(text.split("\n", 3)[0] + "\n" + text.split("\n")[1] + "\n", "g.csv", load_schemes())
    assert [(r.grade, r.rank) for r in good] == [("严重失信", 4)]
