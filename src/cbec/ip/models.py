"""Tables of IP protection: aliases and licences kept by rights holders, and screening findings."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cbec.ip.copy_models import BorderFlag, CopyFinding, ImageHashRow, TakedownEvidence
from cbec.storage.base import IdKeyed
from cbec.storage.cases import CaseColumns, CaseTables, TransitionColumns
from cbec.storage.types import Amount, PortableJSON, UTCDateTime


class MarkAlias(IdKeyed):
    """Another name a brand is sold under (Chinese name, seller nickname), added by its rights holder."""

    __tablename__ = "ip_mark_aliases"
    __table_args__ = (UniqueConstraint("mark_id", "alias"),)

    mark_id: Mapped[str] = mapped_column(String(64), index=True)
    alias: Mapped[str] = mapped_column(String(200))
    added_by: Mapped[str] = mapped_column(String(80))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MarkLicence(IdKeyed):
    """An enterprise licensed to use a mark (its listings are not infringing) for a period."""

    __tablename__ = "ip_mark_licences"
    __table_args__ = (UniqueConstraint("mark_id", "enterprise_id"),)

    mark_id: Mapped[str] = mapped_column(String(64), index=True)
    enterprise_id: Mapped[str] = mapped_column(String(32))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    added_by: Mapped[str] = mapped_column(String(80))


class ListingFinding(IdKeyed):
    """A listing whose title scored against a mark: the score and the signals that fired."""

    __tablename__ = "ip_listing_findings"
    __table_args__ = (UniqueConstraint("listing_id", "mark_id"),)

    listing_id: Mapped[str] = mapped_column(String(64))
    platform_id: Mapped[str] = mapped_column(String(64))
    enterprise_id: Mapped[str] = mapped_column(String(32), index=True)
    title: Mapped[str] = mapped_column(String(500))
    mark_id: Mapped[str] = mapped_column(String(64), index=True)
    mark_text: Mapped[str] = mapped_column(String(200))
    score: Mapped[Decimal] = mapped_column(Amount())
    signals: Mapped[list[str]] = mapped_column(PortableJSON)
    found_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TakedownCase(CaseColumns):
    """A rights holder's notice against a listing and where it stands (E-Commerce Law arts. 42-45)."""

    __tablename__ = "ip_takedown_cases"
    audit_entity: ClassVar[str] = "takedown"

    listing_id: Mapped[str] = mapped_column(String(64), index=True)
    platform_id: Mapped[str] = mapped_column(String(64), index=True)
    enterprise_id: Mapped[str] = mapped_column(String(32), index=True)
    mark_id: Mapped[str] = mapped_column(String(64))
    rights_holder: Mapped[str] = mapped_column(String(200))
    evidence: Mapped[str] = mapped_column(String(2000))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TakedownTransition(TransitionColumns):
    """One step of a takedown case: who, when, why."""

    __tablename__ = "ip_takedown_transitions"

    case_id: Mapped[int] = mapped_column(ForeignKey("ip_takedown_cases.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(2000))  # this table's reasons were always bounded


# The copy, border and evidence tables live in copy_models.py; named here so that the migrations (which import
# each context's models module) see them.
COPY_TABLES = (BorderFlag, CopyFinding, ImageHashRow, TakedownEvidence)
TAKEDOWNS = CaseTables(entity=TakedownCase.audit_entity, items=TakedownCase, steps=TakedownTransition, link="case_id")
