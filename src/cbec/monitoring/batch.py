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

from concurrent.futures import ThreadPoolExecutor

import duckdb
import numpy as np

from cbec.core.money import FxTable
from cbec.monitoring.batch_load import MonthData, load_month, month_bounds, workers
from cbec.monitoring.batch_rules import fires
from cbec.monitoring.batch_streams import Streams
from cbec.monitoring.batch_windows import episodes
from cbec.monitoring.engine import MAX_ALERT_PAYMENTS, Alert, make_alert
from cbec.monitoring.rule_model import Rule, RuleSet, SequenceRule

__all__ = ["month_bounds", "run_batch"]


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


def run_batch(
    con: duckdb.DuckDBPyConnection,
    *,
    ruleset: RuleSet,
    fx: FxTable,
    month: str | None = None,
    source: str = "payments",
) -> list[Alert]:
    """Run every rule over a month of `source` (all of it when month is None); return the alerts."""
    data = load_month(con, ruleset=ruleset, fx=fx, month=month, source=source)
    streams = Streams(data)
    with ThreadPoolExecutor(max_workers=workers(con)) as pool:  # numpy releases the GIL
        found = list(pool.map(lambda rule: _rule_alerts(rule, data, streams), ruleset.rules))
    return [alert for alerts in found for alert in alerts]
