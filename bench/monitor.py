"""Speed of payment monitoring, printed: streaming throughput and latency, batch time against DuckDB SQL.

Usage: python bench/monitor.py [--payments 1000000] [--stream 200000] [--offered 3000] [--seconds 20]
                                [--hour-seconds 3600]
- Streaming: payments/s through the streaming driver with the full shipped rule set, one by one and in
  micro-batches of 1,000, by wall clock and by the process's CPU time (the machine may be shared), and
  latency p50/p99 per payment at a fixed offered rate (issue 3 targets: >= 50,000/s; p99 <= 10 ms at 3,000/s).
- Streaming state for one hour of traffic at the offered rate: the month's payments replayed in a child
  process with arrival times 1/rate apart (fresh payment ids per pass), so every window of an hour or more
  holds the whole hour; prints the state's rows, RSS growth, peak RSS and the checkpoint's size.
- Batch: seconds for a month of N payments with every rule, and the same run's ratio to DuckDB SQL
  computing three range-window aggregates per payer on the same lake (target ratio <= 1.5).
- Memory: peak RSS during the batch run (Linux; else of the process so far), peak RSS of the process and the
  streaming state after the run.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from cbec.config import Settings
from cbec.core.clock import SHANGHAI
from cbec.core.memory import give_back_freed_memory
from cbec.core.money import FxTable, load_fx_table
from cbec.feeds.service import ingest, read_side
from cbec.monitoring.batch.driver import run_batch
from cbec.monitoring.engine import PAYMENT_FIELDS, Payment
from cbec.monitoring.rules.model import RuleSet
from cbec.monitoring.rules.parser import load_ruleset
from cbec.monitoring.streaming.driver import StreamingEngine
from cbec.storage.store import open_store
from cbec.synth import generate

MONTH = "2026-10"


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak_rss() -> bool:
    """Reset the process's peak RSS (Linux VmHWM), so that the batch run's own peak can be read."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _peak_rss_mib() -> float:
    """Return the peak RSS since the last reset (Linux VmHWM), else since the process started."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return _rss_mib()


def _duckdb_peer(con: object) -> float:
    """Three range-window aggregates per payer over the month: the plain-SQL peer of the batch driver."""
    start = time.perf_counter()
    con.execute(  # type: ignore[attr-defined]
        """
        CREATE OR REPLACE TEMP TABLE peer AS
        SELECT payment_id,
          count(*) OVER w1 AS n_24h,
          sum(amount) OVER w1 AS sum_24h,
          count(DISTINCT payee_id) OVER w7 AS payees_7d
        FROM payments WHERE month = '2026-10'
        WINDOW w1 AS (PARTITION BY payer_id ORDER BY initiated_at
                      RANGE BETWEEN INTERVAL 24 HOURS PRECEDING AND CURRENT ROW),
               w7 AS (PARTITION BY payer_id ORDER BY initiated_at
                      RANGE BETWEEN INTERVAL 7 DAYS PRECEDING AND CURRENT ROW)
        """
    )
    return time.perf_counter() - start


def _throughput(payments: list[Payment], rules: RuleSet, fx: FxTable, batch: int) -> str:
    """Stream the payments through a fresh engine; return payments/s by wall clock and by CPU time."""
    engine = StreamingEngine(rules, fx)
    wall, cpu = time.perf_counter(), time.process_time()
    if batch <= 1:
        for payment in payments:
            engine.process(payment)
    else:
        for start in range(0, len(payments), batch):
            engine.process_many(payments[start : start + batch])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    how = "one by one" if batch <= 1 else f"micro-batches of {batch:,}"
    return (
        f"streaming {how}: {len(payments):,} payments in {wall:.1f} s = {len(payments) / wall:,.0f} payments/s "
        f"(CPU time {cpu:.1f} s = {len(payments) / cpu:,.0f}/s); state {engine.state_size():,} window rows"
    )


def _replayed_hour(parquet: Path, rate: int, seconds: int) -> Iterator[Payment]:
    """Yield rate x seconds payments: the month's rows in turn, 1/rate apart from 09:00 on its 10th day."""
    table = pq.read_table(parquet).to_pydict()
    rows = list(zip(*(table[name] for name in PAYMENT_FIELDS), strict=True))
    amounts = [Decimal(a) for a in table["amount"]]
    del table
    pa.default_memory_pool().release_unused()  # so that RSS growth from here on is the engine's
    amount_at, id_at = PAYMENT_FIELDS.index("amount"), PAYMENT_FIELDS.index("payment_id")
    time_at = PAYMENT_FIELDS.index("initiated_at")
    t0 = datetime(int(MONTH[:4]), int(MONTH[5:]), 10, 9, 0, tzinfo=SHANGHAI)
    for index in range(rate * seconds):
        values = list(rows[index % len(rows)])
        values[amount_at] = amounts[index % len(rows)]
        values[id_at] = f"{values[id_at]}~{index // len(rows)}"
        values[time_at] = t0 + timedelta(microseconds=index * 1_000_000 // rate)
        yield Payment(*values)


def hour_state(parquet: Path, rate: int, seconds: int) -> None:
    """Stream one hour of traffic at `rate`/s (micro-batches of 1,000) and print the state it leaves."""
    rules, fx = load_ruleset(), load_fx_table()
    engine = StreamingEngine(rules, fx)
    payments = _replayed_hour(parquet, rate, seconds)
    first = next(payments)
    before = _current_rss_mib()
    engine.process(first)
    wall, cpu, batch = time.perf_counter(), time.process_time(), []
    for payment in payments:
        batch.append(payment)
        if len(batch) == 1_000:
            engine.process_many(batch)
            batch.clear()
    engine.process_many(batch)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    after = _current_rss_mib()
    checkpoint = parquet.with_name("hour.ckpt")
    engine.checkpoint(checkpoint)
    print(
        f"one hour at {rate:,}/s ({engine.processed:,} payments, streamed in {wall:.0f} s, CPU {cpu:.0f} s = "
        f"{engine.processed / cpu:,.0f}/s): state {engine.state_size():,} window rows in "
        f"{sum(len(k) for k in engine.keys):,} keys; RSS {before:,.0f} -> {after:,.0f} MiB "
        f"(+{after - before:,.0f} MiB for the state), peak RSS {_current_rss_mib('VmHWM'):,.0f} MiB; "
        f"checkpoint {checkpoint.stat().st_size / 2**20:,.0f} MiB"
    )


def _current_rss_mib(field: str = "VmRSS") -> float:
    """Return this process's RSS (or with VmHWM its peak since exec: ru_maxrss would include the parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--payments", type=int, default=1_000_000, help="batch month size")
    parser.add_argument("--stream", type=int, default=200_000, help="payments pushed through the stream")
    parser.add_argument("--offered", type=int, default=3_000, help="offered rate for the latency run, per second")
    parser.add_argument("--seconds", type=int, default=20, help="length of the latency run")
    parser.add_argument("--hour-seconds", type=int, default=3_600, help="traffic kept as state (0: skip)")
    parser.add_argument("--hour-state", type=Path, help=argparse.SUPPRESS)  # the child process
    parser.add_argument("--batch-only", action="store_true", help="time the batch run and its peer only")
    parser.add_argument("--json", type=Path, help="also write the batch figures to this file (bench/targets.py)")
    args = parser.parse_args()
    if args.hour_state:
        hour_state(args.hour_state, args.offered, args.hour_seconds)
        return
    work = Path(tempfile.mkdtemp(prefix="cbec-bench-monitor-"))
    try:
        synth = generate(out_dir=work / "synth", month=MONTH, payments=args.payments, seed=5, fmt="parquet")
        store = open_store(Settings(home=work / "home"))
        ingest(store=store, feed="payments", paths=[synth.files["payments"]])
        con = read_side(store=store)
        rules, fx = load_ruleset(), load_fx_table()
        print(
            f"rule set {rules.id}@{rules.version}: {len(rules.rules)} rules; month {MONTH}: {args.payments:,} payments"
        )

        give_back_freed_memory()  # what generating and ingesting the month freed is not the run's
        peak_from_here = _reset_peak_rss()  # the synthetic data was generated in this process
        start, cpu = time.perf_counter(), time.process_time()
        alerts = run_batch(con, ruleset=rules, fx=fx, month=MONTH)
        batch_s, batch_cpu = time.perf_counter() - start, time.process_time() - cpu
        batch_peak = _peak_rss_mib()
        cpu = time.process_time()
        peer_s = _duckdb_peer(con)
        peer_cpu = time.process_time() - cpu
        print(
            f"batch: {batch_s:.1f} s (CPU {batch_cpu:.1f} s; {args.payments / batch_s:,.0f} payments/s), "
            f"{len(alerts):,} alerts; DuckDB 3-window SQL peer {peer_s:.1f} s (CPU {peer_cpu:.1f} s); "
            f"ratio {batch_s / peer_s:.2f}; "
            f"peak RSS {'during the batch run' if peak_from_here else 'so far'} {batch_peak:,.0f} MiB"
        )
        if args.json:
            figures = {"payments": args.payments, "batch_s": batch_s, "batch_cpu_s": batch_cpu, "peer_s": peer_s}
            args.json.write_text(json.dumps({**figures, "peer_cpu_s": peer_cpu, "peak_rss_mib": batch_peak}))
        if args.batch_only:
            store.close()
            return

        cursor = con.execute(
            f"SELECT * FROM payments ORDER BY initiated_at, institution_id, payment_id LIMIT {args.stream}"
        )
        names = [c[0] for c in cursor.description]
        payments = [Payment.from_row(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]
        print(_throughput(payments, rules, fx, 1))
        print(_throughput(payments, rules, fx, 1_000))

        latency = StreamingEngine(rules, fx)
        interval = 1 / args.offered
        samples: list[float] = []
        due = time.perf_counter()
        end = due + args.seconds
        for payment in payments:
            now = time.perf_counter()
            if now >= end:
                break
            if now < due:
                time.sleep(due - now)
            arrived = max(due, time.perf_counter())
            latency.process(payment)
            samples.append(time.perf_counter() - arrived)
            due += interval
        samples.sort()
        p50 = statistics.median(samples) * 1e3
        p99 = samples[int(len(samples) * 0.99) - 1] * 1e3
        print(
            f"latency at {args.offered:,}/s offered over {len(samples):,} payments: p50 {p50:.3f} ms, "
            f"p99 {p99:.3f} ms (queueing included)"
        )
        print(f"peak RSS {_rss_mib():,.0f} MiB")
        store.close()
        if args.hour_seconds:
            command = [
                sys.executable,
                __file__,
                "--hour-state",
                str(synth.files["payments"]),
                "--offered",
                str(args.offered),
                "--hour-seconds",
                str(args.hour_seconds),
            ]
            subprocess.run(command, check=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
