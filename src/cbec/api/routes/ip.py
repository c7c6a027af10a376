"""/ip: copy findings, customs border flags and takedown cases with their evidence.

Who sees what: regulators everything; a platform the findings on its listings and the takedowns it must act on;
an enterprise the findings, border flags, takedowns against it and its own IP risk; institutions, auditors and
partners nothing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel

from cbec.api.deps import Month, RowId, StoreDep, require, step_args
from cbec.api.problems import PROBLEM_RESPONSES
from cbec.auth.domain import ENTERPRISE, PLATFORM, REGULATOR_ADMIN, REGULATOR_ANALYST, Forbidden, Principal
from cbec.ip import service as ip
from cbec.ip.schemas import (
    BorderFlagRead,
    CopyFindingRead,
    EnterpriseIpRisk,
    EvidenceRead,
    TakedownCreate,
    TakedownRead,
    TakedownStep,
    TakedownStepRead,
)

router = APIRouter(prefix="/ip", tags=["ip"], responses=PROBLEM_RESPONSES)
REGULATORS = (REGULATOR_ADMIN, REGULATOR_ANALYST)
IP_READERS = Depends(require(*REGULATORS, PLATFORM, ENTERPRISE))
EVIDENCE_MAX_BYTES = 900 * 1024  # under the API's 1 MiB body limit; larger files go through `cbec ip takedown`


class TakedownDetail(BaseModel):
    """A takedown case with its steps and its evidence files."""

    case: TakedownRead
    steps: list[TakedownStepRead]
    evidence: list[EvidenceRead]


@router.get("/copies", response_model=list[CopyFindingRead])
def copies(
    store: StoreDep,
    principal: Annotated[Principal, IP_READERS],
    rule: Annotated[str | None, Query(pattern="^(image_copy|text_copy)$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[CopyFindingRead]:
    """Listings whose image or description copies a registered design or work, each explained."""
    return ip.list_copy_findings(store=store, principal=principal, rule=rule, limit=limit)


@router.get("/border-flags", response_model=list[BorderFlagRead])
def border_flags(
    store: StoreDep,
    principal: Annotated[Principal, Depends(require(*REGULATORS, ENTERPRISE))],
    month: Month,
) -> list[BorderFlagRead]:
    """Declarations of goods recorded with customs from neither owner nor licensee (an enterprise: its own)."""
    return ip.list_border_flags(store=store, month=month, principal=principal)


@router.get("/risk", response_model=list[EnterpriseIpRisk])
def risk(
    store: StoreDep,
    principal: Annotated[Principal, Depends(require(*REGULATORS, ENTERPRISE))],
    enterprise_id: Annotated[str | None, Query(max_length=32)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[EnterpriseIpRisk]:
    """Enterprise IP risk (0–100) across R&D, sourcing and sales with reasons (an enterprise: its own)."""
    return ip.enterprise_ip_risk(store=store, principal=principal, enterprise_id=enterprise_id)[:limit]


@router.get("/takedowns", response_model=list[TakedownRead])
def takedowns(
    store: StoreDep,
    principal: Annotated[Principal, IP_READERS],
    state: Annotated[str | None, Query(pattern="^[a-z_]{1,20}$")] = None,
) -> list[TakedownRead]:
    """Takedown cases: a platform those it must act on, an enterprise those against it."""
    return ip.list_takedowns(store=store, principal=principal, state=state)


@router.post("/takedowns", response_model=TakedownRead, status_code=201)
def open_takedown(
    body: TakedownCreate, store: StoreDep, principal: Annotated[Principal, Depends(require(*REGULATORS, PLATFORM))]
) -> TakedownRead:
    """Record a rights holder's notice (art. 42); a platform records notices on its own listings only."""
    if principal.role == PLATFORM and body.platform_id != principal.tenant_id:
        raise Forbidden("平台只能登记本平台的通知 / a platform records notices on its own listings only")
    return ip.open_takedown(store=store, actor=principal.username, **body.model_dump())


@router.get("/takedowns/{case_id}", response_model=TakedownDetail)
def takedown(case_id: RowId, store: StoreDep, principal: Annotated[Principal, IP_READERS]) -> TakedownDetail:
    """A case with its steps and evidence files."""
    return TakedownDetail(
        case=ip.get_takedown(store=store, case_id=case_id, principal=principal),
        steps=ip.takedown_steps(store=store, case_id=case_id, principal=principal),
        evidence=ip.list_evidence(store=store, case_id=case_id, principal=principal),
    )


@router.post("/takedowns/{case_id}/steps", response_model=TakedownRead)
def step(
    case_id: RowId, body: TakedownStep, store: StoreDep, principal: Annotated[Principal, IP_READERS]
) -> TakedownRead:
    """Take a step: the platform acts, the seller counter-notifies, a regulator records a complaint or suit."""
    return ip.advance_takedown(store=store, case_id=case_id, **step_args(body, principal))


@router.post("/takedowns/{case_id}/evidence", response_model=EvidenceRead, status_code=201)
async def add_evidence(
    case_id: RowId,
    store: StoreDep,
    principal: Annotated[Principal, IP_READERS],
    file: Annotated[UploadFile, File(description="the evidence file (at most 900 KiB here)")],
) -> EvidenceRead:
    """Give a file in evidence on a case (kept with its SHA-256; the same bytes twice are kept once)."""
    data = await file.read(EVIDENCE_MAX_BYTES + 1)
    if len(data) > EVIDENCE_MAX_BYTES:
        raise ip.EvidenceError(f"证据文件超过 {EVIDENCE_MAX_BYTES} 字节 / over {EVIDENCE_MAX_BYTES} bytes")
    return ip.add_evidence(
        store=store,
        case_id=case_id,
        name=file.filename or "evidence",
        data=data,
        actor=principal.username,
        principal=principal,
    )


@router.get(
    "/takedowns/{case_id}/evidence-package",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}}},
)
def evidence_package(
    case_id: RowId, store: StoreDep, principal: Annotated[Principal, Depends(require(*REGULATORS))]
) -> Response:
    """The case's evidence package for a complaint or court filing: a zip with a manifest of SHA-256 sums."""
    with tempfile.TemporaryDirectory() as folder:
        out = FilePath(folder) / f"takedown-{case_id}.zip"
        ip.evidence_package(store=store, case_id=case_id, out=out, actor=principal.username, principal=principal)
        data = out.read_bytes()
    headers = {"Content-Disposition": f'attachment; filename="takedown-{case_id}-evidence.zip"'}
    return Response(content=data, media_type="application/zip", headers=headers)
