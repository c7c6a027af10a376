"""Notices in the store: issue, advance through their lifecycle, and the scheduled deadline check."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cbec.casework import service as casework
from cbec.core.calendar import WorkingCalendar
from cbec.core.clock import SHANGHAI
from cbec.core.workflow import Lifecycle, Step, is_overdue
from cbec.delivery import service as delivery
from cbec.supervision.config import NoticeConfig
from cbec.supervision.lifecycle import KIND_TITLES, KINDS, RECTIFICATION, rectification_lifecycle, warning_lifecycle
from cbec.supervision.models import NOTICES, Notice, NoticeTransition
from cbec.supervision.schemas import NoticeCreate, NoticeRead, TransitionRead


def lifecycle_of(kind: str, config: NoticeConfig) -> Lifecycle:
    """Return the lifecycle of a notice kind."""
    if kind not in KINDS:
        raise ValueError(f"notice kind must be one of {', '.join(KINDS)}, not {kind!r}")
    return rectification_lifecycle(config) if kind == RECTIFICATION else warning_lifecycle(config)


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
        **data.model_dump(exclude={"due_at"}),  # as the regulator gave it, but the deadline: `due` is settled above
        origin=origin,
        state=lifecycle.initial,
        issued_by=actor,
        issued_at=now,
        due_at=due,
        updated_at=now,
    )
    casework.open_item(
        session,
        NOTICES,
        notice,
        actor=actor,
        at=now,
        opening="issue",
        reason=data.body,
        audit_action="notice.issue",
        after={
            "kind": notice.kind,
            "institution_id": notice.institution_id,
            "state": notice.state,
            "due_at": due,
            "title": notice.title,
        },
    )
    queue_webhook(session, notice, now=now)
    return notice, True


def queue_webhook(session: Session, notice: Notice, *, now: datetime) -> int:
    """Queue the issued notice for the institution's webhook endpoints, in the issuing transaction (the outbox)."""
    zh, en = KIND_TITLES[notice.kind]
    return delivery.queue_event(
        session,
        tenant_column="institution_id",
        tenant_id=notice.institution_id,
        event_type=f"notice.{notice.kind}.issued",
        subject=f"notice:{notice.id}",
        data={
            "notice_id": notice.id,
            "kind": notice.kind,
            "kind_title": {"zh": zh, "en": en},
            "institution_id": notice.institution_id,
            "month": notice.month,
            "state": notice.state,
            "title": notice.title,
            "body": notice.body,
            "issued_at": notice.issued_at.isoformat(),
            "due_at": notice.due_at.isoformat() if notice.due_at else None,
            "portal_path": f"/notices/{notice.id}",
        },
        now=now,
    )


def check_deadlines(
    session: Session, *, now: datetime, calendar: WorkingCalendar, config: NoticeConfig
) -> list[tuple[int, Step]]:
    """Move every notice whose deadline has passed (overdue, then escalated); return the steps taken."""
    return casework.check_deadlines(
        session, NOTICES, lifecycle_of=lambda notice: lifecycle_of(notice.kind, config), now=now, calendar=calendar
    )


def read(
    notice: Notice, *, now: datetime, config: NoticeConfig, history: list[NoticeTransition] | None = None
) -> NoticeRead:
    """Return a notice as shown, flagged overdue when its deadline has passed or it is overdue or escalated."""
    out = NoticeRead.model_validate(notice, from_attributes=True)
    out.overdue = is_overdue(lifecycle_of(notice.kind, config), state=notice.state, due_at=notice.due_at, now=now)
    out.history = [TransitionRead.model_validate(t, from_attributes=True) for t in history or []]
    return out


def transitions(session: Session, notice_id: int) -> list[NoticeTransition]:
    """Return a notice's recorded steps in order."""
    return casework.history(session, NOTICES, notice_id)
