"""What delivery takes from and reports back to entry points and other contexts."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class EndpointCreate(BaseModel):
    """A webhook endpoint to register: a tenant registers for itself, a regulator names the tenant."""

    url: str = Field(min_length=8, max_length=500, description="http(s) URL on a public address")
    secret: str | None = Field(default=None, min_length=24, max_length=200, description="omit: cbec makes one")
    tenant_column: str | None = Field(
        default=None, pattern="^(institution_id|platform_id|enterprise_id)$", description="default: institution_id"
    )
    tenant_id: str | None = Field(default=None, min_length=1, max_length=64, description="a tenant: omit (yourself)")


class EndpointRead(BaseModel):
    """A registered endpoint as shown: never its secret."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    tenant_column: str
    tenant_id: str
    url: str
    active: bool
    created_by: str
    created_at: datetime
    disabled_at: datetime | None = None


class EndpointCreated(EndpointRead):
    """A newly registered endpoint with its signing secret, shown this once."""

    secret: str


class AttemptRead(BaseModel):
    """One POST of a delivery: when, the status code or the error, how long it took."""

    model_config = ConfigDict(from_attributes=True)

    number: int
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


class DeliveryRead(BaseModel):
    """One event queued for one endpoint, with its state and (when asked for) every attempt."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    event_id: str
    endpoint_id: int
    event_type: str
    subject: str
    state: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    log: list[AttemptRead] = Field(default_factory=list)


class DeliveryRun(BaseModel):
    """What one pass of the delivery worker did."""

    attempted: int = 0
    delivered: int = 0
    retrying: int = 0
    dead: int = 0
