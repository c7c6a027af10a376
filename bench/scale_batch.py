"""A province-month through the batch path with bounded memory, printed (issue 10: bench/scale.py part).

Usage: python bench/scale_batch.py [--payments 100000000] [--memory-mb 6000] [--cache bench/out/scale_batch]
                                   [--threads 2] [--synth-only]
- Synthesises a month of N payments straight into the lake layout (lake/payments/month=YYYY-MM/*.parquet,
  typed as ingestion writes them), one chunk of cbec.synth at a time, so memory stays bounded; cached under
  --cache, so a rerun (or a run killed half way) reuses what is there.
- Runs the batch driver over the month with a memory budget (CBEC_BATCH_MEMORY_MB's setting): the in-memory
  path when the month fits, else hash partitions per rule key; prints seconds, payments/s, the plan, peak RSS
  of the whole process tree (DuckDB runs inside the process) and the alerts per rule.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from cbec.core.money import load_fx_table
from cbec.monitoring.batch.driver import iter_planned
from cbec.monitoring.batch.plan import plan_batch
from cbec.monitoring.rules.parser import load_ruleset
from cbec.storage.lake import connect, read_view_sql
from cbec.synth import anomalies
from cbec.synth import calibration as cal
from cbec.synth.batch import Context, PaymentCore
from cbec.synth.chunks import chunk_sizes, make_context, rng_for
from cbec.synth.documents import payments_table
from cbec.synth.month import parse_month
from cbec.synth.trade import base_payments

MONTH = "2026-10"
SEED = 5
TYPED = """
    SELECT payment_id, institution_id, channel, direction, payer_id, payee_id,
           nullif(payer_type, '') AS payer_type, nullif(payee_type, '') AS payee_type,
           payer_country, payee_country, nullif(enterprise_id, '') AS enterprise_id,
           nullif(order_id, '') AS order_id, CAST(amount AS DECIMAL(38, 6)) AS amount, currency,
           CAST(initiated_at AS TIMESTAMPTZ) AS initiated_at,
           CAST(nullif(confirmed_at, '') AS TIMESTAMPTZ) AS confirmed_at, status,
           {line} + row_number() OVER () AS _line, 1 AS _version, 1 AS _batch_id
    FROM chunk
"""


def payment_chunk(ctx: Context, chunk: int, offset: int, size: int) -> pa.Table:
    """Return the payments of one chunk exactly as cbec.synth.generate writes them (without the other feeds)."""
    rng = rng_for(ctx.seed, ctx.month.index, ctx.payments, 5, chunk)
    groups = anomalies.plan(rng, size)
    added = int(sum(groups[name].sum() for name in anomalies.GENERATORS))
    base = base_payments(rng, size - added, ctx)
    anomalies.mark_base_rows(rng, base, groups)
    core = PaymentCore.concat([base, anomalies.anomalous_rows(rng, ctx, chunk, groups)])
    core = core.take(np.argsort(core.initiated, kind="stable"))
    return payments_table(core, offset + np.arange(size, dtype=np.int64), ctx)


def synthesise(cache: Path, payments: int, seed: int = SEED) -> list[Path]:
    """Write (or reuse) the month's payments as typed Parquet in the lake layout; return the files."""
    folder = cache / f"n{payments}-s{seed}" / "lake" / "payments" / f"month={MONTH}"
    folder.mkdir(parents=True, exist_ok=True)
    chunks = chunk_sizes(payments)
    paths = [folder / f"b00000001_c{chunk:05d}_0.parquet" for chunk in range(len(chunks))]
    missing = [i for i, path in enumerate(paths) if not path.exists()]
    if not missing:
        return paths
    ctx = make_context(seed=seed, month=parse_month(MONTH), payments=payments, high_risk=cal.HIGH_RISK_COUNTRIES)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'Asia/Shanghai'")
    start = time.perf_counter()
    for done, chunk in enumerate(missing, 1):
        offset, size = chunks[chunk]
        table = payment_chunk(ctx, chunk, offset, size)
        con.register("chunk", table)
        partial = paths[chunk].with_suffix(".part")
        con.execute(f"COPY ({TYPED.format(line=offset)}) TO '{partial}' (FORMAT parquet, COMPRESSION zstd)")
        con.unregister("chunk")
        partial.replace(paths[chunk])  # a killed run leaves no half file under the final name
        if done % 20 == 0 or done == len(missing):
            rate = done * chunks[0][1] / (time.perf_counter() - start)
            print(f"  synthesised chunk {done:,}/{len(missing):,} ({rate:,.0f} payments/s)", flush=True)
    con.close()
    return paths


