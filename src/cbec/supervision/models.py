"""Relational tables of supervision: institution ratings, notices and every notice transition."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cbec.storage.base import IdKeyed
from cbec.storage.cases import CaseColumns, CaseTables, TransitionColumns
from cbec.storage.types import Amount, PortableJSON, UTCDateTime


class InstitutionRating(IdKeyed):
    """A payment institution's rating for one month under one configuration version."""

    __tablename__ = "institution_ratings"
    __table_args__ = (UniqueConstraint("month", "institution_id"),)

    month: Mapped[str] = mapped_column(String(7), index=True)
    institution_id: Mapped[str] = mapped_column(String(64), index=True)
    config_version: Mapped[int] = mapped_column(Integer)
    total: Mapped[Decimal] = mapped_column(Amount())
    grade: Mapped[str] = mapped_column(String(4))
    modules: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Notice(CaseColumns):
    """A risk warning (预警) or rectification notice (整改通知) to one institution, with its current state."""

    __tablename__ = "notices"
    __table_args__ = (
        Index("ix_notices_state_due", "state", "due_at"),
        Index("ix_notices_due_at", "due_at"),  # the deadline check reads notices past their deadline
    )

    kind: Mapped[str] = mapped_column(String(16))
    institution_id: Mapped[str] = mapped_column(String(64), index=True)
    month: Mapped[str | None] = mapped_column(String(7))
    origin: Mapped[str | None] = mapped_column(String(120), unique=True)  # e.g. rating:2026-10:PI-X
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    issued_by: Mapped[str] = mapped_column(String(80))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())


class NoticeTransition(TransitionColumns):
    """One step of a notice's lifecycle: who, when, why, from which state to which, and the new deadline."""

    __tablename__ = "notice_transitions"

    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)


NOTICES = CaseTables(entity="notice", items=Notice, steps=NoticeTransition, link="notice_id")


import cbec.supervision.security.models  # noqa: E402,F401  (the security programme's tables join the schema here)
