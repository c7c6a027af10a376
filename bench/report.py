"""Speed of the monthly report's build step (data from the lake), printed, with the extrapolation to 100M payments.

Usage: python bench/report.py [--payments 1000000] [--slope-from 300000] [--render] [--json FILE]
A synthetic month of N payments with all its documents and registers is generated (Parquet), loaded and monitored
(not timed); then the report's build step is timed section by section twice: from the raw rows (a month whose
rollups are not written yet: the build writes them) and from the rollups (as after `cbec monitor run`), beside peers
measured in the same run: one plain DuckDB pass over the month's payments (count and sum per channel), and DuckDB's
scan of every payments column the report reads (the floor of a report that reads the raw month).
The issue's target: <= 2 minutes to build the report of a 100M-payment province-month on this machine. With
--slope-from, the month is also measured at a smaller size and each section is extrapolated by its own slope
(a section that does not grow with the payments stays as it is); without it, the linear bound is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cbec.config import Settings
from cbec.core.clock import SHANGHAI
from cbec.feeds.catalog import FEEDS
from cbec.feeds.service import ingest, read_side
from cbec.monitoring import service as monitoring
from cbec.reports.render import render_html, render_pdf
from cbec.reports.sections import ReportData, build_report
from cbec.stats import service as stats
from cbec.storage.store import Store, open_store
from cbec.synth import generate

MONTH = "2026-10"
PROVINCE_MONTH = 100_000_000


# The payments columns the report's sections read (summary, ratings, settlement, complaints by order).
REPORT_COLUMNS = (
    "institution_id",
    "payment_id",
    "channel",
    "direction",
    "enterprise_id",
    "payer_country",
    "payee_country",
    "amount",
    "currency",
    "initiated_at",
    "confirmed_at",
    "status",
    "order_id",
)


def _peer(store: object) -> tuple[float, float]:
    """Return DuckDB's seconds for one pass over the month's payments: count and sum per channel; and a pass
    that reads every column the report needs (the physical floor of a report that reads the raw month)."""
    con = read_side(store=store)  # type: ignore[arg-type]
    start = time.perf_counter()
    con.execute(
        f"SELECT channel, count(*), sum(amount) FROM payments WHERE month = '{MONTH}' GROUP BY channel"
    ).fetchall()
    channel = time.perf_counter() - start
    touched = (
        ", ".join(f"count(DISTINCT hash({c}))" for c in REPORT_COLUMNS[:3])
        + ", "
        + ", ".join(f"max({c})" for c in REPORT_COLUMNS[3:])
    )
    start = time.perf_counter()
    con.execute(f"SELECT {touched} FROM payments WHERE month = '{MONTH}'").fetchall()
    columns = time.perf_counter() - start
    con.close()
    return channel, columns


def _month(work: Path, payments: int) -> Store:
    """Generate, load and monitor a month of N payments (not timed); return its store."""
    started = time.perf_counter()
    synth = generate(out_dir=work / "synth", month=MONTH, payments=payments, seed=11, fmt="parquet")
    store = open_store(Settings(home=work / "home"))
    for spec in sorted(FEEDS.values(), key=lambda s: s.sink != "db"):
        ingest(store=store, feed=spec.name, paths=[synth.files[spec.name]])
    summary = monitoring.run_month(store=store, month=MONTH)
    stats.load_official(store=store)
    print(
        f"setup (not timed): {payments:,} payments generated, loaded and monitored "
        f"({summary.detected:,} alerts) in {time.perf_counter() - started:.0f} s"
    )
    return store


def _build(store: Store) -> Build:
    start, cpu = time.perf_counter(), time.process_time()
    data = build_report(store=store, month=MONTH, now=datetime.now(SHANGHAI))
    return Build(time.perf_counter() - start, time.process_time() - cpu, data)


@dataclass(frozen=True)
class Build:
    """One timed build: wall and CPU seconds, and the data (with each section's seconds)."""

    seconds: float
    cpu: float
    data: ReportData


@dataclass(frozen=True)
class Point:
    """What one size measured: the build from raw rows (writing the rollups), the build from rollups, peers."""

    payments: int
    raw: Build
    kept: Build
    peer: float
    scan: float


def _measure(payments: int) -> Point:
    work = Path(tempfile.mkdtemp(prefix="cbec-bench-report-"))
    try:
        store = _month(work, payments)
        peer, scan = _peer(store)
        raw = _build(store)  # a month without rollups: the sections read raw rows and write them
        kept = _build(store)  # as after `cbec monitor run`, which writes them (reports.service.write_rollups)
        if raw.data.sections != kept.data.sections:
            raise SystemExit("the build from rollups differs from the build from raw rows")
        return Point(payments, raw, kept, peer, scan)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _print(point: Point) -> None:
    n = point.payments
    for label, build in (("from raw rows (a month not monitored yet)", point.raw), ("from rollups", point.kept)):
        print(f"build {label}: {build.seconds:.2f} s (CPU {build.cpu:.2f} s) for {n:,} payments")
    print(f"  {'section':<11} {'raw s':>7} {'raw CPU':>8} {'kept s':>7} {'kept CPU':>9}")
    for key, seconds in point.kept.data.seconds.items():
        raw, kept = point.raw.data, point.kept.data
        print(f"  {key:<11} {raw.seconds[key]:7.2f} {raw.cpu_seconds[key]:8.2f}", end="")
        print(f" {seconds:7.2f} {kept.cpu_seconds[key]:9.2f}")
    print(
        f"peers: one DuckDB pass over the month's payments (count and sum per channel) {point.peer:.2f} s; DuckDB's "
        f"scan of the {len(REPORT_COLUMNS)} columns the report reads {point.scan:.2f} s (the floor of a report that "
        f"reads the raw month); build / scan = {point.kept.seconds / point.scan:.1f} from rollups, "
        f"{point.raw.seconds / point.scan:.1f} from raw rows"
    )


def _at_province(before: float, after: float, small: int, large: int) -> float:
    """Return seconds at 100M payments from the slope between two sizes (a section that did not grow is fixed)."""
    slope = max(0.0, (after - before) / (large - small))
    return after + slope * (PROVINCE_MONTH - large)


def _extrapolate(small: Point, large: Point, which: str) -> tuple[float, float]:
    """Print each section at 100M payments by its own slope, in wall and in CPU seconds; return both totals.

    On a shared machine the wall seconds carry the other sessions' load; the CPU seconds (this process's, DuckDB's
    threads included) are what the build itself spent, and on 2 idle cores its wall time lies between CPU / 2 and CPU.
    """
    a, b = getattr(small, which).data, getattr(large, which).data
    n, m = small.payments, large.payments
    print(f"{PROVINCE_MONTH:,} payments, build {which}, each section by its slope {n:,} -> {m:,} payments:")
    print(f"  {'section':<11} {'wall s':>16} {'at 100M':>8}   {'CPU s':>16} {'at 100M':>8}")
    wall = cpu = 0.0
    for key in b.seconds:
        w = _at_province(a.seconds[key], b.seconds[key], n, m)
        c = _at_province(a.cpu_seconds[key], b.cpu_seconds[key], n, m)
        print(
            f"  {key:<11} {a.seconds[key]:7.2f} -> {b.seconds[key]:6.2f} {w:8.1f}   "
            f"{a.cpu_seconds[key]:7.2f} -> {b.cpu_seconds[key]:6.2f} {c:8.1f}"
        )
        wall, cpu = wall + w, cpu + c
    print(f"  total at 100M: wall {wall:.0f} s, CPU {cpu:.0f} s (target <= 120 s)")
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--payments", type=int, default=1_000_000, help="payments in the month")
    parser.add_argument(
        "--slope-from", type=int, help="also measure at this smaller size and extrapolate each section by its slope"
    )
    parser.add_argument("--render", action="store_true", help="also time the rendering (charts, HTML, PDF)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file (for bench/targets.py)")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    small = _measure(args.slope_from) if args.slope_from else None
    if small:
        _print(small)
    point = _measure(args.payments)
    _print(point)
    if small:
        _extrapolate(small, point, "raw")  # what monitoring a month adds (the rollups), or its first report
        _extrapolate(small, point, "kept")
    else:
        factor = PROVINCE_MONTH / args.payments
        print(
            f"extrapolated to {PROVINCE_MONTH:,} payments as if every section grew linearly (an upper bound; "
            f"--slope-from measures which do): {point.kept.seconds * factor:.0f} s"
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.json:
        figures = {
            "payments": args.payments,
            "build_s": point.kept.seconds,
            "build_cpu_s": point.kept.cpu,
            "raw_build_s": point.raw.seconds,
            "raw_build_cpu_s": point.raw.cpu,
            "peer_s": point.peer,
            "scan_s": point.scan,
        }
        args.json.write_text(json.dumps({**figures, "sections": point.kept.data.seconds}))
    if args.render:
        start = time.perf_counter()
        pdf = render_pdf(render_html(point.kept.data, lang="zh", out_dir=Path(tempfile.mkdtemp(prefix="cbec-render-"))))
        print(
            f"render (charts, HTML, PDF; does not grow with payments): {time.perf_counter() - start:.1f} s, "
            f"{pdf.stat().st_size / 1e6:.1f} MB"
        )


if __name__ == "__main__":
    main()
