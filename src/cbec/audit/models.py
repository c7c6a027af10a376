"""The audit log table and its head (the last sequence number and hash, so a cut tail shows too)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cbec.storage.base import Base
from cbec.storage.types import BigKey, PortableJSON, UTCDateTime


class AuditEntry(Base):
    """One state change: who did what to which entity, when, the state before and after, and the chain."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(BigKey, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(80))
    entity: Mapped[str] = mapped_column(String(60), index=True)
    entity_id: Mapped[str] = mapped_column(String(200), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(PortableJSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(PortableJSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str | None] = mapped_column(String(64))  # HMAC of hash under the audit key (not in the database)


class AuditHead(Base):
    """The single row naming the chain's last entry; writers lock it, so appends are serialised."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
