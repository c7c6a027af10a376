"""Delivery: the outbox of outbound webhooks (endpoints, deliveries, their attempts)."""

from __future__ import annotations

import sqlalchemy as sa

from cbec.storage import ddl
from cbec.storage.ddl import TIMESTAMP


def upgrade() -> None:
    """Create the endpoints, the deliveries queued to them and each attempt made."""
    ddl.create_table(
        "webhook_endpoints",
        sa.Column("tenant_column", sa.String(32), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("secret_sealed", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("disabled_at", TIMESTAMP, nullable=True),
        sa.Index("ix_webhook_endpoints_tenant", "tenant_column", "tenant_id", "active"),
    )
    ddl.create_table(
        "webhook_deliveries",
        sa.Column("event_id", sa.String(40), nullable=False),
        sa.Column("endpoint_id", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TIMESTAMP, nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("delivered_at", TIMESTAMP, nullable=True),
        ddl.foreign_key("webhook_deliveries", "endpoint_id", "webhook_endpoints", ondelete="CASCADE"),
        sa.UniqueConstraint("event_id", name="uq_webhook_deliveries_event_id"),
        sa.Index("ix_webhook_deliveries_due", "state", "next_attempt_at"),
        sa.Index("ix_webhook_deliveries_endpoint_id", "endpoint_id"),
    )
    ddl.create_table(
        "webhook_attempts",
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(500), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        ddl.foreign_key("webhook_attempts", "delivery_id", "webhook_deliveries", ondelete="CASCADE"),
        sa.Index("ix_webhook_attempts_delivery_id", "delivery_id"),
    )


def downgrade() -> None:
    """Drop them."""
    ddl.drop_tables("webhook_attempts", "webhook_deliveries", "webhook_endpoints")
