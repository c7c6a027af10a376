"""Record state changes in the audit log (inside the caller's transaction), anchor and verify the chain."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from cbec.audit.anchor import Anchor, anchor_of
from cbec.audit.domain import GENESIS, ChainWalk, Finding, canonical, entry_hash, verify_chain
from cbec.audit.guards import missing_guards
from cbec.audit.models import AuditEntry, AuditHead
from cbec.audit.schemas import AuditRead, Problem, VerifyResult
from cbec.config import Settings
from cbec.storage.store import Store

__all__ = [
    "AuditRead",
    "Audited",
    "Named",
    "VerifyResult",
    "checkpoint",
    "list_entries",
    "record",
    "record_added",
    "record_change",
    "record_many",
    "verify",
]
log = logging.getLogger(__name__)
_PENDING, _LISTENING = "audit_checkpoint", "audit_listening"


def _anchor(session: Session) -> Anchor:
    settings = session.info.get("settings")
    if not isinstance(settings, Settings):
        raise RuntimeError("audit entries are written through a Store's sessions (they carry the settings)")
    return anchor_of(settings)


def _checkpoint_after_commit(session: Session, anchor: Anchor, seq: int, digest: str) -> None:
    """Sign the new head once the transaction commits (a rolled-back entry is never checkpointed)."""
    if not session.info.get(_LISTENING):
        session.info[_LISTENING] = True

        def committed(session: Session) -> None:
            pending = session.info.pop(_PENDING, None)
            if pending is None:
                return
            try:
                anchor.write_checkpoint(*pending)
            except OSError:  # the change is committed; the next checkpoint anchors it
                log.exception("could not append an audit checkpoint to %s", anchor.checkpoints)

        def rolled_back(session: Session) -> None:
            session.info.pop(_PENDING, None)

        event.listen(session, "after_commit", committed)
        event.listen(session, "after_rollback", rolled_back)
    session.info[_PENDING] = (seq, digest)


class Audited(Protocol):
    """What an entry is about: a row that names, once on its class, its entity in the log, and its id."""

    @property
    def audit_entity(self) -> str: ...

    @property
    def id(self) -> str | int: ...


@dataclass(frozen=True, slots=True)
class Named:
    """An entity known by its name and id alone (no row at hand: a composite key, a run, a key ring)."""

    audit_entity: str
    id: str | int


def record_change(
    session: Session,
    row: Audited,
    *,
    actor: str,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> int:
    """Append the entry of a change to one row, in the caller's transaction: it commits or rolls back with it.

    Its entity and id are the row's, so no call site retypes them (see `record`).
    """
    entity, entity_id = row.audit_entity, row.id
    return record(
        session, actor=actor, action=action, entity=entity, entity_id=entity_id, before=before, after=after, now=now
    )


def record_added(
    session: Session, row: Audited, *, actor: str, action: str, after: dict[str, Any], now: datetime
) -> int:
    """Add a new row to the caller's transaction and audit its creation (flushed first: the entry names its id)."""
    session.add(row)
    session.flush()
    return record_change(session, row, actor=actor, action=action, after=after, now=now)


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
) -> int:
    """Append one entry in the caller's transaction: it commits or rolls back with the change it records.

    The entry carries the MAC of its hash (audit key); once the transaction commits, the new head is signed
    and appended to the checkpoint file. Return the entry's sequence number.
    """
    fields = {"actor": actor, "action": action, "entity": entity, "entity_id": entity_id}
    (seq,) = record_many(session, [{**fields, "before": before, "after": after, "now": now}])
    return seq


def record_many(session: Session, entries: Sequence[Mapping[str, Any]]) -> list[int]:
    """Append several entries in order (each as `record` takes them), locking the chain's head once; return their seqs.

    For a step taken on many rows at once (triage assigning the items it opens): the same entries as one
    `record` each, chained one after another, written as rows in one executemany (no ORM object per entry).
    """
    anchor = _anchor(session)
    head = session.scalar(select(AuditHead).where(AuditHead.id == 1).with_for_update())
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        session.add(head)
    rows: list[dict[str, Any]] = []
    for given in entries:
        seq = head.seq + 1
        fields = {
            "seq": seq,
            "at": (given.get("now") or datetime.now(UTC)).astimezone(UTC),
            "actor": given["actor"],
            "action": given["action"],
            "entity": given["entity"],
            "entity_id": str(given["entity_id"]),
            "before": canonical(given.get("before")),
            "after": canonical(given.get("after")),
            "prev_hash": head.hash,
        }
        digest = entry_hash(**fields)
        rows.append({**fields, "hash": digest, "mac": anchor.mac(digest)})
        head.seq, head.hash = seq, digest
    if rows:
        session.execute(insert(AuditEntry), rows)
    session.flush()
    if rows:
        _checkpoint_after_commit(session, anchor, head.seq, head.hash)
    return [row["seq"] for row in rows]


def verify(*, store: Store, batch: int = 10_000) -> VerifyResult:
    """Walk the whole chain against its anchors; any edited, deleted, cut or recomputed entry is reported.

    Also reported: append-only triggers missing or disabled, checkpoint lines whose signature fails, and a
    chain with entries but no checkpoint at all (not anchored: `cbec audit checkpoint`).
    """
    anchor = anchor_of(store.settings)
    findings: list[Finding] = [Finding(0, problem) for problem in missing_guards(store.engine)]
    signed: dict[int, str] = {}
    for line, point in anchor.read_checkpoints():
        if point is None:
            findings.append(Finding(0, f"检查点第 {line} 行签名无效（伪造）/ checkpoint line {line}: bad signature"))
        elif signed.setdefault(point.seq, point.digest) != point.digest:
            findings.append(Finding(point.seq, f"检查点第 {line} 行自相矛盾 / checkpoint line {line} contradicts"))
    walk = ChainWalk()
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

        findings += verify_chain(
            entries(), head_seq=head_seq, head_hash=head_hash, mac_key=anchor.mac_key, checkpoints=signed, walk=walk
        )
    if walk.entries and not signed:
        findings.append(Finding(0, "没有签名检查点，链未锚定 / no signed checkpoint: the chain is not anchored"))
    return VerifyResult(
        entries=walk.entries,
        ok=not findings,
        problems=[Problem(seq=f.seq, problem=f.problem) for f in findings],
        checkpoints=len(signed),
        unkeyed=walk.unkeyed,
    )


def checkpoint(*, store: Store) -> tuple[int, str]:
    """Sign the chain's current head into the checkpoint file (anchors a chain made before checkpoints)."""
    with store.factory() as session:
        head = session.get(AuditHead, 1)
        seq, digest = (head.seq, head.hash) if head else (0, GENESIS)
    anchor_of(store.settings).write_checkpoint(seq, digest)
    return seq, digest


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
