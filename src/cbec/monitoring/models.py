"""Relational tables of monitoring: alerts, the payments each alert names, snoozes and cases."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from cbec.core.jsontypes import JsonObject
from cbec.core.severity import severity_rank
from cbec.storage.base import Base, IdKeyed
from cbec.storage.types import Amount, BigKey, PortableJSON, UTCDateTime


def _severity_rank(context: Any) -> int:  # a DefaultExecutionContext, untyped in SQLAlchemy
    """Rank an inserted alert's severity so the queue order (most severe first) can come from an index."""
    return severity_rank(str(context.get_current_parameters().get("severity")))


class AlertRecord(IdKeyed):
    """One alert episode: a rule held for a key over a window; it explains itself.

    On PostgreSQL the table is partitioned by LIST (month) with primary key (id, month) (migration 0012);
    the ORM keys rows by id alone, which one sequence keeps unique across partitions.
    """

    __tablename__ = "alerts"
    __table_args__ = (
        # alert_key embeds the episode start, so its month is implied; the month must be in every unique key
        # of a partitioned table.
        UniqueConstraint("alert_key", "month", name="uq_alerts_alert_key_month"),
        # Target of the (alert_id, alert_month) foreign keys; on PostgreSQL the primary key (id, month) is.
        UniqueConstraint("id", "month", name="uq_alerts_id_month").ddl_if(dialect="sqlite"),
        Index("ix_alerts_month_rule", "month", "rule_id"),
        Index("ix_alerts_status_severity", "status", "severity"),
        # The alert queue: most severe, then newest first; by month or by institution. On PostgreSQL each month
        # is a partition, so the queue index needs no month (and serves all months through a merge).
        Index("ix_alerts_month_queue", "month", "severity_rank", text("first_at DESC"), text("id DESC")).ddl_if(
            dialect="sqlite"
        ),
        Index("ix_alerts_queue", "severity_rank", text("first_at DESC"), text("id DESC")).ddl_if(dialect="postgresql"),
        Index("ix_alerts_month_newest", "month", text("first_at DESC"), text("id DESC")).ddl_if(dialect="sqlite"),
        Index("ix_alerts_newest", text("first_at DESC"), text("id DESC")).ddl_if(dialect="postgresql"),
        Index(
            "ix_alerts_institution_queue",
            "institution_id",
            "severity_rank",
            text("first_at DESC"),
            text("id DESC"),
        ),
    )

    alert_key: Mapped[str] = mapped_column(String(500))
    rule_id: Mapped[str] = mapped_column(String(80))
    rule_version: Mapped[int] = mapped_column(Integer)
    ruleset_version: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(16))
    severity_rank: Mapped[int] = mapped_column(SmallInteger, default=_severity_rank, server_default="9")
    typology: Mapped[str] = mapped_column(String(60))
    group_key: Mapped[dict[str, str]] = mapped_column(PortableJSON)
    key_text: Mapped[str] = mapped_column(String(400), index=True)
    observed: Mapped[Decimal] = mapped_column(Amount())
    threshold: Mapped[Decimal | None] = mapped_column(Amount())
    window: Mapped[str] = mapped_column(String(20))
    first_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_at: Mapped[datetime] = mapped_column(UTCDateTime())
    month: Mapped[str] = mapped_column(String(7))
    institution_id: Mapped[str | None] = mapped_column(String(64))
    payment_count: Mapped[int] = mapped_column(Integer)
    explanation_zh: Mapped[str] = mapped_column(Text)
    explanation_en: Mapped[str] = mapped_column(Text)
    evidence: Mapped[JsonObject] = mapped_column(PortableJSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="open")
    source: Mapped[str] = mapped_column(String(16))  # batch, stream, matching
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AlertCount(Base):
    """How many alerts one (month, institution, rule, severity) holds: the alert list's total, read in a few rows.

    Kept by the writer of alerts in the same transaction (alerts/store.py write_alerts), so the list's `total`
    sums these rows instead of counting a million alerts per request. `institution_id` is "" when an alert
    concerns several institutions (its column in `alerts` is NULL).
    """

    __tablename__ = "alert_counts"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    institution_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    severity: Mapped[str] = mapped_column(String(16), primary_key=True)
    alerts: Mapped[int] = mapped_column(BigInteger)


