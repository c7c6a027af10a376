"""Relational table of reports: one record per (month, kind, language), written after its files are in place."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cbec.storage.base import IdKeyed
from cbec.storage.types import UTCDateTime


class ReportRecord(IdKeyed):
    """A finished report: where its files are and the PDF's checksum; rebuilt reports bump the revision."""

    __tablename__ = "report_records"
    __table_args__ = (UniqueConstraint("month", "kind", "lang"),)

    month: Mapped[str] = mapped_column(String(7), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "monthly": the monthly supervision report
    lang: Mapped[str] = mapped_column(String(5))
    revision: Mapped[int] = mapped_column(Integer)  # 1 when first built, +1 on every rebuild
    pdf_path: Mapped[str] = mapped_column(String(1000))
    html_path: Mapped[str] = mapped_column(String(1000))
    data_path: Mapped[str] = mapped_column(String(1000))
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    pdf_bytes: Mapped[int] = mapped_column(BigInteger)
    pages: Mapped[int] = mapped_column(Integer)
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the report's "as of" moment
    built_at: Mapped[datetime] = mapped_column(UTCDateTime())
