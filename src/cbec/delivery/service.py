"""What entry points and other contexts call for delivery: webhook endpoints, the outbox, the worker, dead letters.

Other contexts queue an event with `queue_event` inside the transaction that makes the change (supervision
does when it issues a notice); `deliver_due` is the worker's pass. The signature scheme and its
verification for receivers are in docs/api.md (Webhooks).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from cbec.audit import service as audit
from cbec.auth.domain import REGULATORS, Forbidden, NotVisible, Principal
from cbec.config import Settings
from cbec.core.privacy import KeyRing, PrivacyError
from cbec.delivery import domain, keys, outbox, sender
from cbec.delivery.domain import DEAD, PENDING, STATE_TITLES, STATES, Outcome, SignatureError, TargetRefused
from cbec.delivery.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from cbec.delivery.outbox import queue_event as queue_event  # other contexts queue in their own transaction
from cbec.delivery.schemas import (
    AttemptRead,
    DeliveryRead,
    DeliveryRun,
    EndpointCreate,
    EndpointCreated,
    EndpointRead,
)
from cbec.storage.engine import transaction
from cbec.storage.store import Store

__all__ = [
    "STATES",
    "STATE_TITLES",
    "DeliveryRead",
    "DeliveryRun",
    "EndpointCreate",
    "EndpointCreated",
    "EndpointRead",
    "SignatureError",
    "TargetRefused",
]
LEASE = timedelta(minutes=2)  # a claimed delivery is not claimed again before this, unless recorded
JITTER = secrets.SystemRandom()  # the OS generator: bandit need not be told that jitter is no secret


def verify_signature(
    secret: str, timestamp: str | int, body: bytes, header: str, tolerance: int = domain.DEFAULT_TOLERANCE
) -> None:
    """Raise SignatureError unless a received webhook's signature and timestamp verify (against the clock now)."""
    domain.verify_signature(secret, timestamp, body, header, tolerance=tolerance, now=int(time.time()))


def _can_see(principal: Principal, endpoint: WebhookEndpoint) -> bool:
    return principal.can_see(endpoint.tenant_column, endpoint.tenant_id)


def _owner(data: EndpointCreate, principal: Principal) -> tuple[str, str]:
    """Return whose endpoint this is: a tenant's own (naming another is refused), or the tenant a regulator names."""
    if principal.tenant_column is not None and principal.tenant_id is not None:
        if (data.tenant_column or principal.tenant_column, data.tenant_id or principal.tenant_id) != (
            principal.tenant_column,
            principal.tenant_id,
        ):
            raise Forbidden("只能为本机构登记推送地址 / you may register an endpoint only for yourself")
        return principal.tenant_column, principal.tenant_id
    principal.require(*REGULATORS)
    if data.tenant_id is None:
        raise ValueError("请指明推送地址所属机构 / name the tenant (tenant_id) the endpoint belongs to")
    return data.tenant_column or "institution_id", data.tenant_id


def register_endpoint(
    *, store: Store, data: EndpointCreate, principal: Principal, now: datetime | None = None
) -> EndpointCreated:
    """Register a webhook endpoint: a tenant for itself, a regulator for any tenant; the secret is shown once."""
    column, tenant = _owner(data, principal)
    sender.check_target(data.url, allow_private=store.settings.webhook_allow_private_targets)
    now, secret = now or datetime.now(UTC), data.secret or keys.new_secret()
    endpoint = WebhookEndpoint(
        tenant_column=column,
        tenant_id=tenant,
        url=data.url,
        secret_sealed=keys.seal_secret(secret, keys.load_keyring(store.settings)),
        active=True,
        created_by=principal.username,
        created_at=now,
    )
    with transaction(store.factory) as session:
        audit.record_added(
            session,
            endpoint,
            actor=principal.username,
            action="webhook.register",
            after={"tenant_column": endpoint.tenant_column, "tenant_id": endpoint.tenant_id, "url": endpoint.url},
            now=now,
        )
        read = EndpointRead.model_validate(endpoint)
    return EndpointCreated(**read.model_dump(), secret=secret)


def list_endpoints(*, store: Store, principal: Principal) -> list[EndpointRead]:
    """Return the endpoints the principal may see (a tenant its own, a regulator all), newest first."""
    with store.factory() as session:
        rows = session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id.desc()))
        return [EndpointRead.model_validate(e) for e in rows if _can_see(principal, e)]


def disable_endpoint(
    *, store: Store, endpoint_id: int, principal: Principal, now: datetime | None = None
) -> EndpointRead:
    """Switch an endpoint off (its owner or a regulator); what is still queued for it becomes a dead letter."""
    now = now or datetime.now(UTC)
    if principal.tenant_column is None:
        principal.require(*REGULATORS)
    with transaction(store.factory) as session:
        endpoint = session.get(WebhookEndpoint, endpoint_id)
        if endpoint is None or not _can_see(principal, endpoint):
            raise NotVisible(f"no webhook endpoint {endpoint_id} / 推送地址 {endpoint_id} 不存在")
        if endpoint.active:
            endpoint.active, endpoint.disabled_at = False, now
            audit.record_change(
                session,
                endpoint,
                actor=principal.username,
                action="webhook.disable",
                before={"active": True},
                after={"active": False},
                now=now,
            )
        return EndpointRead.model_validate(endpoint)


