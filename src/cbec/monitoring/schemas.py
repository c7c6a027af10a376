"""What monitoring reports back to entry points."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from cbec.casework.schemas import StepRead
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
    triage_seconds: float = 0.0  # what the triage step took of the run


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


class Contribution(BaseModel):
    """One piece of evidence that raised a review item's score, and why, in Chinese and English."""

    signal: str
    value: float
    contribution: float
    zh: str
    en: str


class ReviewItemRead(BaseModel):
    """A review item: a payment whose risk score passed the queue threshold, where it stands and why it is here."""

    id: int
    month: str
    institution_id: str
    payment_id: str
    account_id: str | None
    score: float
    account_score: float
    severity: str
    status: str
    disposition: str | None
    disposition_reason: str | None
    assignee: str | None
    proposed_by: str | None
    due_at: datetime | None
    config_version: str
    contributions: list[Contribution]
    reason_zh: str
    reason_en: str
    created_at: datetime
    case_id: int | None = None


class ReviewStepRead(StepRead):
    """One recorded step of a review item (the shared step, as every kind of case reads it)."""


class ReviewCaseRead(BaseModel):
    """Review items of one institution, month and subject (a payer account, else the leading evidence)."""

    id: int
    institution_id: str
    month: str
    subject_key: str
    account_id: str | None
    status: str
    score: float
    combined_score: float
    item_count: int
    opened_at: datetime
    updated_at: datetime


class ReviewCaseDetail(ReviewCaseRead):
    """A review case with its items, highest score first."""

    items: list[ReviewItemRead]


class AttachmentRead(BaseModel):
    """A file in evidence on a review item, with its SHA-256."""

    id: int
    item_id: int
    name: str
    content_type: str
    sha256: str
    size: int
    added_by: str
    added_at: datetime


class ReportPayment(BaseModel):
    """A payment in a suspicious transaction report: the amount a decimal string beside its currency."""

    payment_id: str
    payer_id: str | None = None
    payee_id: str | None = None
    direction: str | None = None
    channel: str | None = None
    amount: Decimal | None = None
    currency: str | None = None
    initiated_at: str | None = None


class CurrencyTotal(BaseModel):
    """An amount summed in one currency."""

    currency: str
    amount: Decimal


class ReportDraftRead(BaseModel):
    """A suspicious transaction report drafted (可疑交易报告), PBoC Order [2016] No. 3, art. 11, 15 and 19."""

    id: int
    item_id: int
    case_id: int | None
    status: str
    reporting_institution: str
    month: str
    subject_account: str | None
    subject_party: str | None
    typology: str
    payments: list[ReportPayment]
    totals: list[CurrencyTotal]
    reasons: list[Contribution]
    analyst: str
    analyst_reason: str
    legal_basis: str
    first_payment_at: datetime | None
    last_payment_at: datetime | None
    detected_at: datetime
    drafted_at: datetime
    file_by: datetime


class LargeValueReportRead(BaseModel):
    """A large-value report due (大额交易报告): one customer's day over a line, per reporting institution."""

    id: int
    institution_id: str
    trade_date: str
    rule_id: str
    rule_version: int
    customer_id: str
    customer_type: str
    direction: str
    currencies: list[str]
    payment_count: int
    total_cny: Decimal
    threshold_cny: Decimal
    payment_ids: list[str]
    due_on: str
    status: str
    legal_basis: str


class PrecisionRow(BaseModel):
    """Precision of an evidence source or one rule on a month's dispositioned review items (95 % Wilson)."""

    source: str  # queue (every dispositioned item), model, rule, graph or documents
    rule_id: str | None  # None: the source as a whole
    dispositioned: int
    true_positives: int  # dispositioned true positive or escalated
    precision: float | None
    interval_low: float
    interval_high: float


class ShadowQueue(BaseModel):
    """One side of a shadow run: the weights version and profile, its queue's size and precision on judged items."""

    config: str  # version/profile
    threshold: float | None = None  # the candidate's; the live queue is the month's items as they stand
    items: int
    dispositioned: int
    true_positives: int
    precision: float | None
    interval_low: float
    interval_high: float


class ShadowRead(BaseModel):
    """Candidate weights in shadow over a month: what they would add to and remove from the live queue."""

    month: str
    scored: int  # payments whose signals the month's triage kept
    live: ShadowQueue
    candidate: ShadowQueue
    added: int
    removed: int
    kept: int
    removed_true_positives: int  # removed items analysts judged true positive or escalated
    removed_not_suspicious: int  # removed items judged false positive or no action
    added_sample: list[str]  # institution/payment, the first 20
    removed_sample: list[str]


class WeightsVersion(BaseModel):
    """A weights version and the SHA-256 of its document."""

    version: str
    sha256: str


class PublishRead(BaseModel):
    """What publishing did: the live version before and the one now live (audited as triage.publish)."""

    before: WeightsVersion
    after: WeightsVersion
    reason: str
