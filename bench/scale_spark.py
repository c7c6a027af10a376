"""A month through the batch path on DuckDB and on Spark local[*], printed: seconds, peak memory, the ratio.

Usage: python bench/scale_spark.py [--payments 1000000] [--month 2026-10] [--out bench/out/scale_spark]
                                    [--spark-master local[*]] [--driver-memory 3g] [--skip-duckdb]
- Generates the synthetic month once (cbec synth, payments only) and loads it through the feed service into
  a lake under --out/<payments>; a later run with the same size reuses it.
- DuckDB: run_batch over the month with every shipped rule (the default backend), in this process.
- Spark: run_batch_spark over the same Parquet files (local[*] unless told), after the session has started
  (its start-up is printed apart); peak memory is the JVM's peak RSS plus this process's.
- Checks that both give the same alerts (ids, observed values, payments), and prints Spark/DuckDB.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from cbec.config import Settings
from cbec.core.money import load_fx_table
from cbec.feeds.service import ingest, read_side
from cbec.feeds.spark_views import spark_read_side
from cbec.monitoring.batch.driver import run_batch
from cbec.monitoring.batch.spark.driver import run_batch_spark
from cbec.monitoring.engine import Alert
from cbec.monitoring.rules.parser import load_ruleset
from cbec.storage.spark import spark_session
from cbec.storage.store import open_store
from cbec.synth import generate


def _peak_mib(pid: str = "self", reset: bool = False) -> float:
    """Return a process's peak RSS (Linux VmHWM) in MiB; reset it first when asked."""
    if reset:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _month(out: Path, payments: int, month: str) -> Settings:
    """Return the settings of a lake holding the synthetic month, generating and loading it when missing."""
    settings = Settings(home=out / f"{payments}" / "home")
    store = open_store(settings)
    try:
        if not store.lake.files("payments"):
            started = time.perf_counter()
            synth = generate(
                out_dir=out / f"{payments}" / "synth", month=month, payments=payments, seed=5, fmt="parquet"
            )
            ingest(store=store, feed="payments", paths=[synth.files["payments"]])
            print(f"generated and loaded {payments:,} payments in {time.perf_counter() - started:.0f} s")
    finally:
        store.close()
    return settings


def _essence(alerts: list[Alert]) -> dict[str, tuple[object, ...]]:
    return {a.alert_id: (a.observed, a.payments, a.payment_count, a.first_at, a.last_at) for a in alerts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=1_000_000)
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--out", type=Path, default=Path("bench/out/scale_spark"))
    parser.add_argument("--spark-master", default="local[*]")
    parser.add_argument("--driver-memory", default="3g")
    parser.add_argument("--shuffle-partitions", type=int, default=16)
    parser.add_argument("--skip-duckdb", action="store_true")
    args = parser.parse_args()
    settings = _month(args.out, args.payments, args.month).model_copy(
        update={
            "spark_master": args.spark_master,
            "spark_driver_memory": args.driver_memory,
            "spark_shuffle_partitions": args.shuffle_partitions,
        }
    )
    rules, fx = load_ruleset(), load_fx_table()
    store = open_store(settings)
    print(f"batch month {args.month}: {args.payments:,} payments, {len(rules.rules)} rules")
    duck: list[Alert] | None = None
    if not args.skip_duckdb:
        con = read_side(store=store)
        _peak_mib(reset=True)
        started = time.perf_counter()
        duck = run_batch(con, ruleset=rules, fx=fx, month=args.month)
        duck_s, duck_mib = time.perf_counter() - started, _peak_mib()
        con.close()
        print(f"  duckdb : {duck_s:8.1f} s  peak {duck_mib:7.0f} MiB  {len(duck):,} alerts")
    started = time.perf_counter()
    spark = spark_session(settings)
    jvm = str(spark.sparkContext._gateway.proc.pid)  # type: ignore[attr-defined]  # the local JVM
    spark_read_side(store=store, spark=spark)
    print(f"  spark session start {time.perf_counter() - started:.1f} s ({args.spark_master})")
    _peak_mib(reset=True)
    _peak_mib(jvm, reset=True)
    started = time.perf_counter()
    found = run_batch_spark(spark, spark.table("payments"), ruleset=rules, fx=fx, month=args.month)
    spark_s = time.perf_counter() - started
    spark_mib = _peak_mib(jvm) + _peak_mib()
    print(f"  spark  : {spark_s:8.1f} s  peak {spark_mib:7.0f} MiB  {len(found):,} alerts (JVM + Python)")
    if duck is not None:
        same = _essence(duck) == _essence(found) and {a.alert_id: a for a in duck} == {a.alert_id: a for a in found}
        print(f"  ratio spark/duckdb: {spark_s / duck_s:.1f}x time, {spark_mib / duck_mib:.1f}x peak memory")
        print(f"  alerts equal: {same}")
    spark.stop()
    store.close()


if __name__ == "__main__":
    main()
