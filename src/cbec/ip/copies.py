"""Screen listings' images and descriptions against designs in force and registered works; keep the findings.

Images are read from local files only (absolute paths, `file://` URLs, or paths relative to CBEC_HOME/images);
a URL is counted as remote and not fetched. The store keeps each image's perceptual hashes and the file's
SHA-256 (`ip_image_hashes`), never the image: a file already hashed with the same SHA-256 is not hashed again.
A seller who owns the right is not a finding; a finding already kept is not kept twice.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import imagehash
from sqlalchemy import select
from sqlalchemy.orm import Session

from cbec.feeds.service import lake_views, read_side, register_rows
from cbec.ip.copy_models import CopyFinding, ImageHashRow
from cbec.ip.images import MATCH_DISTANCE, ImageHashes, ImageIndex, hash_file
from cbec.ip.schemas import CopyScan
from cbec.ip.texts import COPY_CONTAINMENT, COPY_JACCARD, RULE_VERSION, SHINGLE, TextIndex
from cbec.storage.engine import transaction
from cbec.storage.store import Store

IMAGE_RULE_VERSION = "1"


@dataclass(frozen=True, slots=True)
class Right:
    """A registered design view or work a listing may copy."""

    kind: str  # design, work
    right_id: str
    owner: str
    ref: str


def local_path(ref: str, images_dir: Path) -> Path | None:
    """Return the local file an image reference names, or None for a URL (never fetched)."""
    parsed = urlparse(ref)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    if parsed.scheme and len(parsed.scheme) > 1:  # http, https, ftp...; a one-letter scheme is a drive letter
        return None
    path = Path(ref)
    return path if path.is_absolute() else images_dir / path


def _hex(value: int) -> str:
    return format(value, "016x")


def _from_row(row: ImageHashRow) -> ImageHashes:
    return ImageHashes(
        phash=int(row.phash, 16),
        mirrored=int(row.mirrored, 16),
        segments=imagehash.ImageMultiHash([imagehash.hex_to_hash(h) for h in row.segments]),
    )


@dataclass
class _Hasher:
    """Hash images once: a stored row with the file's SHA-256 is reused."""

    session: Session
    images_dir: Path
    now: datetime
    hashed: int = 0
    reused: int = 0
    remote: int = 0
    missing: int = 0

    def __post_init__(self) -> None:
        self.rows = {(r.subject, r.subject_id, r.ref): r for r in self.session.scalars(select(ImageHashRow))}

    def hashes(self, subject: str, subject_id: str, ref: str) -> tuple[ImageHashes, ImageHashRow] | None:
        path = local_path(ref, self.images_dir)
        if path is None:
            self.remote += 1
            return None
        try:
            data = path.read_bytes()
        except OSError:
            self.missing += 1
            return None
        digest = hashlib.sha256(data).hexdigest()
        row = self.rows.get((subject, subject_id, ref))
        if row is not None and row.sha256 == digest:
            self.reused += 1
            return _from_row(row), row
        try:
            hashes = hash_file(path)
        except (OSError, ValueError):  # not an image Pillow reads
            self.missing += 1
            return None
        self.hashed += 1
        if row is None:
            row = ImageHashRow(subject=subject, subject_id=subject_id, ref=ref[:1000])
            self.session.add(row)
            self.rows[(subject, subject_id, ref)] = row
        row.sha256, row.phash, row.mirrored = digest, _hex(hashes.phash), _hex(hashes.mirrored)
        row.segments = [str(h) for h in hashes.segments.segment_hashes]
        row.hashed_at = self.now
        self.session.flush()
        return hashes, row


def in_force(row: dict[str, Any], today: date) -> bool:
    start, end = row.get("valid_from"), row.get("valid_to")
    return (start is None or start <= today) and (end is None or today <= end)


def registered_images(*, store: Store, today: date) -> list[Right]:
    """Return the views of designs in force and the registered product images."""
    rights = [
        Right("design", str(p["patent_id"]), str(p["owner"]), view.strip())
        for p in register_rows(store=store, feed="patents")
        if p["kind"] == "design" and in_force(p, today)
        for view in str(p.get("views") or "").split(";")
        if view.strip()
    ]
    rights += [
        Right("work", str(w["work_id"]), str(w["owner"]), str(w["image"]))
        for w in register_rows(store=store, feed="copyrights")
        if w["kind"] == "image" and w.get("image")
    ]
    return rights


def registered_texts(*, store: Store) -> dict[str, tuple[str, str, str]]:
    """Return the registered texts by work id: owner, title, content."""
    return {
        str(w["work_id"]): (str(w["owner"]), str(w["title"]), str(w["content"]))
        for w in register_rows(store=store, feed="copyrights")
        if w["kind"] == "text" and w.get("content")
    }


