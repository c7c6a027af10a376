"""/payments: institutions report payments (one or a batch) and ask the streaming engine for a verdict."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from cbec.api.deps import StoreDep, require
from cbec.api.problems import PROBLEM_RESPONSES
from cbec.auth.domain import INSTITUTION, REGULATOR_ADMIN, Forbidden, Principal
from cbec.feeds.schemas import LoadReport
from cbec.feeds.service import ingest
from cbec.monitoring import service as monitoring

router = APIRouter(prefix="/payments", tags=["payments"], responses=PROBLEM_RESPONSES)
Reporter = Annotated[Principal, Depends(require(INSTITUTION, REGULATOR_ADMIN))]
MAX_BATCH = 10_000


class PaymentIn(BaseModel):
    """A payment as the payments feed defines it (data standard v1); values as text, checked on arrival."""

    model_config = ConfigDict(extra="forbid")

    payment_id: str = Field(min_length=1, max_length=64)
    institution_id: str = Field(min_length=1, max_length=64)
    channel: str | None = Field(default=None, max_length=32)
    direction: str | None = Field(default=None, max_length=16)
    payer_id: str | None = Field(default=None, max_length=64)
    payee_id: str | None = Field(default=None, max_length=64)
    payer_type: str | None = Field(default=None, max_length=16)
    payee_type: str | None = Field(default=None, max_length=16)
    payer_country: str | None = Field(default=None, max_length=8)
    payee_country: str | None = Field(default=None, max_length=8)
    enterprise_id: str | None = Field(default=None, max_length=32)
    order_id: str | None = Field(default=None, max_length=64)
    amount: str = Field(min_length=1, max_length=40, examples=["1999.00"])
    currency: str = Field(min_length=3, max_length=3, examples=["USD"])
    initiated_at: str = Field(min_length=1, max_length=40, examples=["2026-10-12T09:30:00+08:00"])
    confirmed_at: str | None = Field(default=None, max_length=40)
    status: str | None = Field(default=None, max_length=16)


class AlertVerdict(BaseModel):
    """One rule the payment fired, explained."""

    rule_id: str
    severity: str
    typology: str
    observed: Decimal
    threshold: Decimal | None
    window: str
    explanation_zh: str
    explanation_en: str


class Verdict(BaseModel):
    """The streaming engine's verdict on one payment."""

    payment_id: str
    institution_id: str
    scored: bool
    note: str | None = None
    alerts: list[AlertVerdict]


def _own(principal: Principal, rows: list[PaymentIn]) -> None:
    if principal.tenant_id is not None and any(r.institution_id != principal.tenant_id for r in rows):
        raise Forbidden("只能报送本机构的支付 / an institution reports only its own payments")


def _load(store: StoreDep, principal: Principal, rows: list[PaymentIn]) -> LoadReport:
    _own(principal, rows)
    folder = store.settings.staging_dir / "api"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"payments-{uuid.uuid4().hex}.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row.model_dump(exclude_none=True), ensure_ascii=False) + "\n")
    try:
        (report,) = ingest(store=store, feed="payments", paths=[path], file_format="jsonl", actor=principal.username)
    finally:
        path.unlink(missing_ok=True)
    return report.model_copy(update={"source": "api"})  # the staging file's path is the server's business


@router.post("", response_model=LoadReport, status_code=201)
def report_one(payment: PaymentIn, store: StoreDep, principal: Reporter) -> LoadReport:
    """Report one payment: stored, or quarantined with the reason (see errors_by_rule); a repeat is a duplicate."""
    return _load(store, principal, [payment])


@router.post("/batch", response_model=LoadReport, status_code=201)
def report_batch(
    store: StoreDep,
    principal: Reporter,
    payments: Annotated[list[PaymentIn], Body(min_length=1, max_length=MAX_BATCH)],
) -> LoadReport:
    """Report up to 10,000 payments as one batch; every row is stored or quarantined, never lost."""
    return _load(store, principal, payments)


@router.post("/score", response_model=Verdict)
async def score(payment: PaymentIn, request: Request, principal: Reporter) -> Verdict:
    """Run one payment through the streaming engine (the shipped rules) and return the alerts it fires."""
    _own(principal, [payment])
    alerts, note = monitoring.score_payment(  # no await inside: the event loop runs one payment at a time, in order
        engine=request.app.state.scoring_engine,
        row=payment.model_dump(),
        timezone=request.app.state.store.settings.timezone,
    )
    return Verdict(
        payment_id=payment.payment_id,
        institution_id=payment.institution_id,
        scored=note is None,
        note=note,
        alerts=[AlertVerdict.model_validate(a, from_attributes=True) for a in alerts],
    )
