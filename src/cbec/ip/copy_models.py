"""Tables of copy screening, the border and takedown evidence: hashes (never images), findings, flags, files."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cbec.storage.base import IdKeyed
from cbec.storage.cases import EvidenceFileColumns
from cbec.storage.types import Amount, PortableJSON, UTCDateTime


class ImageHashRow(IdKeyed):
    """The perceptual hashes of one image (a listing's, a design view's, a registered work's): not the image."""

    __tablename__ = "ip_image_hashes"
    __table_args__ = (UniqueConstraint("subject", "subject_id", "ref"),)

    subject: Mapped[str] = mapped_column(String(16))  # listing, design_view, work
    subject_id: Mapped[str] = mapped_column(String(140), index=True)
    ref: Mapped[str] = mapped_column(String(1000))  # the file or URL the image was read from
    sha256: Mapped[str] = mapped_column(String(64))
    phash: Mapped[str] = mapped_column(String(16))
    mirrored: Mapped[str] = mapped_column(String(16))
    segments: Mapped[list[str]] = mapped_column(PortableJSON)
    hashed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CopyFinding(IdKeyed):
    """A listing whose image or description copies a registered right: the rule, the right, how close, the ids."""

    __tablename__ = "ip_copy_findings"
    __table_args__ = (UniqueConstraint("platform_id", "listing_id", "rule", "right_id"),)

    listing_id: Mapped[str] = mapped_column(String(64))
    platform_id: Mapped[str] = mapped_column(String(64))
    enterprise_id: Mapped[str] = mapped_column(String(32), index=True)
    rule: Mapped[str] = mapped_column(String(32))  # image_copy, text_copy
    rule_version: Mapped[str] = mapped_column(String(16))
    right_kind: Mapped[str] = mapped_column(String(16))  # design (patent), work (copyright)
    right_id: Mapped[str] = mapped_column(String(64), index=True)
    owner: Mapped[str] = mapped_column(String(200))
    matched: Mapped[str] = mapped_column(String(1000))  # the design view or work the listing copies
    how: Mapped[str] = mapped_column(String(16))  # same, mirrored, cropped (images); minhash (texts)
    measure: Mapped[Decimal] = mapped_column(Amount())  # Hamming distance (images) or Jaccard similarity (texts)
    threshold: Mapped[Decimal] = mapped_column(Amount())
    evidence: Mapped[dict[str, Any]] = mapped_column(PortableJSON)
    found_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BorderFlag(IdKeyed):
    """A declaration of goods carrying a right recorded with customs, from neither its owner nor a licensee."""

    __tablename__ = "ip_border_flags"
    __table_args__ = (UniqueConstraint("declaration_id", "recordation_id"),)

    declaration_id: Mapped[str] = mapped_column(String(64))
    month: Mapped[str] = mapped_column(String(7), index=True)
    enterprise_id: Mapped[str] = mapped_column(String(32), index=True)
    hs_code: Mapped[str] = mapped_column(String(10))
    recordation_id: Mapped[str] = mapped_column(String(64))
    right_kind: Mapped[str] = mapped_column(String(16))
    right_id: Mapped[str] = mapped_column(String(64))
    owner: Mapped[str] = mapped_column(String(200))
    evidence: Mapped[dict[str, Any]] = mapped_column(PortableJSON)
    found_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TakedownEvidence(EvidenceFileColumns):
    """A file given in evidence on a takedown case, kept under CBEC_HOME with its SHA-256."""

    __tablename__ = "ip_takedown_evidence"
    __table_args__ = (UniqueConstraint("case_id", "sha256"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("ip_takedown_cases.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
