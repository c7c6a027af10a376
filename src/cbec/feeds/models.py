"""Relational tables of the feeds context: load batches, quarantine and the register feeds."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeEngine

from cbec.feeds.catalog import FEEDS
from cbec.feeds.spec import FeedSpec, Kind
from cbec.storage.base import Base, IdKeyed
from cbec.storage.types import Amount, BigKey, PortableJSON, UTCDateTime


class IngestBatch(IdKeyed):
    """One load of one file: where it came from and how its rows were accounted for."""

    __tablename__ = "ingest_batches"

    feed: Mapped[str] = mapped_column(String(32), index=True)
    source: Mapped[str] = mapped_column(String(1000))
    checksum: Mapped[str] = mapped_column(String(64), index=True)
    file_format: Mapped[str] = mapped_column(String(16))
    encoding: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rows_read: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_accepted: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_quarantined: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_duplicate: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_new_version: Mapped[int] = mapped_column(BigInteger, default=0)
    errors_by_rule: Mapped[dict[str, int]] = mapped_column(PortableJSON, default=dict)
    warnings: Mapped[list[str]] = mapped_column(PortableJSON, default=list)


class QuarantinedRow(Base):
    """A row that broke the contract, kept with its raw text and every reason."""

    __tablename__ = "quarantined_rows"
    __table_args__ = (
        Index("ix_quarantined_rows_feed_rule", "feed", "rule"),
        Index("ix_quarantined_rows_feed_raw_hash", "feed", "raw_hash"),
    )

    id: Mapped[int] = mapped_column(BigKey, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batches.id"), index=True)
    feed: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(1000))
    line: Mapped[int | None] = mapped_column(BigInteger)
    rule: Mapped[str] = mapped_column(String(40))
    column_name: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, default=list)
    raw: Mapped[str] = mapped_column(Text)
    raw_hash: Mapped[str] = mapped_column(String(64))


def _column_type(kind: Kind, limit: int) -> TypeEngine[Any]:
    """Map a contract kind to a portable column type."""
    if kind is Kind.DECIMAL:
        return Amount()
    if kind is Kind.INTEGER:
        return BigInteger()
    if kind is Kind.YEAR:
        return Integer()
    if kind is Kind.TIMESTAMP:
        return UTCDateTime()
    if kind is Kind.DATE:
        return Date()
    if limit > 1000:
        return Text()
    return String(limit)


def register_table(spec: FeedSpec) -> Table:
    """Build the versioned table of a register feed from its contract columns."""
    contract = [Column(c.name, _column_type(c.kind, c.limit), nullable=not c.required) for c in spec.columns]
    return Table(
        f"reg_{spec.name}",
        Base.metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        *contract,
        Column("version", Integer, nullable=False),
        Column("is_current", Boolean, nullable=False),
        Column("batch_id", ForeignKey("ingest_batches.id"), nullable=False),
        Column("source_line", BigInteger),
        Column("supersedes_batch_id", Integer),
        Column("extra", Text),  # JSON text of extra columns, kept byte for byte
        Index(f"ix_reg_{spec.name}_key", *spec.key, "version", unique=True),
    )


REGISTER_TABLES: dict[str, Table] = {spec.name: register_table(spec) for spec in FEEDS.values() if spec.sink == "db"}


class PaymentStatusReport(IdKeyed):
    """One transaction status of an ISO 20022 pacs.002 message, or the reason it could not be used.

    Kept beside the payments lake: the settlement KPI pairs a payment with the pacs.002 that settles it
    (ACSC/ACCC). A row with a `problem` is the quarantine of this message kind (its rule, line and raw text).
    """

    __tablename__ = "payment_status_reports"
    __table_args__ = (UniqueConstraint("msg_id", "tx_index"),)

    msg_id: Mapped[str] = mapped_column(String(64))
    tx_index: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(1000))
    line: Mapped[int | None] = mapped_column(Integer)
    payment_id: Mapped[str | None] = mapped_column(String(64), index=True)
    original_msg_id: Mapped[str | None] = mapped_column(String(64))
    original_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str | None] = mapped_column(String(4))
    status_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    problem: Mapped[str | None] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text, default="")
    raw: Mapped[str] = mapped_column(Text)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
