"""Plan a batch run under a memory budget: the whole month in memory when it fits, else key partitions.

Every window and episode lies within one key of a rule, so a rule's alerts over a month are the union
of its alerts over any partition of its keys. Rules are grouped by the key column they are partitioned
by (batch_streams.partition_column): payer_id, payee_id and the sequence rules share the *account*
dimension, in which a payment belongs to its payer's partition and to its payee's; enterprise_id,
institution_id and corridor are dimensions of their own. Each dimension's keys are hashed into
BUCKETS buckets (DuckDB `hash`), counted, and packed, largest first, into as few partitions as keep
each one's estimated memory within the budget. A partition reads only its rows (a predicate on the
scan) and runs its dimension's rules on the keys it owns.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import duckdb

from cbec.monitoring.batch.load import Part, key_columns, month_filter, rule_conditions
from cbec.monitoring.batch.streams import partition_column
from cbec.monitoring.engine import ACCOUNT_DIMENSION, ACCOUNT_FIELDS
from cbec.monitoring.rules.model import Rule, RuleSet, SequenceRule

BUCKETS = 1024
CORRIDOR_SQL = "coalesce(payer_country, 'None') || '-' || coalesce(payee_country, 'None')"
# Peak bytes per payment read, measured with bench/scale_batch.py at 10M payments (see docs/monitoring.md):
# a fixed part (times, amounts, ids, order, sorts) and a part per key column and per condition tested. The
# fixed part went from 260 to 200 when the load let go of DuckDB's result and each rule's freed memory went
# back to the system (the shipped rules' peak at 10M: 5,090 -> 3,628 MiB).
BYTES_BASE = 200
BYTES_PER_KEY = 45
BYTES_PER_TEST = 4
BASELINE_MB = 300  # the process before the run: interpreter, libraries, DuckDB


@dataclass(frozen=True, slots=True)
class Dimension:
    """Rules partitioned by one key column (or by account), with their partitions and estimated rows."""

    name: str
    rules: tuple[Rule, ...]
    parts: tuple[Part, ...]
    rows: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class BatchPlan:
    """How a month is run: in memory (no dimensions) or dimension by dimension, partition by partition."""

    rows: int
    memory_mb: int
    estimate_mb: int
    dimensions: tuple[Dimension, ...] = ()

    @property
    def in_memory(self) -> bool:
        """Tell whether the month is read whole."""
        return not self.dimensions

    def describe(self) -> str:
        """Return the plan in one line."""
        head = f"{self.rows:,} payments read, estimated {self.estimate_mb:,} MB in memory"
        if self.in_memory:
            return f"{head}: in memory"
        dims = "; ".join(
            f"{d.name}: {len(d.rules)} rules in {len(d.parts)} partitions of up to {max(d.rows):,} rows"
            for d in self.dimensions
        )
        return f"{head}: partitioned ({dims})"


def bytes_per_row(ruleset: RuleSet) -> int:
    """Return the estimated peak memory per payment read for running a rule set in memory."""
    tests = {str(leaf) for condition in rule_conditions(ruleset) for leaf in _leaves(condition)}
    return BYTES_BASE + BYTES_PER_KEY * len(key_columns(ruleset)) + BYTES_PER_TEST * len(tests)


def _leaves(condition: object) -> list[object]:
    parts = getattr(condition, "parts", None)
    return [leaf for part in parts for leaf in _leaves(part)] if parts else [condition]


def dimension_of(rule: Rule) -> str:
    """Return the dimension a rule is partitioned in: `account` or a key column."""
    if isinstance(rule, SequenceRule):
        return ACCOUNT_DIMENSION
    column = partition_column(rule.group_by)
    return ACCOUNT_DIMENSION if column in ACCOUNT_FIELDS else column


def _column(name: str) -> str:
    return CORRIDOR_SQL if name == "corridor" else f'"{name}"'


def _bucket_rows(con: duckdb.DuckDBPyConnection, source: str, where: str, columns: tuple[str, ...]) -> list[int]:
    """Return the rows read per bucket of a dimension (a payment counts once per column it is keyed by)."""
    counts = [0] * BUCKETS
    for column in columns:
        sql = _column(column)
        rows = con.sql(
            f"SELECT hash({sql}) % {BUCKETS} AS bucket, count(*) FROM {source} "
            f"WHERE {where} AND {sql} IS NOT NULL GROUP BY bucket"
        ).fetchall()
        for bucket, count in rows:
            counts[int(bucket)] += int(count)
    return counts


def pack(counts: list[int], bins: int) -> list[list[int]]:
    """Pack the non-empty buckets into at most `bins` bins, largest first into the lightest bin."""
    heap = [(0, i) for i in range(max(1, bins))]
    chosen: list[list[int]] = [[] for _ in heap]
    for bucket in sorted((b for b in range(len(counts)) if counts[b]), key=lambda b: -counts[b]):
        rows, i = heapq.heappop(heap)
        chosen[i].append(bucket)
        heapq.heappush(heap, (rows + counts[bucket], i))
    return [sorted(c) for c in chosen if c]


def pack_within(counts: list[int], limit: int) -> list[list[int]]:
    """Pack buckets into as few bins as keep each within `limit` rows; a bucket over it gets its own bin."""
    limit = max(limit, 1)
    filled = sum(1 for c in counts if c)
    over = sum(1 for c in counts if c > limit)
    least = over + math.ceil(sum(c for c in counts if c <= limit) / limit)
    for bins in range(max(1, min(least, filled)), filled + 1):
        chosen = pack(counts, bins)
        if all(len(c) == 1 or sum(counts[b] for b in c) <= limit for c in chosen):
            return chosen
    return pack(counts, filled)


def _part(name: str, buckets: list[int]) -> Part:
    listed = ", ".join(str(b) for b in buckets)
    columns = ACCOUNT_FIELDS if name == ACCOUNT_DIMENSION else (name,)
    owned = {c: f"({_column(c)} IS NOT NULL AND hash({_column(c)}) % {BUCKETS} IN ({listed}))" for c in columns}
    return Part(where="(" + " OR ".join(owned.values()) + ")", owned=owned)


def plan_batch(
    con: duckdb.DuckDBPyConnection,
    *,
    ruleset: RuleSet,
    month: str | None,
    memory_mb: int,
    source: str = "payments",
    partitions: int | None = None,
) -> BatchPlan:
    """Plan a run: in memory when the month's estimate fits the budget, else partitions per dimension.

    `partitions` forces that many partitions per dimension (at most one per non-empty bucket).
    """
    where = month_filter(ruleset, month)
    rows = int(con.sql(f"SELECT count(*) FROM {source} WHERE {where}").fetchall()[0][0])
    estimate = rows * bytes_per_row(ruleset) // 2**20 + BASELINE_MB
    if partitions is None and estimate <= memory_mb:
        return BatchPlan(rows=rows, memory_mb=memory_mb, estimate_mb=estimate)
    usable = max(memory_mb - BASELINE_MB, 1) * 2**20
    grouped: dict[str, list[Rule]] = {}
    for rule in ruleset.rules:
        grouped.setdefault(dimension_of(rule), []).append(rule)
    dimensions = []
    for name, rules in grouped.items():
        subset = RuleSet(id=ruleset.id, version=ruleset.version, rules=tuple(rules), lists=ruleset.lists)
        sub_where = month_filter(subset, month)
        counts = _bucket_rows(con, source, sub_where, ACCOUNT_FIELDS if name == ACCOUNT_DIMENSION else (name,))
        bins = pack(counts, partitions) if partitions else pack_within(counts, usable // bytes_per_row(subset))
        dimensions.append(
            Dimension(
                name=name,
                rules=tuple(rules),
                parts=tuple(_part(name, b) for b in bins),
                rows=tuple(sum(counts[x] for x in b) for b in bins),
            )
        )
    return BatchPlan(rows=rows, memory_mb=memory_mb, estimate_mb=estimate, dimensions=tuple(dimensions))
