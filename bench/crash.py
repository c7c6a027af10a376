"""Crash safety, the full run: kill -9 each target's real `cbec` process at seeded random moments, restart, verify.

Usage: python bench/crash.py [--targets ingester,report,worker] [--kills 20] [--seed 1] [--rows 10000]
                             [--store sqlite|postgresql|sqlite,postgresql] [--work DIR] [--keep-failed]
For each target and store: prepare the inputs and a template home, time one clean run (the reference), then N times
clone the template, start the process, SIGKILL it after a random delay (one in each of N equal slices of the clean
run time), restart it to completion and compare with the reference (cbec.crash.targets: what each target checks).
Prints one line per run and a table: target, store, kills, kills that left half-done work, rows lost, duplicate
rows, duplicate alerts/records, the longest restart. Exits 1 when any run lost, doubled or broke anything.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from cbec.crash.drill import DrillResult, run_drill, table
from cbec.crash.homes import PostgresBackend, backend
from cbec.crash.targets import get_target, targets


def main() -> None:
    known = ",".join(targets())
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--targets", default=known, help=f"comma-separated, of: {known}")
    parser.add_argument("--kills", type=int, default=20, help="kills per target and store")
    parser.add_argument("--seed", type=int, default=1, help="seed of the kill moments")
    parser.add_argument("--rows", type=int, default=10_000, help="payments in the synthetic month (>= 1000)")
    parser.add_argument("--store", default="sqlite", help="sqlite, postgresql or both comma-separated")
    parser.add_argument("--postgres-url", default=None, help="admin URL (default: CBEC_TEST_POSTGRES_URL or local)")
    parser.add_argument("--work", type=Path, default=None, help="working folder (default: a temporary one)")
    parser.add_argument("--keep-failed", action="store_true", help="keep the homes of failed runs to look at")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="cbec-crash-"))
    results: list[DrillResult] = []
    started = time.perf_counter()
    try:
        for store in args.store.split(","):
            for name in args.targets.split(","):
                chosen = backend(store, args.postgres_url)
                try:
                    results.append(
                        run_drill(
                            get_target(name),
                            chosen,
                            work=work / f"{name}-{store}",
                            kills=args.kills,
                            seed=args.seed,
                            rows=args.rows,
                            keep_failed=args.keep_failed,
                            log=lambda line: print(line, flush=True),
                        )
                    )
                finally:
                    if isinstance(chosen, PostgresBackend) and not args.keep_failed:
                        chosen.drop_all()
    finally:
        if args.work is None and not args.keep_failed:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print(
        f"kill -9 drill: {args.kills} kills per target and store, seed {args.seed}, {args.rows:,} payments; "
        f"{time.perf_counter() - started:.0f} s in all"
    )
    print(table(results))
    problems = [f"{r.target}/{r.store} {p}" for r in results for p in r.problems]
    for problem in problems:
        print("PROBLEM:", problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
