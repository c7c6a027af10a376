"""The hash chain: canonical JSON of an entry, its hash, its keyed MAC, signed checkpoints and verification. Pure.

The SHA-256 chain shows an edit or a deletion to anyone who did not recompute it. Two anchors outside the
database show the rest: each entry's hash carries an HMAC under a key the database never holds (recomputing the
chain needs the key), and signed checkpoints of the head, appended to a file elsewhere, name a sequence number
and hash the chain must still reach (a cut tail or a rewritten chain no longer does).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
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


def entry_mac(key: bytes, digest: str) -> str:
    """Return the HMAC-SHA256 of an entry's hash under the audit key (it covers the whole chain before it)."""
    return hmac.new(key, digest.encode("ascii"), hashlib.sha256).hexdigest()


def checkpoint_message(seq: int, digest: str, at: str) -> bytes:
    """Return the bytes a head checkpoint signs: the sequence number, the hash and when."""
    return f"cbec-audit-checkpoint|{seq}|{digest}|{at}".encode("ascii")


@dataclass(frozen=True, slots=True)
class Finding:
    """One break in the chain, in Chinese and English."""

    seq: int
    problem: str


@dataclass
class ChainWalk:
    """What a walk of the chain saw besides its findings."""

    entries: int = 0
    unkeyed: int = 0  # entries made before the keyed MAC began (an older revision's), at the start only
    last_seq: int = 0


def verify_chain(
    entries: Iterable[Any],
    *,
    head_seq: int,
    head_hash: str,
    mac_key: bytes | None = None,
    checkpoints: Mapping[int, str] | None = None,
    walk: ChainWalk | None = None,
) -> list[Finding]:
    """Walk entries in seq order; report edited, missing, unauthenticated and rewritten entries and a cut tail.

    With `mac_key`, every entry after the first keyed one must carry the MAC of its hash; `checkpoints` maps
    signed sequence numbers to the hash the entry there had when it was signed.
    """
    findings: list[Finding] = []
    walk = walk if walk is not None else ChainWalk()
    checkpoints = checkpoints or {}
    expected_seq, prev, keyed = 1, GENESIS, False
    for e in entries:
        walk.entries += 1
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
        if mac_key is not None:
            findings += _check_mac(e, mac_key, keyed, walk)
            keyed = keyed or e.mac is not None
        signed = checkpoints.get(e.seq)
        if signed is not None and signed != e.hash:
            findings.append(
                Finding(e.seq, "与签名检查点不符（链被重算）/ differs from its signed checkpoint (rewritten)")
            )
        expected_seq, prev = e.seq + 1, e.hash
    walk.last_seq = expected_seq - 1
    if walk.last_seq != head_seq or prev != head_hash:
        findings.append(
            Finding(head_seq, "链尾与记录的链头不符（末尾被删除）/ chain end differs from the head (tail cut)")
        )
    beyond = [seq for seq in checkpoints if seq > walk.last_seq]
    if beyond:
        findings.append(
            Finding(
                max(beyond),
                f"签名检查点到 #{max(beyond)}，链只到 #{walk.last_seq}（末尾被删除）/ "
                f"a signed checkpoint reaches #{max(beyond)} but the chain ends at #{walk.last_seq} (tail cut)",
            )
        )
    return findings


def _check_mac(e: Any, key: bytes, keyed: bool, walk: ChainWalk) -> list[Finding]:
    if e.mac is None:
        if keyed:
            return [Finding(e.seq, "缺少密钥认证码（绕过密钥写入）/ MAC missing (written without the key)")]
        walk.unkeyed += 1
        return []
    if not hmac.compare_digest(e.mac, entry_mac(key, e.hash)):
        return [Finding(e.seq, "密钥认证码不符（链被重算）/ MAC does not match (rewritten without the key)")]
    return []
