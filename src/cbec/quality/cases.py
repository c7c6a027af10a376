"""Open a quality case on the shared lifecycle: one way for a failed inspection and a filing's standards findings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from cbec.casework import service as casework
from cbec.core.calendar import WorkingCalendar
from cbec.core.clock import SHANGHAI
from cbec.core.workflow import SYSTEM_ACTOR
from cbec.quality.config import shipped_config
from cbec.quality.lifecycle import quality_case_lifecycle
from cbec.quality.models import QUALITY_CASES, QualityCase


def open_case(
    session: Session,
    *,
    key: str,
    filing_id: str | None,
    enterprise_id: str,
    product: str,
    defect: str,
    measure: str,
    now: datetime,
    calendar: WorkingCalendar,
    evidence: dict[str, Any],
) -> QualityCase:
    """Open a case keyed `key` (an inspection id, or `std:<filing>`) with the measure's deadline; audit it."""
    lifecycle = quality_case_lifecycle(shipped_config(), measure)
    case = QualityCase(
        inspection_id=key,
        filing_id=filing_id,
        enterprise_id=enterprise_id,
        product_name=product[:300],
        defect=defect,
        measure=measure,
        state=lifecycle.initial,
        due_at=lifecycle.due(lifecycle.initial, now.astimezone(SHANGHAI), calendar),
        opened_at=now,
        updated_at=now,
    )
    casework.open_item(
        session,
        QUALITY_CASES,
        case,
        actor=SYSTEM_ACTOR,
        at=now,
        audit_action="quality_case.open",
        after=evidence | {"measure": measure, "due_at": case.due_at},
    )
    return case
