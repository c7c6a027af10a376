"""The JetStream subject scheme: key dimensions of a rule set, partitions, subjects, message ids.

Rules group payments by different keys, so a payment is published once per *dimension* the rule set uses:
`<prefix>.<dimension>.<partition>`, where the dimension is a rule's group_by joined by `+` (`payer_id`,
`payee_id`, `institution_id`, `payer_id+payee_id`, ...) or `account` for sequence rules (money in, then out of
one account: the payment goes to the partitions of its payee and of its payer). The partition of a key is
NATS's own `partition(M, token)` subject-mapping function (FNV-1a 32-bit of the token, modulo M), so a
server-side mapping `<in>.<dim>.* -> <prefix>.<dim>.{{partition(M,1)}}` (NATS >= 2.10 stream transform, or
an account mapping) puts every message exactly where this module does. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cbec.monitoring.engine import ACCOUNT_DIMENSION, Payment
from cbec.monitoring.rules.model import Rule, RuleSet, SequenceRule
from cbec.monitoring.streaming.jetstream.body import BODY_FORMAT

_SAFE = re.compile(r"[A-Za-z0-9_-]+")
_FNV_OFFSET, _FNV_PRIME = 0x811C9DC5, 0x01000193


def dimension(rule: Rule) -> str:
    """Return the key dimension a rule keeps its state by."""
    return ACCOUNT_DIMENSION if isinstance(rule, SequenceRule) else "+".join(rule.group_by)


def dimensions(ruleset: RuleSet) -> tuple[str, ...]:
    """Return the rule set's dimensions in the order of their first rule."""
    return tuple(dict.fromkeys(dimension(rule) for rule in ruleset.rules))


def rules_of(ruleset: RuleSet, dim: str) -> RuleSet:
    """Return the part of a rule set that keeps its state by one dimension."""
    rules = tuple(rule for rule in ruleset.rules if dimension(rule) == dim)
    if not rules:
        raise ValueError(f"rule set {ruleset.id} has no rule keyed by {dim!r}")
    return RuleSet(id=ruleset.id, version=ruleset.version, rules=rules, lists=ruleset.lists)


def _escape(part: str) -> str:
    if _SAFE.fullmatch(part):
        return part
    return "".join(c if _SAFE.fullmatch(c) else "".join(f"~{b:02X}" for b in c.encode()) for c in part)


def key_token(parts: tuple[str, ...]) -> str:
    """Return a key as one subject-safe token: unsafe bytes become ~HH, parts are joined by ~~."""
    if len(parts) == 1:  # most keys (an account, a payer): the join's generator costs more than the escape
        return _escape(parts[0])
    return "~~".join(_escape(part) for part in parts)


def fnv1a32(data: bytes) -> int:
    """Return the 32-bit FNV-1a hash (Go's hash/fnv New32a, which NATS's partition() uses)."""
    value = _FNV_OFFSET
    for byte in data:
        value = ((value ^ byte) * _FNV_PRIME) & 0xFFFFFFFF
    return value


def partition_of(token: str, partitions: int) -> int:
    """Return NATS's partition(partitions, token) for one subject token."""
    return fnv1a32(token.encode()) % partitions


@lru_cache(maxsize=1 << 18)
def key_partition(parts: tuple[str, ...], partitions: int) -> int:
    """Return the partition of a key (cached: a publisher sees the same payers and payees again and again)."""
    return partition_of(key_token(parts), partitions)


def key_parts(payment: Payment, dim: str) -> list[tuple[str, ...]]:
    """Return the keys a payment has in a dimension; a key with a null part is no key (no rule sees it)."""
    if dim == ACCOUNT_DIMENSION:
        return [(key,) for key in dict.fromkeys((payment.payee_id, payment.payer_id)) if key is not None]
    values = tuple(_column(payment, name) for name in dim.split("+"))
    return [] if any(value is None for value in values) else [values]  # type: ignore[list-item]


def _column(payment: Payment, name: str) -> str | None:
    if name == "corridor":  # as the streaming engine derives it
        return f"{payment.payer_country}-{payment.payee_country}"
    value: str | None = getattr(payment, name)
    return value


@dataclass(frozen=True)
class Scheme:
    """Where a stream's messages go: its subject prefix, partition count and dimensions."""

    prefix: str
    partitions: int
    dims: tuple[str, ...]
    body: str = BODY_FORMAT  # the message body format (see jetstream.body)

    def subject(self, dim: str, partition: int) -> str:
        """Return the subject of one dimension's partition."""
        return f"{self.prefix}.{dim}.{partition}"

    def partition_filter(self, partition: int) -> str:
        """Return the consumer filter that takes one partition of every dimension."""
        return f"{self.prefix}.*.{partition}"

    def owner(self, partition: int) -> Callable[[Any], bool]:
        """Return owns(key) for the engine of a partition (keys as the engine holds them: str or tuple)."""
        partitions = self.partitions
        if partitions == 1:
            return _owns_all

        @lru_cache(maxsize=1 << 16)
        def owns(key: Any) -> bool:
            parts = key if isinstance(key, tuple) else (key,)
            return partition_of(key_token(parts), partitions) == partition

        return owns

    def routes(self, payment: Payment) -> Iterator[str]:
        """Yield the subject of every partition and dimension a payment goes to."""
        for dim in self.dims:
            seen = {key_partition(parts, self.partitions) for parts in key_parts(payment, dim)}
            for partition in sorted(seen):
                yield self.subject(dim, partition)

    def message_id(self, subject: str, payments: Sequence[Payment]) -> str:
        """Return the id of the message that carries these payments on a subject, for the duplicate window.

        It is the dimension and partition, the count and a digest of the payments' natural keys
        (institution_id, payment_id) in order: publishing the same payments again makes the same messages
        with the same ids, which the stream's duplicate window drops.
        """
        digest = hashlib.blake2b(digest_size=16)
        for payment in payments:
            digest.update(f"{payment.institution_id}\x1f{payment.payment_id}\x1e".encode())
        return f"{subject[len(self.prefix) + 1 :]}.{len(payments)}.{digest.hexdigest()}"

    def dim_of(self, subject: str) -> str:
        """Return the dimension of a message's subject."""
        return subject[len(self.prefix) + 1 : subject.rindex(".")]


def _owns_all(key: Any) -> bool:
    """The one partition of a stream owns every key."""
    return True
