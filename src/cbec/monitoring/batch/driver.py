"""The batch driver: the rule semantics of cbec.monitoring.engine, vectorised over a month.

DuckDB reads the month once (batch_load): payments in the total order (initiated_at,
institution_id, payment_id) with amount_cny in integer fen, every rule condition evaluated and key
columns as integer codes. Per rule, numpy sorts the filtered rows by (key, order) into a stream
in which every window is a contiguous run [start, row]; measures come from running sums, doubling
tables of maxima and an interval count of repeated values (batch_windows), all in integers, so
the result is exact whatever the ties. De-duplication is the engine's named step: a firing joins
its key's previous firing when it comes less than W after it. With a month given, rows of the
preceding longest window are read as context and only the month's payments fire, so an episode
running across the month boundary starts again in the new month.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import duckdb
import numpy as np

from cbec.core.memory import give_back_freed_memory
from cbec.core.money import FxTable
from cbec.core.months import month_bounds
from cbec.monitoring.batch.load import MonthData, Part, load_month, workers
from cbec.monitoring.batch.plan import BatchPlan, plan_batch
from cbec.monitoring.batch.rules import fires
from cbec.monitoring.batch.streams import Streams
from cbec.monitoring.batch.windows import episodes
from cbec.monitoring.engine import MAX_ALERT_PAYMENTS, Alert, make_alert
from cbec.monitoring.rules.model import Rule, RuleSet, SequenceRule

__all__ = ["in_rule_order", "iter_planned", "month_bounds", "run_batch", "run_rules"]


def _rule_alerts(rule: Rule, data: MonthData, streams: Streams) -> list[Alert]:
    """Return the alerts of one rule: one per episode of its firings."""
    stream = streams.stream(rule)
    fired, observe = fires(rule, data, stream)
    times = data.ts[stream.pos]
    found = episodes(stream, fired, times, rule.window.micros)
    if not len(found.first_fire):
        return []
    lengths = np.minimum(found.last_fire - found.first_row + 1, MAX_ALERT_PAYMENTS)
    offsets = np.cumsum(lengths) - lengths
    listed = np.repeat(found.first_row - offsets, lengths) + np.arange(int(lengths.sum()))
    wanted = np.concatenate([stream.pos[listed], stream.pos[found.first_fire]])
    named = data.payment_keys(wanted)
    names = ("payer_id",) if isinstance(rule, SequenceRule) else rule.group_by
    key_rows = stream.pos[found.first_fire]
    key_values = [data.dictionaries[n].take(data.codes[n][key_rows]).to_pylist() for n in names]
    firsts = len(listed)
    alerts = []
    for e in range(len(found.first_fire)):
        start, stop = int(offsets[e]), int(offsets[e] + lengths[e])
        last, first_row = int(found.last_fire[e]), int(found.first_row[e])
        alerts.append(
            make_alert(
                rule,
                tuple(str(values[e]) for values in key_values),
                first_fire=named[firsts + e],
                observed=observe(last),
                first_us=int(times[first_row]),
                last_us=int(times[last]),
                payments=tuple(named[start:stop]),
                payment_count=last - first_row + 1,
            )
        )
    return alerts


def run_rules(
    con: duckdb.DuckDBPyConnection,
    *,
    ruleset: RuleSet,
    fx: FxTable,
    month: str | None,
    source: str,
    part: Part | None = None,
) -> list[Alert]:
    """Read the month (or one part of it) into memory and run every rule of the set over it."""
    data = load_month(con, ruleset=ruleset, fx=fx, month=month, source=source, part=part)
    give_back_freed_memory()  # the scan's and the sorts' temporaries, before the rules allocate theirs
    streams = Streams(data)

    def run(rule: Rule) -> list[Alert]:
        alerts = _rule_alerts(rule, data, streams)
        give_back_freed_memory()  # else the heap keeps each rule's peak for the next rule on top of its own
        return alerts

    with ThreadPoolExecutor(max_workers=workers(con)) as pool:  # numpy releases the GIL
        found = list(pool.map(run, ruleset.rules))
    return [alert for alerts in found for alert in alerts]


def iter_planned(
    con: duckdb.DuckDBPyConnection,
    plan: BatchPlan,
    *,
    ruleset: RuleSet,
    fx: FxTable,
    month: str | None,
    source: str = "payments",
    progress: Callable[[str], None] | None = None,
) -> Iterator[list[Alert]]:
    """Run a plan, giving each partition's alerts as soon as it is done (the whole month's at once when it
    fits in memory): a caller that stores and drops them holds one partition's alerts at a time."""
    if plan.in_memory:
        yield run_rules(con, ruleset=ruleset, fx=fx, month=month, source=source)
        return
    done = 0
    for dimension in plan.dimensions:
        subset = replace(ruleset, rules=dimension.rules)
        for n, part in enumerate(dimension.parts, 1):
            found = run_rules(con, ruleset=subset, fx=fx, month=month, source=source, part=part)
            give_back_freed_memory()  # the partition's arrays, before the next one is read
            done += len(found)
            if progress:
                progress(f"{dimension.name} partition {n}/{len(dimension.parts)}: {done:,} alerts so far")
            yield found
            del found  # not held while the next partition runs


def in_rule_order(ruleset: RuleSet, alerts: list[Alert]) -> list[Alert]:
    """Return alerts in the rule set's order, then by first payment time and id."""
    rank = {rule.header.id: i for i, rule in enumerate(ruleset.rules)}
    return sorted(alerts, key=lambda a: (rank[a.rule_id], a.first_at, a.alert_id))


def run_batch(
    con: duckdb.DuckDBPyConnection,
    *,
    ruleset: RuleSet,
    fx: FxTable,
    month: str | None = None,
    source: str = "payments",
    memory_mb: int | None = None,
) -> list[Alert]:
    """Run every rule over a month of `source` (all of it when month is None); return the alerts.

    With a memory budget, a month estimated not to fit is run in hash partitions of its rule keys
    (batch_plan): the same alerts, with peak memory set by the budget instead of the month's size.
    """
    if memory_mb is None:
        return run_rules(con, ruleset=ruleset, fx=fx, month=month, source=source)
    plan = plan_batch(con, ruleset=ruleset, month=month, source=source, memory_mb=memory_mb)
    found = [
        alert for part in iter_planned(con, plan, ruleset=ruleset, fx=fx, month=month, source=source) for alert in part
    ]
    return found if plan.in_memory else in_rule_order(ruleset, found)
