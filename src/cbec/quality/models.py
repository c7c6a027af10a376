"""Tables of product quality: filing findings, quality cases and their steps, consumer education events."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cbec.storage.base import IdKeyed
from cbec.storage.cases import CaseColumns, CaseTables, TransitionColumns
from cbec.storage.types import UTCDateTime


class FilingFindingRecord(IdKeyed):
    """A problem found in a filing when it arrived."""

    __tablename__ = "filing_findings"
    __table_args__ = (UniqueConstraint("filing_id", "code", "detail_en"),)

    filing_id: Mapped[str] = mapped_column(String(64), index=True)
    enterprise_id: Mapped[str] = mapped_column(String(32), index=True)
    code: Mapped[str] = mapped_column(String(32))
    detail_zh: Mapped[str] = mapped_column(String(300))
    detail_en: Mapped[str] = mapped_column(String(300))
    found_at: Mapped[datetime] = mapped_column(UTCDateTime())


class QualityCase(CaseColumns):
    """A failed inspection's case: the measure ordered (delist, rectify, return, destroy), state and deadline."""

    __tablename__ = "quality_cases"

    inspection_id: Mapped[str] = mapped_column(String(64), unique=True)
    filing_id: Mapped[str | None] = mapped_column(String(64))
    enterprise_id: Mapped[str] = mapped_column(String(32), index=True)
    product_name: Mapped[str] = mapped_column(String(300))
    defect: Mapped[str | None] = mapped_column(Text)
    measure: Mapped[str] = mapped_column(String(16))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())


class QualityCaseTransition(TransitionColumns):
    """One step of a quality case: who, when, why."""

    __tablename__ = "quality_case_transitions"

    case_id: Mapped[int] = mapped_column(ForeignKey("quality_cases.id", ondelete="CASCADE"), index=True)


QUALITY_CASES = CaseTables(entity="quality_case", items=QualityCase, steps=QualityCaseTransition, link="case_id")


class EducationEvent(IdKeyed):
    """A consumer-education event and how many people it reached."""

    __tablename__ = "education_events"
    audit_entity: ClassVar[str] = "education_event"

    held_on: Mapped[date] = mapped_column(Date, index=True)
    city: Mapped[str] = mapped_column(String(20))
    topic: Mapped[str] = mapped_column(String(300))
    attendance: Mapped[int] = mapped_column(Integer)
    organiser: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