class PeakRss:
    """Sample the RSS of this process and its children (the whole tree) until stopped; keep the peak."""

    def __init__(self, every: float = 0.5) -> None:
        self.peak_mib = 0.0
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _tree_rss_kib(self) -> int:
        pids, total = [os.getpid()], 0
        while pids:
            pid = pids.pop()
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:
                continue
            total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
            pids += [int(child) for child in children]
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_mib = max(self.peak_mib, self._tree_rss_kib() / 1024)
            self._stop.wait(self._every)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_mib = max(self.peak_mib, self._tree_rss_kib() / 1024)


def _progress(start: float) -> Callable[[str], None]:
    def report(line: str) -> None:
        print(f"  {time.perf_counter() - start:,.0f} s: {line}; RSS {_rss_mib():,.0f} MiB", flush=True)

    return report


def _rss_mib() -> float:
    status = Path("/proc/self/status").read_text()
    return next((int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmRSS:")), 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--payments", type=int, default=100_000_000, help="payments in the month")
    parser.add_argument("--memory-mb", type=int, default=6_000, help="the batch path's memory budget")
    parser.add_argument("--threads", type=int, default=2, help="DuckDB and rule threads")
    parser.add_argument("--cache", type=Path, default=Path(__file__).parent / "out" / "scale_batch")
    parser.add_argument("--synth-only", action="store_true", help="only synthesise (or check) the month")
    args = parser.parse_args()
    start = time.perf_counter()
    files = synthesise(args.cache, args.payments)
    size_gib = sum(p.stat().st_size for p in files) / 2**30
    print(
        f"month {MONTH}: {args.payments:,} payments in {len(files):,} Parquet files, {size_gib:.2f} GiB "
        f"(ready in {time.perf_counter() - start:.0f} s)",
        flush=True,
    )
    if args.synth_only:
        return
    con = connect()
    con.execute(f"SET threads = {args.threads}")
    con.execute("SET memory_limit = '1GB'")  # DuckDB only scans here; the budget is for the rule arrays
    con.execute(f"SET temp_directory = '{args.cache / 'duckdb-tmp'}'")
    con.execute(f"CREATE VIEW payments AS SELECT * FROM {read_view_sql(files)}")
    rules, fx = load_ruleset(), load_fx_table()
    plan = plan_batch(con, ruleset=rules, month=MONTH, memory_mb=args.memory_mb)
    print(
        f"rule set {rules.id}@{rules.version}: {len(rules.rules)} "
        f"rules; budget {args.memory_mb:,} MB; {plan.describe()}"
    )
    cpu = time.process_time()
    with PeakRss() as rss:
        start = time.perf_counter()
        counts: Counter[str] = Counter()  # as cbec monitor run does: each partition's alerts kept, then let go
        for found in iter_planned(con, plan, ruleset=rules, fx=fx, month=MONTH, progress=_progress(start)):
            counts.update(alert.rule_id for alert in found)
            del found
        seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    self_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"batch: {seconds:,.1f} s ({args.payments / seconds:,.0f} payments/s; CPU {cpu:,.0f} s), "
        f"{counts.total():,} alerts; peak RSS of the process tree {rss.peak_mib:,.0f} MiB "
        f"(process high-water mark {self_peak:,.0f} MiB)"
    )
    print("alerts per rule: " + ", ".join(f"{rule} {n:,}" for rule, n in sorted(counts.items())))
    projected = seconds * 100_000_000 / args.payments
    print(f"linear projection to 100,000,000 payments: {projected / 60:,.0f} min (target <= 30 min)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
