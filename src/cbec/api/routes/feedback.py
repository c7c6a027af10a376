"""/triage/precision: what analysts' dispositions say of each evidence source and rule."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from cbec.api.deps import Month, StoreDep, require
from cbec.api.problems import PROBLEM_RESPONSES
from cbec.auth.domain import INSTITUTION, REGULATORS, Principal
from cbec.monitoring import service as monitoring
from cbec.monitoring.schemas import PrecisionRow

router = APIRouter(tags=["review"], responses=PROBLEM_RESPONSES)
Judges = Annotated[Principal, Depends(require(*REGULATORS, INSTITUTION))]


@router.get("/triage/precision", response_model=list[PrecisionRow])
def precision(month: Month, store: StoreDep, principal: Judges) -> list[PrecisionRow]:
    """Precision per evidence source and rule from a month's dispositioned items (an institution: its own)."""
    rows = monitoring.rule_precision(store=store, month=month, principal=principal)
    return [PrecisionRow.model_validate(r) for r in rows]
