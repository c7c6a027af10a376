"""Complaint cases (personal data sealed) and every step of their lifecycle."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cbec.storage.cases import CaseColumns, CaseTables, TransitionColumns
from cbec.storage.types import Amount, UTCDateTime


class ComplaintCase(CaseColumns):
    """One complaint: what happened, where it is routed, its state and deadline; personal data only sealed."""

    __tablename__ = "complaint_cases"
    __table_args__ = (Index("ix_complaint_cases_state_due", "state", "due_at"),)

    tracking_code: Mapped[str] = mapped_column(String(24), unique=True)
    source: Mapped[str] = mapped_column(String(16))  # web, api, feed
    complaint_id: Mapped[str | None] = mapped_column(String(64), unique=True)  # the feed's id, when from a feed
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    language: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)  # personal data typed into it is masked (core.pii)
    text_personal: Mapped[str | None] = mapped_column(Text)  # sealed original text, only when it held some
    category: Mapped[str] = mapped_column(String(32))
    confidence: Mapped[Decimal | None] = mapped_column(Amount())
    category_by: Mapped[str] = mapped_column(String(80))  # the model version, or the person who overrode it
    enterprise_id: Mapped[str | None] = mapped_column(String(32), index=True)
    platform_id: Mapped[str | None] = mapped_column(String(64), index=True)
    order_id: Mapped[str | None] = mapped_column(String(64))
    amount_claimed: Mapped[Decimal | None] = mapped_column(Amount())
    currency: Mapped[str | None] = mapped_column(String(3))
    respondent_kind: Mapped[str | None] = mapped_column(String(16))  # enterprise or platform
    respondent_id: Mapped[str | None] = mapped_column(String(64), index=True)
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    consumer_name: Mapped[str | None] = mapped_column(Text)  # sealed (core.privacy), never plaintext
    consumer_phone: Mapped[str | None] = mapped_column(Text)
    consumer_id_number: Mapped[str | None] = mapped_column(Text)
    consumer_address: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    personal_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ComplaintTransition(TransitionColumns):
    """One step of a complaint: who, when, why, from which state to which, and the new deadline."""

    __tablename__ = "complaint_transitions"

    case_id: Mapped[int] = mapped_column(ForeignKey("complaint_cases.id", ondelete="CASCADE"), index=True)


COMPLAINTS = CaseTables(entity="complaint", items=ComplaintCase, steps=ComplaintTransition, link="case_id")
