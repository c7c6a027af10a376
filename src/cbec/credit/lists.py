"""Red and black lists and credit repair in the store: entries with dates, applications with transitions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cbec.casework import service as casework
from cbec.core.calendar import WorkingCalendar
from cbec.core.clock import SHANGHAI
from cbec.core.workflow import Step
from cbec.credit.config import SEVERITIES, CreditConfig
from cbec.credit.lifecycle import repair_lifecycle
from cbec.credit.models import REPAIRS, CreditListEntry, RepairApplication, RepairTransition
from cbec.credit.repair import repair_window
from cbec.credit.scoring import Scored

RED, BLACK = "red", "black"
# The severity of a black-list record follows the hard rule behind it.
SEVERITY_OF_RULE = {"customs_serious_dishonesty": "serious", "black_list_serious": "serious"}


def open_entries(session: Session, kind: str | None = None) -> dict[tuple[str, str], CreditListEntry]:
    """Return the entries not yet exited, by (list kind, enterprise)."""
    query = select(CreditListEntry).where(CreditListEntry.exited_on.is_(None))
    if kind:
        query = query.where(CreditListEntry.list_kind == kind)
    return {(e.list_kind, e.enterprise_id): e for e in session.scalars(query)}


def update_lists(
    session: Session,
    period: str,
    results: Sequence[Scored],
    customs: dict[str, str | None],
    *,
    today: date,
    config: CreditConfig,
) -> tuple[int, int, int]:
    """Enter and exit list entries after a scoring run; return (red entered, black entered, exited)."""
    current = open_entries(session)
    red_rule, black_rule = config.lists.red, config.lists.black
    red_in = black_in = out = 0
    for r in results:
        red_ok = (
            r.grade == red_rule.grade and not r.hard_rules and customs.get(r.enterprise_id) in red_rule.customs_grades
        )
        black_ok = r.grade == black_rule.grade and (bool(r.hard_rules) or not black_rule.needs_hard_rule)
        red_entry = current.get((RED, r.enterprise_id))
        if red_ok and red_entry is None:
            session.add(_entry(RED, r, period, today, None, "评为 A 级且海关认证 / grade A and customs-certified"))
            red_in += 1
        elif not red_ok and red_entry is not None:
            red_entry.exited_on, red_entry.exit_reason = (
                today,
                f"{period} 不再符合红名单条件 / no longer qualifies",
            )
            out += 1
        if black_ok and (BLACK, r.enterprise_id) not in current:
            severity = max(
                (SEVERITY_OF_RULE.get(rule, "moderate") for rule in r.hard_rules),
                key=SEVERITIES.index,
                default="moderate",
            )
            reason = "评为 D 级且有法定认定：" + "、".join(r.hard_rules) + " / grade D with a legal finding"
            session.add(_entry(BLACK, r, period, today, severity, reason))
            black_in += 1
    # A black-list record lapses by itself at the end of its longest publicity period.
    for (kind, _), entry in current.items():
        if kind == BLACK and entry.severity:
            window = repair_window(entry.severity, entry.entered_on, config.repair)
            if window.lapsed(today):
                entry.exited_on = window.lapses_on
                entry.exit_reason = "公示期满自动移出 / publicity period lapsed"
                out += 1
    return red_in, black_in, out


def _entry(kind: str, r: Scored, period: str, today: date, severity: str | None, reason: str) -> CreditListEntry:
    return CreditListEntry(
        list_kind=kind,
        enterprise_id=r.enterprise_id,
        severity=severity,
        period=period,
        entered_on=today,
        entry_reason=reason,
        evidence={"score": r.score, "grade": r.grade, "hard_rules": list(r.hard_rules)},
    )


def apply(
    session: Session,
    *,
    enterprise_id: str,
    statement: str,
    actor: str,
    now: datetime,
    calendar: WorkingCalendar,
    config: CreditConfig,
) -> RepairApplication:
    """File a repair application against the enterprise's open black-list entry, if its period allows."""
    entry = open_entries(session, BLACK).get((BLACK, enterprise_id))
    if entry is None or entry.severity is None:
        raise LookupError(f"{enterprise_id} 不在黑名单上 / is not on the black list")
    lifecycle = repair_lifecycle(config.repair)
    pending = session.scalar(
        select(RepairApplication).where(
            RepairApplication.entry_id == entry.id,
            RepairApplication.state.in_(sorted(lifecycle.states() - lifecycle.final)),
        )
    )
    if pending is not None:
        raise ValueError(f"已有待审的修复申请 {pending.id} / repair application {pending.id} is still pending")
    window = repair_window(entry.severity, entry.entered_on, config.repair)
    today = now.astimezone(SHANGHAI).date()
    if not window.may_apply(today):
        raise ValueError(
            f"{entry.severity} 记录最早于 {window.earliest_on} 可申请修复 / "
            f"a {entry.severity} record may be repaired from {window.earliest_on} (recorded {entry.entered_on})"
        )
    due = lifecycle.due(lifecycle.initial, now.astimezone(SHANGHAI), calendar)
    application = RepairApplication(
        enterprise_id=enterprise_id,
        entry_id=entry.id,
        severity=entry.severity,
        state=lifecycle.initial,
        statement=statement,
        earliest_on=window.earliest_on,
        lapses_on=window.lapses_on,
        applied_at=now,
        due_at=due,
        updated_at=now,
    )
    casework.open_item(session, REPAIRS, application, actor=actor, at=now, opening="apply", reason=statement)
    return application


def move(
    session: Session,
    application: RepairApplication,
    *,
    action: str,
    actor: str,
    reason: str,
    now: datetime,
    calendar: WorkingCalendar,
    config: CreditConfig,
) -> Step:
    """Take one action on an application; approval takes the enterprise off the black list that day."""
    step = casework.take_step(
        session,
        REPAIRS,
        application,
        lifecycle=repair_lifecycle(config.repair),
        action=action,
        actor=actor,
        reason=reason,
        now=now,
        calendar=calendar,
    )
    if step.to_state == "approved":
        entry = session.get_one(CreditListEntry, application.entry_id)
        if entry.exited_on is None:
            entry.exited_on = now.astimezone(SHANGHAI).date()
            entry.exit_reason = f"信用修复申请 {application.id} 获批 / repair application {application.id} approved"
    return step


def check_deadlines(
    session: Session, *, now: datetime, calendar: WorkingCalendar, config: CreditConfig
) -> list[tuple[int, Step]]:
    """Mark applications whose review deadline has passed as overdue; return the steps taken."""
    lifecycle = repair_lifecycle(config.repair)
    return casework.check_deadlines(
        session, REPAIRS, lifecycle_of=lambda _application: lifecycle, now=now, calendar=calendar
    )


def history(session: Session, application_id: int) -> list[RepairTransition]:
    """Return an application's recorded steps in order."""
    return casework.history(session, REPAIRS, application_id)