def _listings(store: Store) -> list[tuple[str, str, str, str, str]]:
    con = read_side(store=store)
    try:
        if "listings" not in lake_views(con):
            return []
        rows = con.execute("SELECT listing_id, platform_id, enterprise_id, image, _extra FROM listings").fetchall()
    finally:
        con.close()
    out = []
    for listing_id, platform_id, enterprise_id, image, extra in rows:
        description = str(json.loads(extra).get("description") or "") if extra else ""
        out.append((str(listing_id), str(platform_id), str(enterprise_id), str(image or ""), description))
    return out


def scan_copies(*, store: Store, sellers: dict[str, set[str]], now: datetime | None = None) -> CopyScan:
    """Screen every listing's image and description; keep new findings, each explained (see module doc)."""
    now = now or datetime.now(UTC)
    images_dir = store.settings.home_dir / "images"
    rights = registered_images(store=store, today=now.date())
    texts = registered_texts(store=store)
    text_index = TextIndex()
    for work_id, (_owner, _title, content) in texts.items():
        text_index.add(work_id, content)
    listings = _listings(store)
    image_hits = text_hits = new = 0
    with transaction(store.factory) as session:
        hasher = _Hasher(session, images_dir, now)
        index, by_key = ImageIndex(), {}
        for n, right in enumerate(rights):
            found = hasher.hashes(right.kind, right.right_id, right.ref)
            if found is not None:
                key = f"{n}"
                index.add(key, found[0])
                by_key[key] = (right, found[1])
        known = {
            (a, b, c, d)
            for a, b, c, d in session.execute(
                select(CopyFinding.platform_id, CopyFinding.listing_id, CopyFinding.rule, CopyFinding.right_id)
            )
        }

        def keep(finding: CopyFinding) -> None:
            nonlocal new
            marker = (finding.platform_id, finding.listing_id, finding.rule, finding.right_id)
            if marker not in known:
                known.add(marker)
                session.add(finding)
                new += 1

        for listing_id, platform_id, enterprise_id, image, description in listings:
            names = sellers.get(enterprise_id, {enterprise_id})
            if image and by_key:
                found = hasher.hashes("listing", f"{platform_id}/{listing_id}", image)
                match = index.search(found[0]) if found else None
                if found and match is not None and by_key[match.key][0].owner not in names:
                    right, right_row = by_key[match.key]
                    image_hits += 1
                    keep(
                        CopyFinding(
                            listing_id=listing_id,
                            platform_id=platform_id,
                            enterprise_id=enterprise_id,
                            rule="image_copy",
                            rule_version=IMAGE_RULE_VERSION,
                            right_kind=right.kind,
                            right_id=right.right_id,
                            owner=right.owner[:200],
                            matched=right.ref[:1000],
                            how=match.how,
                            measure=Decimal(match.distance),
                            threshold=Decimal(MATCH_DISTANCE),
                            evidence={
                                "listing_image": image,
                                "listing_sha256": found[1].sha256,
                                "listing_phash": found[1].phash,
                                "listing_hash_id": found[1].id,
                                "registered_phash": right_row.phash,
                                "registered_sha256": right_row.sha256,
                                "registered_hash_id": right_row.id,
                                "measure": "pHash Hamming distance of 64 bits (cropped: segments shared)",
                            },
                            found_at=now,
                        )
                    )
            text_match = text_index.search(description) if description else None
            if text_match is not None and texts[text_match.key][0] not in names:
                owner, title, _content = texts[text_match.key]
                text_hits += 1
                keep(
                    CopyFinding(
                        listing_id=listing_id,
                        platform_id=platform_id,
                        enterprise_id=enterprise_id,
                        rule="text_copy",
                        rule_version=RULE_VERSION,
                        right_kind="work",
                        right_id=text_match.key,
                        owner=owner[:200],
                        matched=title[:1000],
                        how=text_match.how,
                        measure=Decimal(str(text_match.jaccard)),
                        threshold=Decimal(str(COPY_JACCARD)),
                        evidence={
                            "jaccard": text_match.jaccard,
                            "containment": text_match.containment,
                            "containment_threshold": COPY_CONTAINMENT,
                            "shared_shingles": text_match.shared,
                            "shingle_characters": SHINGLE,
                            "description_excerpt": description[:200],
                        },
                        found_at=now,
                    )
                )
    return CopyScan(
        registered_images=len(by_key),
        registered_texts=len(text_index.grams),
        listings=len(listings),
        images_hashed=hasher.hashed,
        images_reused=hasher.reused,
        images_remote=hasher.remote,
        images_missing=hasher.missing,
        image_findings=image_hits,
        text_findings=text_hits,
        new_findings=new,
    )
