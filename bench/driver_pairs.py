"""Pair for pair, the whole matrix printed: every driver's exported (payment, rule) pairs on synthetic months.

Usage: python bench/driver_pairs.py [--seeds 7,11,23] [--minutes 11,23] [--payments 10000] [--partitions 1,2,3]
                                    [--batches 1,200,1000] [--no-spark]
For each seed: a month as generated (`--minutes`: initiated_at cut to the minute, so that many payments share an
instant and arrive in the generator's order), the DuckDB batch driver's pairs as the reference, then the Spark batch
driver, the streaming driver with every micro-batch size and JetStream workers for every partition count and
micro-batch size, each on a fresh home (SQLite) and, for the workers, a fresh stream on the local NATS (deleted
afterwards). Prints one line per run: its pairs, how many the reference lacks and how many it lacks. Exits 1 when
any run differs. The helpers are the suite's (tests/integration/monitoring/driver_pairs.py).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.integration.monitoring.driver_pairs import (
    Pairs,
    batch_pairs,
    month_file,
    out_of_order,
    stream_pairs,
    worker_pairs,
)


def _ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part]


def _pairs(root: Path, path: Path, kind: str, name: str, partitions: int, batch: int) -> Pairs:
    """Run one driver over the month's file on a fresh home; return its exported pairs."""
    if kind == "batch":
        return batch_pairs(root, path, "spark" if name.endswith("spark") else "duckdb")
    if kind == "stream":
        return stream_pairs(root, path, batch)
    return worker_pairs(root, path, partitions, batch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", default="7,11,23")
    parser.add_argument("--minutes", default="11,23", help="seeds whose initiated_at is cut to the minute")
    parser.add_argument("--payments", type=int, default=10_000)
    parser.add_argument("--partitions", default="1,2,3")
    parser.add_argument("--batches", default="1,200,1000")
    parser.add_argument("--no-spark", action="store_true")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="cbec-pairs-"))
    started, differing = time.perf_counter(), 0
    print(f"{'month':<22} {'driver':<28} {'pairs':>6} {'extra':>6} {'missing':>8} {'seconds':>8}")
    try:
        for seed in _ints(args.seeds):
            minutes = seed in _ints(args.minutes)
            path = month_file(root, seed, args.payments, minutes=minutes)
            ties, earlier = out_of_order(path)
            month = f"seed {seed} ({'minute' if minutes else 'second'})"
            print(f"{month}: {args.payments:,} payments, {ties} ties after a later position, {earlier} earlier")
            runs = [("batch", "batch duckdb", 0, 0)] + ([] if args.no_spark else [("batch", "batch spark", 0, 0)])
            runs += [("stream", f"stream batch {b}", 0, b) for b in _ints(args.batches)]
            runs += [
                ("workers", f"workers {m} x batch {b}", m, b)
                for m in _ints(args.partitions)
                for b in _ints(args.batches)
            ]
            reference: Pairs | None = None
            for kind, name, partitions, batch in runs:
                clock = time.perf_counter()
                pairs = _pairs(root, path, kind, name, partitions, batch)
                reference = pairs if reference is None else reference
                extra, missing = len(pairs - reference), len(reference - pairs)
                differing += bool(extra or missing)
                seconds = time.perf_counter() - clock
                print(f"{month:<22} {name:<28} {len(pairs):>6} {extra:>6} {missing:>8} {seconds:>8.1f}", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"{differing} run(s) differ from the DuckDB batch driver; {time.perf_counter() - started:.0f} s in all")
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
