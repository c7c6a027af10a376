"""Benchmark: payments validated and stored per second, from CSV and from Parquet, against a plain DuckDB load.

Usage: python bench/ingest.py [--rows 1000000]. Prints rows/s for cbec's validated, versioned, quarantining
load and for `duckdb.read_csv` + insert of the same file (no validation, no key checks), and their ratio.
Target (issue 2): at least 200,000 rows/s validated from Parquet.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from cbec.config import Settings
from cbec.feeds.service import ingest
from cbec.storage.store import open_store
from cbec.synth.service import generate


def _timed_cbec(path: Path, home: Path) -> tuple[float, int, int, int]:
    store = open_store(Settings(home=home))
    start = time.perf_counter()
    (report,) = ingest(store=store, feed="payments", paths=[path])
    elapsed = time.perf_counter() - start
    store.close()
    return elapsed, report.read, report.accepted, report.quarantined


def _timed_duckdb(path: Path, kind: str) -> tuple[float, int]:
    con = duckdb.connect(str(path.parent / f"plain-{kind}.duckdb"))
    start = time.perf_counter()
    reader = f"read_csv('{path}', all_varchar = true)" if kind == "csv" else f"read_parquet('{path}')"
    con.execute(f"CREATE TABLE payments AS SELECT * FROM {reader}")
    rows = con.execute("SELECT count(*) FROM payments").fetchone()
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed, int(rows[0]) if rows else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cbec-bench-ingest-"))
    print(f"generating {args.rows:,} synthetic payments in {work} ...", flush=True)
    files = {}
    for fmt in ("csv", "parquet"):
        result = generate(out_dir=work / fmt, month="2026-10", payments=args.rows, seed=11, fmt=fmt)
        files[fmt] = result.files["payments"]
    print(
        f"{'source':<8} {'rows':>10} {'cbec s':>8} {'cbec rows/s':>12} "
        f"{'duckdb s':>9} {'duckdb rows/s':>14} {'ratio':>6}"
    )
    for fmt, path in files.items():
        seconds, read, accepted, quarantined = _timed_cbec(path, work / f"home-{fmt}")
        plain_seconds, plain_rows = _timed_duckdb(path, fmt)
        assert plain_rows == read, (plain_rows, read)
        rate, plain_rate = read / seconds, plain_rows / plain_seconds
        print(
            f"{fmt:<8} {read:>10,} {seconds:>8.2f} {rate:>12,.0f} {plain_seconds:>9.2f} {plain_rate:>14,.0f}"
            f" {seconds / plain_seconds:>5.1f}x  (accepted {accepted:,}, quarantined {quarantined:,})"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:,.0f} MiB; ratio = cbec time / plain DuckDB time (lower is better)")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
