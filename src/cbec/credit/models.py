"""Relational tables of credit: scores, list entries, repair applications, models and customs grades.

Nothing is overwritten: a new score is a new row per (period, enterprise, model version), a list exit
fills the entry's exit date, a repair moves by recorded transitions, a promotion is a row of its own.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cbec.storage.base import IdKeyed
from cbec.storage.cases import CaseColumns, CaseTables, TransitionColumns
from cbec.storage.types import Amount, PortableJSON, UTCDateTime


class CreditScore(IdKeyed):
    """An enterprise's score and grade for one period under one model version, with its reasons."""

    __tablename__ = "credit_scores"
    __table_args__ = (
        UniqueConstraint("period", "enterprise_id", "model_version"),
        Index("ix_credit_scores_period_grade", "period", "grade"),
    )

    period: Mapped[str] = mapped_column(String(7))
    enterprise_id: Mapped[str] = mapped_column(String(18), index=True)
    model_version: Mapped[str] = mapped_column(String(40))
    config_version: Mapped[int] = mapped_column(Integer)
    score: Mapped[Decimal] = mapped_column(Amount())
    score_grade: Mapped[str] = mapped_column(String(4))
    grade: Mapped[str] = mapped_column(String(4))
    hard_rules: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, default=list)
    features: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CreditListEntry(IdKeyed):
    """A stay on the red or black list: entered on a date for a reason, exited (or not yet)."""

    __tablename__ = "credit_list_entries"
    __table_args__ = (Index("ix_credit_list_entries_kind_enterprise", "list_kind", "enterprise_id"),)

    list_kind: Mapped[str] = mapped_column(String(8))  # red, black
    enterprise_id: Mapped[str] = mapped_column(String(18))
    severity: Mapped[str | None] = mapped_column(String(12))  # black list: minor, moderate, serious
    period: Mapped[str] = mapped_column(String(7))
    entered_on: Mapped[date] = mapped_column(Date)
    entry_reason: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    exited_on: Mapped[date | None] = mapped_column(Date)
    exit_reason: Mapped[str | None] = mapped_column(Text)


class RepairApplication(CaseColumns):
    """An enterprise's application to repair its credit (信用修复) after a black-list entry."""

    __tablename__ = "credit_repair_applications"
    __table_args__ = (Index("ix_credit_repair_applications_state_due", "state", "due_at"),)

    enterprise_id: Mapped[str] = mapped_column(String(18), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("credit_list_entries.id"), index=True)
    severity: Mapped[str] = mapped_column(String(12))
    statement: Mapped[str] = mapped_column(Text)
    earliest_on: Mapped[date] = mapped_column(Date)
    lapses_on: Mapped[date] = mapped_column(Date)
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RepairTransition(TransitionColumns):
    """One step of a repair application: who, when, why, from which state to which, the new deadline."""

    __tablename__ = "credit_repair_transitions"

    application_id: Mapped[int] = mapped_column(
        ForeignKey("credit_repair_applications.id", ondelete="CASCADE"), index=True
    )


REPAIRS = CaseTables(entity="credit_repair", items=RepairApplication, steps=RepairTransition, link="application_id")


class CreditModel(IdKeyed):
    """A trained scorecard: its artefact file, the data it was trained on and its validation figures."""

    __tablename__ = "credit_models"

    version: Mapped[str] = mapped_column(String(40), unique=True)
    path: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(12))  # challenger, champion, retired
    trained_on: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    metrics: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ModelPromotion(IdKeyed):
    """A recorded decision to make a model the champion, with the comparison it was based on."""

    __tablename__ = "credit_model_promotions"

    version: Mapped[str] = mapped_column(String(40), index=True)
    previous_version: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(80))
    comparison: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class CustomsGrade(IdKeyed):
    """A customs credit grade (海关企业信用等级) as loaded; every load is a new input version."""

    __tablename__ = "customs_credit_grades"
    __table_args__ = (Index("ix_customs_credit_grades_enterprise", "enterprise_id", "effective_from"),)

    input_version: Mapped[int] = mapped_column(Integer, index=True)
    enterprise_id: Mapped[str] = mapped_column(String(18))
    grade: Mapped[str] = mapped_column(String(12))
    rank: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(200))
    loaded_from: Mapped[str] = mapped_column(String(500))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
