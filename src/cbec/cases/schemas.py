"""One row of the case board, whatever the kind of case."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

CaseKind = Literal["complaint", "takedown", "quality_case", "notice", "credit_repair"]
SubjectKind = Literal["institution", "enterprise", "platform", "none"]


class CaseRow(BaseModel):
    """A case as the board lists it: its kind and number, whom it concerns, its state, deadline and lateness."""

    kind: CaseKind
    id: int
    title: str
    subject_kind: SubjectKind
    subject_id: str | None
    state: str
    state_title: tuple[str, str]
    due_at: datetime | None
    overdue: bool
    opened_at: datetime | None
