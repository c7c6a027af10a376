"""Record state changes in the audit log (inside the caller's transaction) and verify the chain."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cbec.audit.domain import GENESIS, canonical, entry_hash, verify_chain
from cbec.audit.models import AuditEntry, AuditHead
from cbec.audit.schemas import AuditRead, Problem, VerifyResult
from cbec.storage.store import Store

__all__ = ["AuditRead", "VerifyResult", "list_entries", "record", "verify"]


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | int,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction: it commits or rolls back with the change it records."""
    head = session.scalar(select(AuditHead).where(AuditHead.id == 1).with_for_update())
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        session.add(head)
    at = (now or datetime.now(UTC)).astimezone(UTC)
    before_json, after_json = canonical(before), canonical(after)
    seq = head.seq + 1
    digest = entry_hash(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        before=before_json,
        after=after_json,
        prev_hash=head.hash,
    )
    entry = AuditEntry(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        before=before_json,
        after=after_json,
        prev_hash=head.hash,
        hash=digest,
    )
    session.add(entry)
    head.seq, head.hash = seq, digest
    session.flush()
    return entry


def verify(*, store: Store, batch: int = 10_000) -> VerifyResult:
    """Walk the whole chain; any edited, deleted or cut entry is reported."""
    with store.factory() as session:
        head = session.get(AuditHead, 1)
        head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)

        def entries() -> Any:
            last = 0
            while True:
                rows = list(
                    session.scalars(
                        select(AuditEntry).where(AuditEntry.seq > last).order_by(AuditEntry.seq).limit(batch)
                    )
                )
                if not rows:
                    return
                yield from rows
                last = rows[-1].seq

        counted = 0

        def counting() -> Any:
            nonlocal counted
            for e in entries():
                counted += 1
                yield e

        findings = verify_chain(counting(), head_seq=head_seq, head_hash=head_hash)
    return VerifyResult(
        entries=counted, ok=not findings, problems=[Problem(seq=f.seq, problem=f.problem) for f in findings]
    )


def list_entries(
    *,
    store: Store,
    entity: str | None = None,
    entity_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditRead]:
    """Return audit entries, newest first, optionally of one entity."""
    query = select(AuditEntry).order_by(AuditEntry.seq.desc())
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if entity_id:
        query = query.where(AuditEntry.entity_id == entity_id)
    with store.factory() as session:
        return [AuditRead.model_validate(e) for e in session.scalars(query.limit(limit).offset(offset))]
