"""The one lifecycle mechanism: explicit transitions, roles, reasons, and deadlines in Chinese working days."""

from __future__ import annotations

from datetime import datetime

import pytest

from cbec.core.calendar import WorkingCalendar
from cbec.core.clock import SHANGHAI
from cbec.core.workflow import (
    SYSTEM_ACTOR,
    Deadline,
    Lifecycle,
    TransitionError,
    advance,
    expired,
    is_overdue,
    overdue_steps,
    refusal,
)
from cbec.supervision.config import shipped_config
from cbec.supervision.lifecycle import rectification_lifecycle, warning_lifecycle

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


def test_each_role_takes_only_its_own_actions() -> None:
    life = rectification_lifecycle(NOTICES)
    assert life.permits("regulator-admin", "submit_plan")  # the admin records any step
    assert life.permits("institution", "submit_plan") and not life.permits("institution", "verify")
    assert life.permits("regulator-analyst", "verify") and not life.permits("regulator-analyst", "submit_plan")
    assert not life.permits("auditor", "verify")  # a role the lifecycle does not name takes nothing
    assert life.actions_for("institution", "overdue") == ["report_rectified", "submit_plan"]
    assert life.actions_for("regulator-analyst", "overdue") == ["escalate"]
    assert life.actions_for("auditor", "issued") == []


def test_a_lifecycle_without_roles_leaves_the_decision_to_its_service() -> None:
    life = Lifecycle(name="t", initial="a", transitions={("a", "go"): "b"}, final=frozenset({"b"}))
    assert life.permits("anyone", "go")


def test_a_refusal_says_who_may_not_do_what_in_chinese_and_english() -> None:
    assert refusal("auditor", "verify") == "角色 auditor 不能执行 verify / role auditor may not verify"


def test_a_late_state_must_be_in_the_table() -> None:
    with pytest.raises(ValueError, match="late states nowhere"):
        Lifecycle(
            name="t", initial="a", transitions={("a", "go"): "b"}, final=frozenset({"b"}), late=frozenset({"nowhere"})
        )


def test_overdue_counts_working_days_through_the_national_day_holiday() -> None:
    life = rectification_lifecycle(NOTICES)
    # Issued Tue 29 Sep 2026 with 5 working days to send a plan: due Mon 12 Oct, not Sun 4 Oct.
    due = life.due("issued", at("2026-09-29 10:00"), CAL)
    assert due == at("2026-10-12 23:59:59.999999")
    assert not is_overdue(life, state="issued", due_at=due, now=at("2026-10-08 09:00"))
    assert not is_overdue(life, state="issued", due_at=due, now=at("2026-10-12 23:59"))
    assert is_overdue(life, state="issued", due_at=due, now=at("2026-10-13 00:00"))
    # An overdue or escalated notice shows as overdue whatever its deadline; a finished one never does.
    assert is_overdue(life, state="escalated", due_at=None, now=at("2026-10-01 00:00"))
    assert not is_overdue(life, state="verified", due_at=due, now=at("2026-12-01 00:00"))


def test_the_scheduled_check_takes_each_passed_deadline_at_its_own_time() -> None:
    life = warning_lifecycle(NOTICES)
    issued = at("2026-09-29 10:00")
    # 3 working days: Wed 30 Sep, (1-7 Oct holiday) Thu 8, Fri 9 Oct.
    due = life.due("issued", issued, CAL)
    assert due == at("2026-10-09 23:59:59.999999")
    steps = overdue_steps(life, state="issued", due_at=due, updated_at=issued, now=at("2026-10-14 09:00"), calendar=CAL)
    assert [(s.action, s.from_state, s.to_state, s.actor) for s in steps] == [
        ("overdue", "issued", "overdue", SYSTEM_ACTOR),
        ("escalate", "overdue", "escalated", SYSTEM_ACTOR),
    ]
    # Escalated 2 working days after it went overdue: Sat 10 Oct is an adjusted working day, then Mon 12 Oct.
    assert [s.at for s in steps] == [due, at("2026-10-12 23:59:59.999999")]
    assert steps[-1].due_at is None and "已过 / deadline passed" in steps[0].reason
