"""What the audit log shows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditRead(BaseModel):
    """One audit entry as shown to an auditor."""

    model_config = ConfigDict(from_attributes=True)

    seq: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    hash: str


class Problem(BaseModel):
    """One break in the chain: where, and what."""

    seq: int
    problem: str


class VerifyResult(BaseModel):
    """The outcome of walking the whole chain."""

    entries: int
    ok: bool
    problems: list[Problem]
    checkpoints: int = 0  # signed head checkpoints found outside the database
    unkeyed: int = 0  # entries older than the keyed MAC (made before it existed), at the chain's start
