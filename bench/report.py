"""Speed of the monthly report's build step (data from the lake), printed, with the extrapolation to 100M payments.

Usage: python bench/report.py [--payments 1000000] [--render]
A synthetic month of N payments with all its documents and registers is generated (Parquet), loaded and monitored
(not timed); then the report's build step is timed section by section, beside a peer measured in the same run: one
plain DuckDB pass over the month's payments (count and sum per channel), the least any summary must read.
The issue's target: <= 2 minutes to build the report of a 100M-payment province-month on this machine; the
extrapolation is linear in the number of payments (every section reads the month's rows, or fewer).
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from datetime import datetime
from pathlib import Path

from cbec.config import Settings
from cbec.core.clock import SHANGHAI
from cbec.feeds.catalog import FEEDS
from cbec.feeds.service import ingest, read_side
from cbec.monitoring import service as monitoring
from cbec.reports.render import render_html, render_pdf
from cbec.reports.sections import build_report
from cbec.stats import service as stats
from cbec.storage.store import open_store
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--payments", type=int, default=1_000_000, help="payments in the month")
    parser.add_argument("--render", action="store_true", help="also time the rendering (charts, HTML, PDF)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file (for bench/targets.py)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cbec-bench-report-"))
    try:
        started = time.perf_counter()
        synth = generate(out_dir=work / "synth", month=MONTH, payments=args.payments, seed=11, fmt="parquet")
        store = open_store(Settings(home=work / "home"))
        for spec in sorted(FEEDS.values(), key=lambda s: s.sink != "db"):
            ingest(store=store, feed=spec.name, paths=[synth.files[spec.name]])
        summary = monitoring.run_month(store=store, month=MONTH)
        stats.load_official(store=store)
        print(
            f"setup (not timed): {args.payments:,} payments generated, loaded and monitored "
            f"({summary.detected:,} alerts) in {time.perf_counter() - started:.0f} s"
        )

        peer, scan = _peer(store)
        start, cpu = time.perf_counter(), time.process_time()
        data = build_report(store=store, month=MONTH, now=datetime.now(SHANGHAI))
        build_s, cpu_s = time.perf_counter() - start, time.process_time() - cpu
        factor = PROVINCE_MONTH / args.payments
        print(
            f"build: {build_s:.2f} s (CPU {cpu_s:.2f} s) for {args.payments:,} payments "
            f"({args.payments / build_s:,.0f} payments/s)"
        )
        for key, seconds in data.seconds.items():
            print(f"  {key:<11} {seconds:7.2f} s  -> {seconds * factor:8.0f} s at 100M")
        print(
            f"peers: one DuckDB pass over the month's payments (count and sum per channel) {peer:.2f} s, build / peer "
            f"= {build_s / peer:.1f}; DuckDB's scan of the {len(REPORT_COLUMNS)} columns the report reads "
            f"{scan:.2f} s, build / scan = {build_s / scan:.1f}"
        )
        print(
            f"extrapolated to {PROVINCE_MONTH:,} payments (linear): {build_s * factor:.0f} s "
            f"(target <= 120 s: {'met' if build_s * factor <= 120 else 'NOT met'})"
        )
        if args.json:
            figures = {
                "payments": args.payments,
                "build_s": build_s,
                "build_cpu_s": cpu_s,
                "peer_s": peer,
                "scan_s": scan,
            }
            args.json.write_text(json.dumps({**figures, "sections": data.seconds}))
        if args.render:
            start = time.perf_counter()
            pdf = render_pdf(render_html(data, lang="zh", out_dir=work / "out"))
            print(
                f"render (charts, HTML, PDF; does not grow with payments): {time.perf_counter() - start:.1f} s, "
                f"{pdf.stat().st_size / 1e6:.1f} MB"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
