"""What monitoring reports back to entry points."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from cbec.core.jsontypes import JsonObject


class PaymentRef(BaseModel):
    """A payment named by an alert: its reporting institution and its id."""

    institution_id: str
    payment_id: str


class AlertRead(BaseModel):
    """An alert as shown to a person or exported."""

    id: int
    rule_id: str
    rule_version: int
    ruleset_version: str
    severity: str
    typology: str
    key_text: str
    observed: Decimal
    threshold: Decimal | None
    window: str
    first_at: datetime
    last_at: datetime
    month: str
    institution_id: str | None
    payment_count: int
    explanation_zh: str
    explanation_en: str
    status: str
    source: str
    payments: list[PaymentRef] = Field(default_factory=list)


class RunSummary(BaseModel):
    """What a monitoring run found and what the filter step did with it."""

    month: str | None
    ruleset: str
    payments: int = 0
    detected: int = 0
    new: int = 0
    grown: int = 0
    duplicate: int = 0
    snoozed: int = 0
    by_rule: dict[str, int] = Field(default_factory=dict)
    match_rate: float | None = None
    skipped_rows: int = 0
    model: str | None = None  # name@version of the learned detector, when one scored the month
    scored: int = 0
    cases: int = 0
    triage: str | None = None  # config version/profile of the triage step, when it ran
    large_value_reports: int = 0  # reports the month makes due (the register; never review items)
    review_items_passed: int = 0  # payments whose risk score passed the queue threshold
    review_items_new: int = 0  # of those, the ones that had no review item yet


class BacktestRow(BaseModel):
    """Alert counts of one rule under the current and the candidate rule set."""

    rule_id: str
    before: int
    after: int


class CaseRead(BaseModel):
    """A case as shown to a person or exported: its pattern, its alerts and its subgraph."""

    id: int
    case_key: str
    pattern: str
    status: str
    severity: str
    title_zh: str
    title_en: str
    first_at: datetime
    last_at: datetime
    month: str
    account_count: int
    payment_count: int
    total_cny: Decimal
    institutions: list[str]
    alert_ids: list[int] = Field(default_factory=list)
    rule_ids: list[str] = Field(default_factory=list)
    subgraph: JsonObject = Field(default_factory=dict)
