"""The shared lifecycle mechanism: explicit transitions, reasons, and deadlines in Chinese working days."""

from __future__ import annotations

from datetime import datetime

import pytest

from cbec.core.calendar import WorkingCalendar
from cbec.core.clock import SHANGHAI
from cbec.core.workflow import Deadline, Lifecycle, TransitionError, advance, expired
from cbec.supervision.config import shipped_config
from cbec.supervision.lifecycles import rectification_lifecycle, warning_lifecycle

CAL = WorkingCalendar()
NOTICES = shipped_config().notices


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def test_a_rectification_runs_issue_plan_rectified_verified_with_each_deadline() -> None:
    life = rectification_lifecycle(NOTICES)
    step = advance(
        life,
        state="issued",
        action="submit_plan",
        actor="pi-user",
        reason="计划见附件",
        now=at("2026-10-12 09:00"),
        calendar=CAL,
    )
    assert (step.from_state, step.to_state, step.actor) == ("issued", "plan_submitted", "pi-user")
    # 20 working days after Mon 12 Oct 2026 (no holiday in between): Mon 9 Nov, end of day
    assert step.due_at == at("2026-11-09 23:59:59.999999")
    step = advance(
        life,
        state=step.to_state,
        action="report_rectified",
        actor="pi-user",
        reason="已整改",
        now=at("2026-10-20 09:00"),
        calendar=CAL,
    )
    step = advance(
        life,
        state=step.to_state,
        action="verify",
        actor="regulator",
        reason="现场核验通过",
        now=at("2026-10-21 09:00"),
        calendar=CAL,
    )
    assert step.to_state == "verified" and step.due_at is None
    assert life.actions("verified") == []


def test_the_plan_deadline_skips_the_national_day_holiday_and_counts_the_working_saturday() -> None:
    life = rectification_lifecycle(NOTICES)
    # Issued Tue 29 Sep 2026: Wed 30 Sep (1), 1-7 Oct holiday, Thu 8 (2), Fri 9 (3), Sat 10 Oct adjusted
    # working day (4), Mon 12 Oct (5).
    assert life.due("issued", at("2026-09-29 10:00"), CAL) == at("2026-10-12 23:59:59.999999")


def test_a_warning_issued_on_friday_counts_the_adjusted_working_sunday() -> None:
    life = warning_lifecycle(NOTICES)
    # Fri 18 Sep 2026 + 3 working days: Sun 20 Sep is a working day, then Mon 21, Tue 22.
    assert life.due("issued", at("2026-09-18 16:00"), CAL) == at("2026-09-22 23:59:59.999999")


def test_an_action_the_state_does_not_allow_is_refused_in_both_languages() -> None:
    life = warning_lifecycle(NOTICES)
    with pytest.raises(TransitionError) as refused:
        advance(
            life,
            state="acknowledged",
            action="escalate",
            actor="x",
            reason="r",
            now=at("2026-10-12 09:00"),
            calendar=CAL,
        )
    assert "不允许" in str(refused.value) and "does not allow" in str(refused.value)
    with pytest.raises(ValueError, match="reason"):
        advance(
            life, state="issued", action="acknowledge", actor="x", reason=" ", now=at("2026-10-12 09:00"), calendar=CAL
        )


def test_an_expired_deadline_names_the_scheduled_action_and_final_states_never_expire() -> None:
    life = rectification_lifecycle(NOTICES)
    due = at("2026-10-12 23:59:59.999999")
    assert expired(life, state="issued", due_at=due, now=at("2026-10-12 23:00")) is None
    assert expired(life, state="issued", due_at=due, now=at("2026-10-13 00:00")) == "overdue"
    assert expired(life, state="overdue", due_at=due, now=at("2026-10-13 00:00")) == "escalate"
    assert expired(life, state="rectified", due_at=due, now=at("2026-10-13 00:00")) is None  # regulator's own
    assert expired(life, state="verified", due_at=due, now=at("2026-10-13 00:00")) is None


def test_a_table_that_leaves_a_final_state_or_expires_into_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="final state"):
        Lifecycle(name="t", initial="a", transitions={("a", "go"): "b", ("b", "back"): "a"}, final=frozenset({"b"}))
    with pytest.raises(ValueError, match="does not allow"):
        Lifecycle(
            name="t",
            initial="a",
            transitions={("a", "go"): "b"},
            final=frozenset({"b"}),
            deadlines={"a": Deadline(hours=48)},
        )
    with pytest.raises(ValueError, match="either"):
        Deadline(working_days=1, hours=2)


def test_an_hours_deadline_runs_through_holidays() -> None:
    # 48 elapsed hours from the eve of National Day end during the holiday.
    assert Deadline(hours=48).due(at("2026-09-30 20:00"), CAL) == at("2026-10-02 20:00")
