"""Tables of triage: the large-value report register and the review queue's items."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from cbec.core.jsontypes import JsonObject
from cbec.storage.base import Base
from cbec.storage.cases import CaseColumns, TransitionColumns
from cbec.storage.types import Amount, PortableJSON, UTCDateTime


class LargeValueReport(Base):
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

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
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


class ReviewItem(CaseColumns):
    """A payment whose combined risk score passed the queue threshold: suspicion for a person to review.

    On the shared case lifecycle (triage/lifecycle.py): `state` new, assigned, in_review, pending_check or
    closed, with `disposition` once closed. `contributions` lists the evidence that raised the score most, each
    with its share and a reason in Chinese and English; `account_score` is the payer account's rolled-up score.
    """

    __tablename__ = "review_items"
    __table_args__ = (
        UniqueConstraint("institution_id", "payment_id", name="uq_review_items_payment"),
        Index("ix_review_items_queue", "state", text("score DESC"), "id"),
        Index("ix_review_items_institution_queue", "institution_id", "state", text("score DESC"), "id"),
        Index("ix_review_items_month", "month"),
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


class ReviewItemTransition(TransitionColumns):
    """One step of a review item (assign, start, comment, close, the maker-checker pair)."""

    __tablename__ = "review_item_transitions"

    item_id: Mapped[int] = mapped_column(ForeignKey("review_items.id", ondelete="CASCADE"), index=True)
