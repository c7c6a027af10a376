"""One lifecycle mechanism for every case the regulator follows: complaints, takedowns, quality cases,
notices, credit repair applications.

A lifecycle is an explicit transition table `(state, action) -> state`, who may take which action (by role),
and a deadline per state, counted from the moment an item enters the state in Chinese working days (or elapsed
hours) from the one working-day calendar. Each kind of case declares only these; taking a step, refusing one
(in Chinese and English), the scheduled deadline check and the overdue flag are written here once. Pure:
callers pass `now` and the calendar; the store side (rows, audit entries) is `cbec.casework.service`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from cbec.core.calendar import WorkingCalendar
from cbec.core.clock import SHANGHAI

SYSTEM_ACTOR = "system"


class TransitionError(ValueError):
    """An action that the lifecycle does not allow in the item's state (message in Chinese and English)."""

    def __init__(self, lifecycle: str, state: str, action: str, allowed: Iterable[str]) -> None:
        allowed_text = ", ".join(sorted(allowed)) or "-"
        super().__init__(
            f"{lifecycle}: 状态 {state} 不允许操作 {action}（可用：{allowed_text}） / "
            f"state {state} does not allow {action} (allowed: {allowed_text})"
        )
        self.state, self.action = state, action


def refusal(role: str, action: str) -> str:
    """Say, in Chinese and English, that a role may not take an action."""
    return f"角色 {role} 不能执行 {action} / role {role} may not {action}"


@dataclass(frozen=True, slots=True)
class Deadline:
    """How long an item may stay in a state: working days (end of that day) or elapsed hours."""

    working_days: int | None = None
    hours: float | None = None
    # The action a scheduled check takes once the deadline has passed; None: the deadline is only shown
    # (e.g. the regulator's own time to verify), nothing moves by itself.
    on_expiry: str | None = "overdue"

    def __post_init__(self) -> None:
        if (self.working_days is None) == (self.hours is None):
            raise ValueError("a deadline is either working_days or hours")

    def due(self, entered_at: datetime, calendar: WorkingCalendar) -> datetime:
        """Return the moment the deadline expires for an item that entered its state at entered_at."""
        if self.working_days is not None:
            return calendar.add_working_days(entered_at, self.working_days)
        assert self.hours is not None
        return calendar.add_hours(entered_at, self.hours)


@dataclass(frozen=True, slots=True)
class Lifecycle:
    """A named transition table: initial and final states, each state's deadline, who may take which action.

    `roles` maps a role to the actions it may take (None: every action); a role it does not name may take
    none. An empty `roles` declares no restriction (the service behind it decides who reaches it). `late`
    names the states that show an item as overdue whatever its deadline (e.g. `overdue`, `escalated`).
    """

    name: str
    initial: str
    transitions: Mapping[tuple[str, str], str]
    final: frozenset[str]
    deadlines: Mapping[str, Deadline] = field(default_factory=dict)
    roles: Mapping[str, frozenset[str] | None] = field(default_factory=dict)
    late: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        states = self.states()
        if self.initial not in states:
            raise ValueError(f"{self.name}: initial state {self.initial} has no transition")
        for state, deadline in self.deadlines.items():
            if deadline.on_expiry is not None and (state, deadline.on_expiry) not in self.transitions:
                raise ValueError(f"{self.name}: {state} expires by {deadline.on_expiry}, which it does not allow")
        for (state, _action), _target in self.transitions.items():
            if state in self.final:
                raise ValueError(f"{self.name}: final state {state} has an outgoing transition")
        if not self.late <= states:
            raise ValueError(f"{self.name}: late states {', '.join(sorted(self.late - states))} are not in the table")

    def states(self) -> set[str]:
        """Return every state the table names."""
        return {s for s, _ in self.transitions} | set(self.transitions.values())

    def actions(self, state: str) -> list[str]:
        """Return the actions allowed in a state."""
        return sorted(action for (source, action) in self.transitions if source == state)

    def permits(self, role: str, action: str) -> bool:
        """Tell whether a role may take an action (always, when the lifecycle declares no roles)."""
        if not self.roles:
            return True
        if role not in self.roles:
            return False
        allowed = self.roles[role]
        return allowed is None or action in allowed

    def actions_for(self, role: str, state: str) -> list[str]:
        """Return the actions a role may take in a state."""
        return [action for action in self.actions(state) if self.permits(role, action)]

    def next_state(self, state: str, action: str) -> str:
        """Return the state an action leads to, or raise TransitionError."""
        target = self.transitions.get((state, action))
        if target is None:
            raise TransitionError(self.name, state, action, self.actions(state))
        return target

    def due(self, state: str, entered_at: datetime, calendar: WorkingCalendar) -> datetime | None:
        """Return the deadline of an item that entered a state at entered_at (None: no deadline)."""
        deadline = self.deadlines.get(state)
        return None if deadline is None else deadline.due(entered_at, calendar)


@dataclass(frozen=True, slots=True)
class Step:
    """One recorded transition: who did what, when and why."""

    action: str
    from_state: str
    to_state: str
    actor: str
    at: datetime
    reason: str
    due_at: datetime | None  # the deadline of the new state


def advance(
    lifecycle: Lifecycle,
    *,
    state: str,
    action: str,
    actor: str,
    reason: str,
    now: datetime,
    calendar: WorkingCalendar,
    due_at: datetime | None = None,
) -> Step:
    """Apply one action; the new state's deadline is due_at when given, else the lifecycle's."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if not reason.strip():
        raise ValueError("every transition needs a reason / 每次状态变更都需要说明理由")
    target = lifecycle.next_state(state, action)
    # Working days end at midnight in China, whatever zone `now` came in (the store gives UTC).
    due = due_at if due_at is not None else lifecycle.due(target, now.astimezone(SHANGHAI), calendar)
    return Step(action=action, from_state=state, to_state=target, actor=actor, at=now, reason=reason, due_at=due)


def is_overdue(lifecycle: Lifecycle, *, state: str, due_at: datetime | None, now: datetime) -> bool:
    """Tell whether an item shows as overdue: in a late state, or past its deadline and not finished."""
    if state in lifecycle.late:
        return True
    return due_at is not None and due_at < now and state not in lifecycle.final


def expired(lifecycle: Lifecycle, *, state: str, due_at: datetime | None, now: datetime) -> str | None:
    """Return the action a scheduled check takes on an item whose deadline has passed, else None."""
    if due_at is None or now <= due_at or state in lifecycle.final:
        return None
    deadline = lifecycle.deadlines.get(state)
    action = deadline.on_expiry if deadline is not None else "overdue"
    return action if action is not None and (state, action) in lifecycle.transitions else None


def overdue_steps(
    lifecycle: Lifecycle,
    *,
    state: str,
    due_at: datetime | None,
    updated_at: datetime,
    now: datetime,
    calendar: WorkingCalendar,
) -> list[Step]:
    """The scheduled check for one item: every step its passed deadlines take (overdue, then escalated...).

    Each step happens at the deadline it answers, so a check run late records what happened when it did.
    """
    steps: list[Step] = []
    while (action := expired(lifecycle, state=state, due_at=due_at, now=now)) is not None:
        assert due_at is not None
        reason = f"期限 {due_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M} 已过 / deadline passed"
        step = advance(
            lifecycle,
            state=state,
            action=action,
            actor=SYSTEM_ACTOR,
            now=max(due_at, updated_at),
            reason=reason,
            calendar=calendar,
        )
        steps.append(step)
        state, due_at, updated_at = step.to_state, step.due_at, step.at
    return steps