class AlertPayment(Base):
    """A payment an alert names: one row per (alert, payment), so exports are one row per payment."""

    __tablename__ = "alert_payments"
    __table_args__ = (
        Index("ix_alert_payments_payment", "institution_id", "payment_id"),
        ForeignKeyConstraint(
            ["alert_id", "alert_month"],
            ["alerts.id", "alerts.month"],
            name="fk_alert_payments_alert_id_alerts",
            ondelete="CASCADE",
        ),
    )

    id: Mapped[int] = mapped_column(BigKey, primary_key=True)
    alert_id: Mapped[int] = mapped_column(Integer, index=True)
    alert_month: Mapped[str] = mapped_column(String(7))  # the alert's partition key, part of the foreign key
    institution_id: Mapped[str] = mapped_column(String(64))
    payment_id: Mapped[str] = mapped_column(String(64))


class Snooze(IdKeyed):
    """A regulator's decision to silence one rule for one key until a time, with the reason."""

    __tablename__ = "alert_snoozes"

    rule_id: Mapped[str] = mapped_column(String(80), index=True)
    key_text: Mapped[str] = mapped_column(String(400))
    until: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MatchRateRecord(IdKeyed):
    """A month's three-document match counts for one institution or platform, kept by the monitoring run."""

    __tablename__ = "match_rates"
    __table_args__ = (UniqueConstraint("month", "by", "key"),)

    month: Mapped[str] = mapped_column(String(7), index=True)
    by: Mapped[str] = mapped_column(String(20))  # institution_id or platform_id
    key: Mapped[str] = mapped_column(String(64))  # "" when the payment names no platform
    payments: Mapped[int] = mapped_column(BigInteger)
    matched: Mapped[int] = mapped_column(BigInteger)
    refunded_or_reversed: Mapped[int] = mapped_column(BigInteger)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CaseRecord(IdKeyed):
    """A case: the alerts of one fund-flow pattern instance with its subgraph (accounts and payments)."""

    __tablename__ = "pattern_cases"
    __table_args__ = (Index("ix_pattern_cases_month_pattern", "month", "pattern"),)

    case_key: Mapped[str] = mapped_column(String(120), unique=True)
    pattern: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16), default="open")
    severity: Mapped[str] = mapped_column(String(16))
    title_zh: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text)
    first_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_at: Mapped[datetime] = mapped_column(UTCDateTime())
    month: Mapped[str] = mapped_column(String(7))
    account_count: Mapped[int] = mapped_column(Integer)
    payment_count: Mapped[int] = mapped_column(Integer)
    total_cny: Mapped[Decimal] = mapped_column(Amount())
    institutions: Mapped[list[str]] = mapped_column(PortableJSON)
    subgraph: Mapped[JsonObject] = mapped_column(PortableJSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CaseAlert(IdKeyed):
    """An alert grouped into a case: the graph finding itself or a rule alert sharing its payments."""

    __tablename__ = "pattern_case_alerts"
    __table_args__ = (
        UniqueConstraint("case_id", "alert_id", name="uq_pattern_case_alerts_case_alert"),
        ForeignKeyConstraint(
            ["alert_id", "alert_month"],
            ["alerts.id", "alerts.month"],
            name="fk_pattern_case_alerts_alert_id_alerts",
            ondelete="CASCADE",
        ),
    )

    case_id: Mapped[int] = mapped_column(ForeignKey("pattern_cases.id", ondelete="CASCADE"), index=True)
    alert_id: Mapped[int] = mapped_column(Integer, index=True)
    alert_month: Mapped[str] = mapped_column(String(7))


# Triage's tables live in their room (triage/models.py); imported here so that the schema registry sees them.
from cbec.monitoring.triage.models import (  # noqa: E402
    LargeValueReport,
    ReviewAttachment,
    ReviewCase,
    ReviewItem,
    SuspiciousReportDraft,
)

__all__ = [
    "AlertPayment",
    "AlertRecord",
    "CaseAlert",
    "CaseRecord",
    "LargeValueReport",
    "MatchRateRecord",
    "ReviewAttachment",
    "ReviewCase",
    "ReviewItem",
    "Snooze",
    "SuspiciousReportDraft",
]
