"""What auth gives back."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class UserRead(BaseModel):
    """A user without secrets."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    role: str
    tenant_id: str | None
    display_name: str
    active: bool
    locked_until: datetime | None = None


class TokenIssued(BaseModel):
    """A new token: the secret is shown once and never stored."""

    token: str
    token_id: int
    expires_at: datetime
