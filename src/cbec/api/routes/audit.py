"""/audit: the audit log and its verification (auditors and the regulator's admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from cbec.api.deps import Limit, Offset, StoreDep, require
from cbec.api.problems import PROBLEM_RESPONSES
from cbec.audit import service as audit
from cbec.audit.schemas import AuditRead, VerifyResult
from cbec.auth.domain import AUDITOR, REGULATOR_ADMIN

router = APIRouter(
    prefix="/audit",
    tags=["audit"],
    responses=PROBLEM_RESPONSES,
    dependencies=[Depends(require(AUDITOR, REGULATOR_ADMIN))],
)


@router.get("", response_model=list[AuditRead])
def entries(
    store: StoreDep,
    limit: Limit = 50,
    offset: Offset = 0,
    entity: Annotated[str | None, Query(max_length=60)] = None,
    entity_id: Annotated[str | None, Query(max_length=200)] = None,
) -> list[AuditRead]:
    """Return audit entries, newest first."""
    return audit.list_entries(store=store, entity=entity, entity_id=entity_id, limit=limit, offset=offset)


@router.get("/verify", response_model=VerifyResult)
def verify(store: StoreDep) -> VerifyResult:
    """Walk the hash chain; `ok` is false when any entry was edited, deleted or cut off."""
    return audit.verify(store=store)