def deliver_due(
    *, store: Store, now: datetime | None = None, limit: int = 100, spread: Callable[[], float] | None = None
) -> DeliveryRun:
    """Make one attempt at every due delivery (up to `limit`): sign, POST, log, then deliver, retry or dead-letter.

    `spread` draws the jitter in [-1, 1] (default: random); the tests pass a fixed one.
    """
    settings, run = store.settings, DeliveryRun()
    now = now or datetime.now(UTC)
    draw = spread or (lambda: JITTER.uniform(-1.0, 1.0))
    ring = keys.load_keyring(settings)
    with transaction(store.factory) as session:
        claimed = outbox.claim(session, now=now, limit=limit, lease=LEASE)
    with sender.client(settings.webhook_timeout_seconds) as client:
        for item in claimed:
            outcome, hopeless = _attempt(client, item, ring=ring, settings=settings, now=now)
            state, retry_at = (
                (DEAD, None)
                if hopeless
                else domain.next_state(
                    outcome,
                    item.attempt,
                    settings.webhook_retry_seconds,
                    jitter=settings.webhook_retry_jitter,
                    spread=draw(),
                    now=now,
                )
            )
            with transaction(store.factory) as session:
                outbox.record(
                    session, delivery_id=item.delivery_id, outcome=outcome, state=state, retry_at=retry_at, now=now
                )
            run.attempted += 1
            run.delivered += outcome.ok
            run.retrying += state == PENDING
            run.dead += state == DEAD
    return run


def _attempt(
    client: httpx.Client, item: outbox.Claimed, *, ring: KeyRing, settings: Settings, now: datetime
) -> tuple[Outcome, bool]:
    """Make one attempt at a claimed delivery; the flag says no retry can help (the body is too large)."""
    body = item.body.encode("utf-8")
    if len(body) > settings.webhook_max_body_bytes:
        return Outcome(None, f"body of {len(body)} bytes exceeds {settings.webhook_max_body_bytes}", 0), True
    try:
        secret = keys.open_secret(item.secret_sealed, ring)
    except PrivacyError as exc:  # a key retired too early: an error in the log, not a dead worker
        return Outcome(None, f"the secret does not open: {exc}"[:500], 0), False
    outcome = sender.post(
        client,
        url=item.url,
        secret=secret,
        body=body,
        event_id=item.event_id,
        event_type=item.event_type,
        attempt=item.attempt,
        allow_private=settings.webhook_allow_private_targets,
        now=int(now.timestamp()),
    )
    return outcome, False


def deliver_forever(*, store: Store, poll_seconds: float = 5.0, passes: int | None = None) -> DeliveryRun:
    """Run delivery passes every `poll_seconds` (until interrupted, or `passes` of them); return the totals."""
    total, done = DeliveryRun(), 0
    while passes is None or done < passes:
        run = deliver_due(store=store)
        for field in ("attempted", "delivered", "retrying", "dead"):
            setattr(total, field, getattr(total, field) + getattr(run, field))
        done += 1
        if run.attempted == 0 and (passes is None or done < passes):
            time.sleep(poll_seconds)
    return total


def _visible_delivery(session: Session, delivery_id: int, principal: Principal) -> WebhookDelivery:
    found = session.execute(
        select(WebhookDelivery, WebhookEndpoint)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(WebhookDelivery.id == delivery_id)
    ).first()
    if found is None or not _can_see(principal, found[1]):
        raise NotVisible(f"no webhook delivery {delivery_id} / 推送 {delivery_id} 不存在")
    return found[0]


def list_deliveries(
    *, store: Store, principal: Principal, state: str | None = None, limit: int = 100, offset: int = 0
) -> list[DeliveryRead]:
    """Return the deliveries the principal may see, newest first; state="dead" lists the dead letters."""
    if state is not None and state not in STATES:
        raise ValueError(f"state must be one of {', '.join(STATES)} / 状态无效")
    query = (
        select(WebhookDelivery)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
        .offset(offset)
    )
    if (column := principal.tenant_column) is not None:
        query = query.where(WebhookEndpoint.tenant_column == column, WebhookEndpoint.tenant_id == principal.tenant_id)
    if state is not None:
        query = query.where(WebhookDelivery.state == state)
    with store.factory() as session:
        return [DeliveryRead.model_validate(d) for d in session.scalars(query)]


def get_delivery(*, store: Store, delivery_id: int, principal: Principal) -> DeliveryRead:
    """Return one delivery with its attempt log, oldest attempt first."""
    with store.factory() as session:
        delivery = _visible_delivery(session, delivery_id, principal)
        attempts = session.scalars(
            select(WebhookAttempt).where(WebhookAttempt.delivery_id == delivery_id).order_by(WebhookAttempt.id)
        )
        read = DeliveryRead.model_validate(delivery)
        read.log = [AttemptRead.model_validate(a) for a in attempts]
        return read


def requeue_delivery(
    *, store: Store, delivery_id: int, principal: Principal, now: datetime | None = None
) -> DeliveryRead:
    """Put a dead letter back in the queue (regulators only); refused while its endpoint is disabled."""
    principal.require(*REGULATORS)
    now = now or datetime.now(UTC)
    with transaction(store.factory) as session:
        delivery = _visible_delivery(session, delivery_id, principal)
        endpoint = session.get_one(WebhookEndpoint, delivery.endpoint_id)
        if not endpoint.active:
            raise ValueError("推送地址已停用，无法重新排队 / the endpoint is disabled: register it again first")
        outbox.requeue(session, delivery, actor=principal.username, now=now)
        return DeliveryRead.model_validate(delivery)
