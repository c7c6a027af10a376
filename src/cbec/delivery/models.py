"""Relational tables of delivery: webhook endpoints, the outbox of deliveries, and every attempt."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cbec.storage.base import IdKeyed
from cbec.storage.types import UTCDateTime


class WebhookEndpoint(IdKeyed):
    """A tenant's outbound webhook: where to POST, the secret that signs (sealed at rest), whether it is on."""

    __tablename__ = "webhook_endpoints"
    audit_entity: ClassVar[str] = "webhook_endpoint"
    __table_args__ = (Index("ix_webhook_endpoints_tenant", "tenant_column", "tenant_id", "active"),)

    tenant_column: Mapped[str] = mapped_column(String(32))  # institution_id, platform_id or enterprise_id
    tenant_id: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(String(500))
    secret_sealed: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class WebhookDelivery(IdKeyed):
    """One event for one endpoint (the outbox row): the exact body to send, its state and next attempt."""

    __tablename__ = "webhook_deliveries"
    audit_entity: ClassVar[str] = "webhook_delivery"
    __table_args__ = (Index("ix_webhook_deliveries_due", "state", "next_attempt_at"),)

    event_id: Mapped[str] = mapped_column(String(40), unique=True)  # the receiver's idempotency key
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True)
    event_type: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(120))  # e.g. notice:12
    body: Mapped[str] = mapped_column(Text)  # the JSON sent, fixed when queued: every retry sends the same bytes
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class WebhookAttempt(IdKeyed):
    """One POST of a delivery: when, the status code or the error, how long it took."""

    __tablename__ = "webhook_attempts"

    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    duration_ms: Mapped[int] = mapped_column(Integer)
