"""Issue 10's figures in one run: JetStream workers, the soak, the 100M batch month and Spark against DuckDB.

Each part is its own script (run here as a child process, so its peak memory is its own):
- bench/scale_stream.py: throughput with 1, 2 and 4 JetStream workers, per-worker efficiency, and the soak at a
  fixed rate with RSS and p99 latency printed every minute;
- bench/scale_batch.py: a province-month through the bounded-memory DuckDB batch path;
- bench/scale_spark.py: the same rules on Spark local[*] and on DuckDB, their ratio and whether the alerts agree.

`python bench/scale.py` runs the issue's sizes (hours: 100M payments, a 30-minute soak, 10M on Spark);
`--quick` runs small ones to see that everything works (minutes). `--parts` picks parts.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

FULL = {
    "stream": ["--payments", "400000", "--workers", "1,2,4", "--soak-minutes", "30", "--rate", "3000"],
    "batch": ["--payments", "100000000", "--memory-mb", "6000"],
    "spark": ["--payments", "10000000", "--driver-memory", "10g"],  # as measured in docs/spark.md
}
QUICK = {
    "stream": ["--payments", "50000", "--workers", "1,2,4", "--soak-minutes", "1", "--rate", "3000"],
    "batch": ["--payments", "1000000", "--memory-mb", "600"],
    "spark": ["--payments", "200000"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", default="stream,batch,spark", help="comma-separated: stream, batch, spark")
    parser.add_argument("--quick", action="store_true", help="small sizes, to check the parts run")
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = sorted(set(parts) - set(sizes))
    if unknown:
        parser.error(f"unknown part(s) {', '.join(unknown)}; choose from {', '.join(sizes)}")
    failed: list[str] = []
    for part in parts:
        command = [sys.executable, str(HERE / f"scale_{part}.py"), *sizes[part]]
        print(f"\n=== {part}: {' '.join(command[1:])}", flush=True)
        started = time.perf_counter()
        code = subprocess.call(command)
        print(f"=== {part}: exit {code} after {time.perf_counter() - started:,.0f} s", flush=True)
        if code:
            failed.append(part)
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
