"""How one recorded lifecycle step reads, the same for every kind of case."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class StepRead(BaseModel):
    """One recorded step: the action, the states it moved between, who took it, when, why and the new deadline."""

    model_config = ConfigDict(from_attributes=True)

    action: str
    from_state: str | None
    to_state: str
    actor: str
    at: datetime
    reason: str
    due_at: datetime | None
