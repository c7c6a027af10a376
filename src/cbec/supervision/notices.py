"""Notices in the store: issue, advance through their lifecycle, and the scheduled deadline check."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cbec.audit import service as audit
from cbec.core.calendar import WorkingCalendar
from cbec.core.clock import SHANGHAI
from cbec.core.workflow import Lifecycle, Step, advance, overdue_steps
from cbec.supervision.config import NoticeConfig
from cbec.supervision.lifecycles import KINDS, RECTIFICATION, rectification_lifecycle, warning_lifecycle
from cbec.supervision.models import Notice, NoticeTransition
from cbec.supervision.schemas import NoticeCreate, NoticeRead, TransitionRead


def lifecycle_of(kind: str, config: NoticeConfig) -> Lifecycle:
    """Return the lifecycle of a notice kind."""
    if kind not in KINDS:
        raise ValueError(f"notice kind must be one of {', '.join(KINDS)}, not {kind!r}")
    return rectification_lifecycle(config) if kind == RECTIFICATION else warning_lifecycle(config)


def _record(session: Session, notice: Notice, step: Step) -> None:
    audit.record_step(
        session,
        item=notice,
        step=step,
        transition=NoticeTransition,
        link={"notice_id": notice.id},
        entity="notice",
    )


def issue(
    session: Session,
    data: NoticeCreate,
    *,
    actor: str,
    now: datetime,
    calendar: WorkingCalendar,
    config: NoticeConfig,
    origin: str | None = None,
) -> tuple[Notice, bool]:
    """Issue a notice in its initial state; with an origin already issued, return that one (False)."""
    if origin is not None:
        existing = session.scalar(select(Notice).where(Notice.origin == origin))
        if existing is not None:
            return existing, False
    lifecycle = lifecycle_of(data.kind, config)
    due = data.due_at or lifecycle.due(lifecycle.initial, now.astimezone(SHANGHAI), calendar)
    notice = Notice(
        kind=data.kind,
        institution_id=data.institution_id,
        month=data.month,
        origin=origin,
        state=lifecycle.initial,
        title=data.title,
        body=data.body,
        evidence=data.evidence,
        issued_by=actor,
        issued_at=now,
        due_at=due,
        updated_at=now,
    )
    session.add(notice)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="notice.issue",
        entity="notice",
        entity_id=notice.id,
        after={
            "kind": notice.kind,
            "institution_id": notice.institution_id,
            "state": notice.state,
            "due_at": due,
            "title": notice.title,
        },
        now=now,
    )
    session.add(
        NoticeTransition(
            notice_id=notice.id,
            action="issue",
            from_state=None,
            to_state=notice.state,
            actor=actor,
            at=now,
            reason=data.body,
            due_at=due,
        )
    )
    return notice, True


def move(
    session: Session,
    notice: Notice,
    *,
    action: str,
    actor: str,
    reason: str,
    now: datetime,
    calendar: WorkingCalendar,
    config: NoticeConfig,
) -> Step:
    """Apply one action to a notice and record it."""
    lifecycle = lifecycle_of(notice.kind, config)
    step = advance(lifecycle, state=notice.state, action=action, actor=actor, reason=reason, now=now, calendar=calendar)
    _record(session, notice, step)
    return step


def check_deadlines(
    session: Session, *, now: datetime, calendar: WorkingCalendar, config: NoticeConfig
) -> list[tuple[int, Step]]:
    """Move every notice whose deadline has passed (overdue, then escalated); return the steps taken."""
    taken: list[tuple[int, Step]] = []
    query = select(Notice).where(Notice.due_at.is_not(None), Notice.due_at < now).order_by(Notice.id)
    for notice in session.scalars(query):
        # A notice late twice over is first marked overdue at its deadline, then escalated at the next.
        for step in overdue_steps(
            lifecycle_of(notice.kind, config),
            state=notice.state,
            due_at=notice.due_at,
            updated_at=notice.updated_at,
            now=now,
            calendar=calendar,
        ):
            _record(session, notice, step)
            taken.append((notice.id, step))
    return taken


def read(notice: Notice, *, now: datetime, history: list[NoticeTransition] | None = None) -> NoticeRead:
    """Return a notice as shown, flagged overdue when its deadline has passed or it is in `overdue`."""
    out = NoticeRead.model_validate(notice, from_attributes=True)
    out.overdue = notice.state in ("overdue", "escalated") or (notice.due_at is not None and notice.due_at < now)
    out.history = [TransitionRead.model_validate(t, from_attributes=True) for t in history or []]
    return out


def transitions(session: Session, notice_id: int) -> list[NoticeTransition]:
    """Return a notice's recorded steps in order."""
    query = select(NoticeTransition).where(NoticeTransition.notice_id == notice_id).order_by(NoticeTransition.id)
    return list(session.scalars(query))
