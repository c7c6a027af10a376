"""Findings in the store: open one, take a step, the deadline check (with its risk warnings), reads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cbec.casework import service as casework
from cbec.core.calendar import WorkingCalendar
from cbec.core.clock import SHANGHAI, month_key
from cbec.core.workflow import SYSTEM_ACTOR, Step, is_overdue
from cbec.supervision import notices
from cbec.supervision.config import NoticeConfig
from cbec.supervision.lifecycle import WARNING
from cbec.supervision.schemas import NoticeCreate
from cbec.supervision.security.lifecycle import FINDING_LIFECYCLE, STATE_TITLES, UNRESOLVED, due_after
from cbec.supervision.security.models import FINDINGS, SecurityFinding
from cbec.supervision.security.schemas import FindingRead, FindingStepRead


def open_finding(session: Session, finding: SecurityFinding, *, actor: str, now: datetime, reason: str) -> None:
    """Store a new finding, open, due by its response deadline, with its opening step and audit entry."""
    finding.state, finding.updated_at = FINDING_LIFECYCLE.initial, now
    finding.due_at = due_after(finding.state, respond_by=finding.respond_by, fix_by=finding.fix_by)
    casework.open_item(
        session,
        FINDINGS,
        finding,
        actor=actor,
        at=now,
        opening="discover",
        reason=reason,
        audit_action="security_finding.discover",
        after={
            "finding_id": finding.finding_id,
            "institution_id": finding.institution_id,
            "severity": finding.severity,
            "discovered_at": finding.discovered_at,
            "respond_by": finding.respond_by,
            "fix_by": finding.fix_by,
        },
    )


def step(
    session: Session,
    finding: SecurityFinding,
    *,
    action: str,
    actor: str,
    reason: str,
    now: datetime,
    calendar: WorkingCalendar,
    role: str | None = None,
) -> Step:
    """Take one action on a finding; the next deadline is its own response or fix deadline."""
    target = FINDING_LIFECYCLE.next_state(finding.state, action)
    return casework.take_step(
        session,
        FINDINGS,
        finding,
        lifecycle=FINDING_LIFECYCLE,
        action=action,
        actor=actor,
        reason=reason,
        now=now,
        calendar=calendar,
        role=role,
        due_at=due_after(target, respond_by=finding.respond_by, fix_by=finding.fix_by),
    )


def check_deadlines(
    session: Session, *, now: datetime, calendar: WorkingCalendar, config: NoticeConfig
) -> list[tuple[str, Step]]:
    """Mark findings past a deadline overdue (at the deadline) and issue one risk warning per overdue step."""
    taken: list[tuple[str, Step]] = []
    query = (
        select(SecurityFinding)
        .where(SecurityFinding.due_at.is_not(None), SecurityFinding.due_at < now)
        .order_by(SecurityFinding.id)
    )
    for finding in session.scalars(query):
        while finding.state in UNRESOLVED and finding.due_at is not None and finding.due_at < now:
            due = finding.due_at
            what = "响应（启动应急预案）" if finding.state == "open" else "修复"
            done = step(
                session,
                finding,
                action="overdue",
                actor=SYSTEM_ACTOR,
                reason=f"{what}期限 {due.astimezone(SHANGHAI):%Y-%m-%d %H:%M} 已过 / deadline passed",
                now=max(due, finding.updated_at),
                calendar=calendar,
            )
            taken.append((finding.finding_id, done))
            _warn(session, finding, done, calendar=calendar, config=config, now=now)
    return taken


def _warn(
    session: Session,
    finding: SecurityFinding,
    done: Step,
    *,
    calendar: WorkingCalendar,
    config: NoticeConfig,
    now: datetime,
) -> None:
    zh, en = STATE_TITLES[done.to_state]
    data = NoticeCreate(
        kind=WARNING,
        institution_id=finding.institution_id,
        month=month_key(done.at),
        title=f"风险预警 / Risk warning: {finding.finding_id} {en}",
        body=(
            f"安全漏洞 {finding.finding_id}（{finding.severity}，{finding.cve or finding.rule_id}，"
            f"{finding.asset}）{zh}。"
            f" / Security finding {finding.finding_id} ({finding.severity}, {finding.cve or finding.rule_id}, "
            f"{finding.asset}): {en}."
        ),
        evidence={"finding_id": finding.finding_id, "state": done.to_state, "deadline": str(done.at)},
    )
    notices.issue(
        session,
        data,
        actor=SYSTEM_ACTOR,
        now=now,
        calendar=calendar,
        config=config,
        origin=f"security:{finding.finding_id}:{done.to_state}",
    )


def read(finding: SecurityFinding, *, now: datetime, session: Session | None = None) -> FindingRead:
    """Return a finding as shown (with its history when a session is given)."""
    out = FindingRead.model_validate(finding)
    out.overdue = is_overdue(FINDING_LIFECYCLE, state=finding.state, due_at=finding.due_at, now=now)
    if session is not None:
        out.history = [FindingStepRead.model_validate(t) for t in casework.history(session, FINDINGS, finding.id)]
    return out
