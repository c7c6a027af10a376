"""The outbox in the store: queue an event in the caller's transaction, claim due deliveries, record attempts.

Queueing writes a row in the same transaction as the change it announces (a notice issued), so an event
exists exactly when its change committed. The worker claims due rows by pushing their next attempt out by a
lease (PostgreSQL: skipping rows another worker holds), sends outside any transaction, then records the
attempt; a worker killed mid-send leaves the row to be claimed again when the lease runs out, and the
receiver drops the repeat by its event id.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cbec.audit import service as audit
from cbec.auth.domain import TENANT_COLUMN
from cbec.core.workflow import SYSTEM_ACTOR
from cbec.delivery.domain import DEAD, DELIVERED, PENDING, Outcome
from cbec.delivery.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery taken by one worker pass, with what it needs to send it."""

    delivery_id: int
    event_id: str
    event_type: str
    body: str
    attempt: int  # the number of the attempt about to be made (1 = first)
    url: str
    secret_sealed: str


def body_of(*, event_id: str, event_type: str, subject: str, data: dict[str, Any], now: datetime) -> str:
    """Return the JSON body of an event: compact, keys sorted, fixed once so every retry sends the same bytes."""
    event = {"id": event_id, "type": event_type, "subject": subject, "created_at": now.isoformat(), "data": data}
    return json.dumps(event, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def queue_event(
    session: Session,
    *,
    tenant_column: str,
    tenant_id: str,
    event_type: str,
    subject: str,
    data: dict[str, Any],
    now: datetime,
) -> int:
    """Queue an event for the tenant's active endpoints in the caller's transaction; return how many rows."""
    if tenant_column not in TENANT_COLUMN.values():
        raise ValueError(f"unknown tenant column {tenant_column!r}")
    endpoints = session.scalars(
        select(WebhookEndpoint).where(
            WebhookEndpoint.tenant_column == tenant_column,
            WebhookEndpoint.tenant_id == tenant_id,
            WebhookEndpoint.active.is_(True),
        )
    )
    queued = 0
    for endpoint in endpoints:
        event_id = f"evt_{uuid.uuid4().hex}"
        row = WebhookDelivery(
            event_id=event_id,
            endpoint_id=endpoint.id,
            event_type=event_type,
            subject=subject,
            body=body_of(event_id=event_id, event_type=event_type, subject=subject, data=data, now=now),
            state=PENDING,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        session.add(row)
        queued += 1
    session.flush()
    return queued


def claim(session: Session, *, now: datetime, limit: int, lease: timedelta) -> list[Claimed]:
    """Take up to `limit` due deliveries for this pass (their next attempt moves out by the lease)."""
    rows = session.execute(
        select(WebhookDelivery, WebhookEndpoint)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(WebhookDelivery.state == PENDING, WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=WebhookDelivery)
    ).all()
    claimed = []
    for delivery, endpoint in rows:
        if not endpoint.active:
            _finish(session, delivery, DEAD, error="endpoint disabled / 端点已停用", now=now)
            continue
        delivery.next_attempt_at = now + lease
        claimed.append(
            Claimed(
                delivery.id,
                delivery.event_id,
                delivery.event_type,
                delivery.body,
                delivery.attempts + 1,
                endpoint.url,
                endpoint.secret_sealed,
            )
        )
    return claimed


def record(
    session: Session, *, delivery_id: int, outcome: Outcome, state: str, retry_at: datetime | None, now: datetime
) -> WebhookDelivery:
    """Log one attempt and move its delivery to the state it came to (delivered, pending again, or dead)."""
    delivery = session.get_one(WebhookDelivery, delivery_id, with_for_update=True)
    number = session.scalar(select(func.count()).where(WebhookAttempt.delivery_id == delivery_id)) or 0
    session.add(
        WebhookAttempt(
            delivery_id=delivery_id,
            number=number + 1,
            at=now,
            status_code=outcome.status_code,
            error=outcome.error,
            duration_ms=outcome.duration_ms,
        )
    )
    delivery.attempts += 1
    if state == PENDING:
        delivery.next_attempt_at, delivery.last_error = retry_at, outcome.error
    else:
        _finish(session, delivery, state, error=outcome.error, now=now)
    return delivery


def _finish(session: Session, delivery: WebhookDelivery, state: str, *, error: str | None, now: datetime) -> None:
    """Close a delivery as delivered or dead, audited (the worker is the system)."""
    before = {"state": delivery.state, "attempts": delivery.attempts}
    delivery.state, delivery.next_attempt_at, delivery.last_error = state, None, error
    if state == DELIVERED:
        delivery.delivered_at = now
    audit.record_change(
        session,
        delivery,
        actor=SYSTEM_ACTOR,
        action=f"webhook.{state}",
        before=before,
        after={"state": state, "attempts": delivery.attempts, "event_id": delivery.event_id, "error": error},
        now=now,
    )


def requeue(session: Session, delivery: WebhookDelivery, *, actor: str, now: datetime) -> None:
    """Put a dead delivery back in the queue for a fresh round of attempts (its log stays), audited."""
    if delivery.state != DEAD:
        raise ValueError(f"只有死信可以重新排队 / only a dead letter can be re-queued (this one is {delivery.state})")
    before = {"state": delivery.state, "attempts": delivery.attempts, "error": delivery.last_error}
    delivery.state, delivery.attempts, delivery.next_attempt_at = PENDING, 0, now
    audit.record_change(
        session,
        delivery,
        actor=actor,
        action="webhook.requeue",
        before=before,
        after={"state": PENDING, "event_id": delivery.event_id},
        now=now,
    )
