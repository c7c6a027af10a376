"""The hash chain: canonical JSON of an entry, its hash, and the verification of a whole chain. Pure."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

GENESIS = "0" * 64


def _default(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot put {type(value).__name__} in the audit log")


def canonical(value: Any) -> Any:
    """Return a value as JSON would store and give it back (so the hash is the same after a round trip)."""
    return json.loads(json.dumps(value, default=_default, ensure_ascii=False))


def entry_hash(
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    before: Any,
    after: Any,
    prev_hash: str,
) -> str:
    """Return the SHA-256 of an entry's fields and the previous hash, over canonical JSON."""
    body = json.dumps(
        [
            seq,
            at.astimezone(UTC).isoformat(timespec="microseconds"),
            actor,
            action,
            entity,
            entity_id,
            canonical(before),
            canonical(after),
            prev_hash,
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Finding:
    """One break in the chain, in Chinese and English."""

    seq: int
    problem: str


def verify_chain(entries: Iterable[Any], *, head_seq: int, head_hash: str) -> list[Finding]:
    """Walk entries in seq order; report edited entries, missing ones and a cut tail."""
    findings: list[Finding] = []
    expected_seq, prev = 1, GENESIS
    for e in entries:
        if e.seq != expected_seq:
            findings.append(Finding(expected_seq, f"条目 {expected_seq}–{e.seq - 1} 缺失 / entries deleted"))
        if e.prev_hash != prev:
            findings.append(Finding(e.seq, "与前一条目的链接断开 / link to the previous entry broken"))
        recomputed = entry_hash(
            seq=e.seq,
            at=e.at,
            actor=e.actor,
            action=e.action,
            entity=e.entity,
            entity_id=e.entity_id,
            before=e.before,
            after=e.after,
            prev_hash=e.prev_hash,
        )
        if recomputed != e.hash:
            findings.append(Finding(e.seq, "内容与哈希不符（已被修改）/ content does not match its hash (edited)"))
        expected_seq, prev = e.seq + 1, e.hash
    if expected_seq - 1 != head_seq or prev != head_hash:
        findings.append(
            Finding(head_seq, "链尾与记录的链头不符（末尾被删除）/ chain end differs from the head (tail cut)")
        )
    return findings
