"""/triage: what analysts' dispositions say of each evidence source and rule; candidate weights in shadow; publishing.

Shadow runs and publishing take a weights document in the body (YAML text, JSON text, or a JSON object), checked
whole by the triage configuration's loader: a document that cannot be used is a 422 naming every problem.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field, field_validator

from cbec.api.deps import Month, StoreDep, require
from cbec.api.problems import PROBLEM_RESPONSES
from cbec.auth.domain import INSTITUTION, REGULATOR_ADMIN, REGULATORS, Principal
from cbec.core.months import MONTH_PATTERN
from cbec.monitoring import service as monitoring
from cbec.monitoring.schemas import PrecisionRow, PublishRead, ShadowRead

router = APIRouter(tags=["review"], responses=PROBLEM_RESPONSES)
Judges = Annotated[Principal, Depends(require(*REGULATORS, INSTITUTION))]
Regulator = Annotated[Principal, Depends(require(*REGULATORS))]
Admin = Annotated[Principal, Depends(require(REGULATOR_ADMIN))]
MAX_WEIGHTS_CHARS = 64_000  # the shipped weights.yaml is about 4,600
BODY = "request body"  # how a document sent in the body is named in its problems and in the audit log


@router.get("/triage/precision", response_model=list[PrecisionRow])
def precision(month: Month, store: StoreDep, principal: Judges) -> list[PrecisionRow]:
    """Precision per evidence source and rule from a month's dispositioned items (an institution: its own)."""
    rows = monitoring.rule_precision(store=store, month=month, principal=principal)
    return [PrecisionRow.model_validate(r) for r in rows]


class Weights(BaseModel):
    """A weights document: YAML or JSON text, or the same document as a JSON object (weights.yaml's shape)."""

    weights: Annotated[str, Field(min_length=1, max_length=MAX_WEIGHTS_CHARS)] | dict[str, Any]

    @field_validator("weights")
    @classmethod
    def _not_too_long(cls, value: str | dict[str, Any]) -> str | dict[str, Any]:
        if isinstance(value, dict) and len(json.dumps(value, ensure_ascii=False)) > MAX_WEIGHTS_CHARS:
            raise ValueError(f"权重文件过大 / the weights document exceeds {MAX_WEIGHTS_CHARS:,} characters")
        return value

    def text(self) -> str:
        """Return the document as the text the loader reads (JSON is YAML)."""
        return self.weights if isinstance(self.weights, str) else json.dumps(self.weights, ensure_ascii=False)


class ShadowRun(Weights):
    """Candidate weights to run in shadow over a month's kept triage evidence."""

    month: str = Field(pattern=MONTH_PATTERN)


class Publish(Weights):
    """Weights to make live, and why (kept in the audit log)."""

    reason: str = Field(min_length=1, max_length=4000)


@router.post("/triage/shadow", response_model=ShadowRead)
def shadow(body: ShadowRun, store: StoreDep, principal: Regulator) -> ShadowRead:
    """Run candidate weights in shadow over a month: items added and removed, each queue's precision; writes nothing."""
    found = monitoring.shadow_text(store=store, month=body.month, text=body.text(), source=BODY)
    return ShadowRead.model_validate(found)


@router.post("/triage/publish", response_model=PublishRead, status_code=201)
def publish(body: Publish, store: StoreDep, principal: Admin) -> PublishRead:
    """Make a weights version the live one for the next triage runs: administrators only, audited, a new version."""
    done = monitoring.publish_text(
        store=store, text=body.text(), source=BODY, actor=principal.username, reason=body.reason
    )
    return PublishRead(before=done["before"], after=done["after"], reason=body.reason)
