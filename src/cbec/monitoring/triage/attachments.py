"""Evidence files on review items: kept under CBEC_HOME by SHA-256, checked on the way in and on the way out.

A file is taken when it is not empty, at most MAX_ATTACHMENT_BYTES, of a content type on the allow-list whose
bytes look like that type (a PDF starts %PDF-, a PNG with its signature, text is UTF-8 without NUL), on an item
still open that the person may comment on (an institution: its own). Its name is cleaned (no folders, no odd
characters); it is written atomically to `CBEC_HOME/evidence/review/<item>/<sha256>` and the addition audited
(`review_item.attach`). A download reads the bytes back and refuses them when they no longer match the SHA-256.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from cbec.audit import service as audit
from cbec.auth.domain import NotVisible, Principal
from cbec.casework import service as casework
from cbec.monitoring.triage.lifecycle import REVIEW_ITEM
from cbec.monitoring.triage.models import ReviewAttachment
from cbec.monitoring.triage.workflow import visible_item
from cbec.storage.engine import transaction
from cbec.storage.files import safe_name, write_atomic
from cbec.storage.store import Store

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# Content types taken, and how their first bytes begin (None: UTF-8 text, checked whole).
ALLOWED_TYPES: dict[str, tuple[bytes, ...] | None] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "text/plain": None,
    "text/csv": None,
}


class AttachmentError(ValueError):
    """A file refused (empty, too large, a type not allowed or not what it says) or one no longer intact."""


def check_file(data: bytes, content_type: str) -> str:
    """Return the content type, bare, when the bytes may be kept as it; raise AttachmentError saying why not."""
    bare = content_type.split(";", 1)[0].strip().lower()
    if not data:
        raise AttachmentError("附件为空 / the file is empty")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise AttachmentError(f"附件超过 {MAX_ATTACHMENT_BYTES // 2**20} MiB / the file is too large")
    if bare not in ALLOWED_TYPES:
        allowed = ", ".join(ALLOWED_TYPES)
        raise AttachmentError(f"不接受的文件类型 {bare!r} / content type not allowed (allowed: {allowed})")
    starts = ALLOWED_TYPES[bare]
    if starts is None:
        try:
            text_ok = b"\x00" not in data and bool(data.decode("utf-8"))
        except UnicodeDecodeError:
            text_ok = False
        if not text_ok:
            raise AttachmentError("文本文件须为 UTF-8 / a text file must be UTF-8 text")
    elif not data.startswith(starts):
        raise AttachmentError(f"文件内容不是 {bare} / the bytes are not {bare}")
    return bare


def attachment_view(row: ReviewAttachment) -> dict[str, Any]:
    """Return an attachment's record as entry points show it."""
    return {
        "id": row.id,
        "item_id": row.item_id,
        "name": row.name,
        "content_type": row.content_type,
        "sha256": row.sha256,
        "size": row.size,
        "added_by": row.added_by,
        "added_at": row.added_at,
    }


def attach_file(
    *,
    store: Store,
    item_id: int,
    name: str,
    content_type: str,
    data: bytes,
    principal: Principal,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Keep a file in evidence on an open item (once: the same bytes again return the stored record)."""
    bare = check_file(data, content_type)
    now = now or datetime.now(UTC)
    digest = hashlib.sha256(data).hexdigest()
    with transaction(store.factory) as session:
        item = visible_item(session, item_id, principal)
        casework.require(REVIEW_ITEM, role=principal.role, action="comment")
        if item.state == "closed":
            raise AttachmentError("事项已结案 / the item is closed")
        kept = session.scalars(
            select(ReviewAttachment).where(ReviewAttachment.item_id == item.id, ReviewAttachment.sha256 == digest)
        ).first()
        if kept is not None:
            return attachment_view(kept)
        relative = Path("evidence") / "review" / str(item.id) / digest
        write_atomic(store.settings.home_dir / relative, data, mode=0o600)
        row = ReviewAttachment(
            item_id=item.id,
            name=safe_name(name, default="attachment"),
            content_type=bare,
            path=str(relative),
            sha256=digest,
            size=len(data),
            added_by=principal.username,
            added_at=now,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor=principal.username,
            action="review_item.attach",
            entity="review_item",
            entity_id=item.id,
            after={"name": row.name, "content_type": bare, "sha256": digest, "size": len(data)},
            now=now,
        )
        return attachment_view(row)


def list_attachments(*, store: Store, item_id: int, principal: Principal) -> list[dict[str, Any]]:
    """Return the files in evidence on an item the principal may see, oldest first."""
    with store.factory() as session:
        visible_item(session, item_id, principal)
        query = select(ReviewAttachment).where(ReviewAttachment.item_id == item_id).order_by(ReviewAttachment.id)
        return [attachment_view(a) for a in session.scalars(query)]


def read_attachment(
    *, store: Store, item_id: int, attachment_id: int, principal: Principal
) -> tuple[dict[str, Any], bytes]:
    """Return an attachment's record and bytes, after checking them against the SHA-256 kept when it was added."""
    with store.factory() as session:
        visible_item(session, item_id, principal)
        row = session.get(ReviewAttachment, attachment_id)
        if row is None or row.item_id != item_id:
            raise NotVisible(f"no attachment {attachment_id} / 附件 {attachment_id} 不存在")
        record = attachment_view(row)
        path = store.settings.home_dir / row.path
    data = path.read_bytes() if path.is_file() else b""
    if hashlib.sha256(data).hexdigest() != record["sha256"]:
        raise AttachmentError(f"附件 {record['name']} 校验值不符 / {record['name']} no longer matches its SHA-256")
    return record, data
