"""Tables of triage: the large-value report register, the review queue's items and the cases that group them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from cbec.core.jsontypes import JsonObject
from cbec.storage.base import IdKeyed
from cbec.storage.cases import CaseColumns, CaseTables, EvidenceFileColumns, TransitionColumns
from cbec.storage.types import Amount, PortableJSON, UTCDateTime


class LargeValueReport(IdKeyed):
    """One large-value transaction report due (大额交易报告): a customer's day over a CN-LV-* threshold.

    Per reporting institution, local (Asia/Shanghai) day, rule and customer; due `due_on`, five working days
    after the day (PBoC Order [2016] No. 3, art. 5 and art. 15). A reporting duty, never a suspicion.
    """

    __tablename__ = "large_value_reports"
    __table_args__ = (
        UniqueConstraint("institution_id", "trade_date", "rule_id", "customer_id", name="uq_large_value_reports_key"),
        Index("ix_large_value_reports_institution_day", "institution_id", "trade_date"),
        Index("ix_large_value_reports_month", "month"),
    )

    institution_id: Mapped[str] = mapped_column(String(64))
    trade_date: Mapped[date] = mapped_column(Date)
    month: Mapped[str] = mapped_column(String(7))
    rule_id: Mapped[str] = mapped_column(String(80))
    rule_version: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[str] = mapped_column(String(64))
    customer_type: Mapped[str] = mapped_column(String(16))  # individual or enterprise
    direction: Mapped[str] = mapped_column(String(16))  # inbound or outbound
    currencies: Mapped[list[str]] = mapped_column(PortableJSON)
    payment_count: Mapped[int] = mapped_column(Integer)
    total_cny: Mapped[Decimal] = mapped_column(Amount())
    threshold_cny: Mapped[Decimal] = mapped_column(Amount())
    payment_ids: Mapped[list[str]] = mapped_column(PortableJSON)  # the day's payments, in time order
    legal_basis: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="due")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReviewCase(IdKeyed):
    """Review items grouped per institution, month and subject: the payer account, else the leading evidence.

    An item joins the open case of its key (triage/cases.py); `score` is the largest of its items' scores and
    `combined_score` their noisy-or, 1 - prod(1 - score). The case closes when its last open item closes.
    """

    __tablename__ = "review_cases"
    __table_args__ = (
        Index("ix_review_cases_key", "institution_id", "month", "subject_key", "state"),
        Index("ix_review_cases_queue", "state", text("score DESC"), "id"),
    )

    institution_id: Mapped[str] = mapped_column(String(64))
    month: Mapped[str] = mapped_column(String(7))
    subject_key: Mapped[str] = mapped_column(String(100))  # "account:<id>" or "pattern:<signal>"
    account_id: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))  # open or closed
    score: Mapped[float] = mapped_column(Float)
    combined_score: Mapped[float] = mapped_column(Float)
    item_count: Mapped[int] = mapped_column(Integer)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReviewItem(CaseColumns):
    """A payment whose combined risk score passed the queue threshold: suspicion for a person to review.

    On the shared case lifecycle (triage/lifecycle.py): `state` new, assigned, in_review, pending_check or
    closed, with `disposition` once closed. `contributions` lists the evidence that raised the score most, each
    with its share and a reason in Chinese and English; `account_score` is the payer account's rolled-up score.
    """

    __tablename__ = "review_items"
    __table_args__ = (
        UniqueConstraint("institution_id", "payment_id", name="uq_review_items_payment"),
        # The queue's orders, each with the filters it is read by (see triage/read.py ITEM_SORTS): every list
        # page is an index range read in order, never a sort of the whole table (bench/review_queue.py).
        Index("ix_review_items_rank", text("score DESC"), "id"),
        Index("ix_review_items_queue", "state", text("score DESC"), "id"),
        Index("ix_review_items_institution_rank", "institution_id", text("score DESC"), "id"),
        Index("ix_review_items_institution_queue", "institution_id", "state", text("score DESC"), "id"),
        Index("ix_review_items_month_rank", "month", text("score DESC"), "id"),
        Index("ix_review_items_due", "due_at", "id"),
        Index("ix_review_items_created", "created_at", "id"),
        Index("ix_review_items_account", "account_id"),
    )

    month: Mapped[str] = mapped_column(String(7))
    institution_id: Mapped[str] = mapped_column(String(64))
    payment_id: Mapped[str] = mapped_column(String(64))
    account_id: Mapped[str | None] = mapped_column(String(64))
    score: Mapped[float] = mapped_column(Float)
    account_score: Mapped[float] = mapped_column(Float)
    severity: Mapped[str] = mapped_column(String(16))
    config_version: Mapped[str] = mapped_column(String(40))
    contributions: Mapped[list[JsonObject]] = mapped_column(PortableJSON)
    reason_zh: Mapped[str] = mapped_column(Text)
    reason_en: Mapped[str] = mapped_column(Text)
    assignee: Mapped[str | None] = mapped_column(String(80))
    disposition: Mapped[str | None] = mapped_column(String(20))
    disposition_reason: Mapped[str | None] = mapped_column(Text)
    proposed_by: Mapped[str | None] = mapped_column(String(80))  # maker of a close awaiting its checker
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    case_id: Mapped[int | None] = mapped_column(ForeignKey("review_cases.id", ondelete="SET NULL"), index=True)


class ReviewItemTransition(TransitionColumns):
    """One step of a review item (assign, start, comment, close, the maker-checker pair)."""

    __tablename__ = "review_item_transitions"

    item_id: Mapped[int] = mapped_column(ForeignKey("review_items.id", ondelete="CASCADE"), index=True)


# The review item as a kind of case (casework.take_step): its table, its steps' table, its audit name.
REVIEW_ITEMS = CaseTables(entity="review_item", items=ReviewItem, steps=ReviewItemTransition, link="item_id")


class ReviewAttachment(EvidenceFileColumns):
    """A file given in evidence on a review item, kept under CBEC_HOME with its SHA-256 (triage/attachments.py)."""

    __tablename__ = "review_attachments"
    __table_args__ = (UniqueConstraint("item_id", "sha256", name="uq_review_attachments_file"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("review_items.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))


class SuspiciousReportDraft(IdKeyed):
    """A suspicious transaction report (可疑交易报告) drafted when an item closes as a true positive.

    Its fields follow PBoC Order [2016] No. 3 (art. 11 to 13 and 19): the reporting institution, the subject,
    the payments with their amounts and currencies, the typology and the reasons, the analyst and the dates.
    A draft until a person files it; `payments` and `totals` keep amounts as decimal strings with currency.
    """

    __tablename__ = "suspicious_report_drafts"

    item_id: Mapped[int] = mapped_column(ForeignKey("review_items.id", ondelete="CASCADE"), unique=True)
    case_id: Mapped[int | None] = mapped_column(Integer)
    institution_id: Mapped[str] = mapped_column(String(64), index=True)
    month: Mapped[str] = mapped_column(String(7))
    subject_account: Mapped[str | None] = mapped_column(String(64))
    subject_party: Mapped[str | None] = mapped_column(String(64))
    payments: Mapped[list[JsonObject]] = mapped_column(PortableJSON)
    totals: Mapped[list[JsonObject]] = mapped_column(PortableJSON)  # per currency: {currency, amount}
    typology: Mapped[str] = mapped_column(String(40))
    reasons: Mapped[list[JsonObject]] = mapped_column(PortableJSON)
    analyst_reason: Mapped[str] = mapped_column(Text)
    analyst: Mapped[str] = mapped_column(String(80))
    legal_basis: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # draft
    first_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime())
    drafted_at: Mapped[datetime] = mapped_column(UTCDateTime())
