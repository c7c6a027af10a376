"""Issue 24's table of speed targets, measured: one line per target, ending in `met` or `missed`.

Usage: python bench/targets.py [--quick] [--only report,api,stream,batch,model,test]
Each row runs the bench that measures it (bench/report.py, api.py, scale_stream.py, monitor.py, model.py) in its
own process with `--json`, prints that bench's own output indented, then the row's verdict. Without --quick the
sizes are the issue's (10M-payment report, 1M alerts on PostgreSQL, ...); with --quick every row runs on data sized
so that the whole run ends in about 20 minutes on a 2-core machine, and a target stated for a size (the report's
12 s at 10M payments) is scaled linearly to the size measured, which the line says. `make test` (the commands of
its lint, typecheck and pytest steps, nothing installed) runs in the full run only; --quick prints it skipped.
The API row needs wrk (`make bench-deps`). Wall-clock figures depend on the machine's load: the benches print CPU
seconds beside them, and the load average is printed here first.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

Figures = dict[str, Any]


@dataclass(frozen=True)
class Verdict:
    """One target's line: what was measured, what was wanted, and whether it was met."""

    target: str
    measured: str
    wanted: str
    met: bool

    def line(self) -> str:
        return f"{self.target:<44} {self.measured:<46} target {self.wanted:<30} {'met' if self.met else 'missed'}"


@dataclass(frozen=True)
class Row:
    """A bench run (its arguments at full and quick size) and how its figures become verdicts."""

    name: str
    script: str
    full: list[str]
    quick: list[str]
    judge: Callable[[Figures, bool], list[Verdict]]


def _report(figures: Figures, quick: bool) -> list[Verdict]:
    payments, build = int(figures["payments"]), float(figures["build_s"])
    wanted = 12.0 * payments / 10_000_000
    scaled = " (12 s at 10M, scaled linearly)" if payments != 10_000_000 else ""
    measured = (
        f"{build:.2f} s at {payments:,} payments (CPU {figures['build_cpu_s']:.2f} s; "
        f"{build / float(figures.get('scan_s', figures['peer_s'])):.1f}x DuckDB's scan of its columns)"
    )
    return [Verdict("monthly report build", measured, f"<= {wanted:.2f} s{scaled}", build <= wanted)]


def _api(figures: Figures, quick: bool) -> list[Verdict]:
    verdicts = []
    page = figures.get("alerts_page")
    if page:
        verdicts.append(
            Verdict(
                f"alert list GET /alerts?limit=50 ({figures['database']})",
                f"{page['rate']:,.0f} req/s, p99 {page['p99_ms']:.1f} ms, {figures['alerts']:,} alerts",
                ">= 500 req/s, p99 <= 50 ms (1M alerts)",
                page["rate"] >= 500 and page["p99_ms"] <= 50,
            )
        )
    web = figures.get("alerts_web")
    if web:
        verdicts.append(
            Verdict(
                f"alert list page GET /alerts ({figures['database']})",
                f"{web['rate']:,.0f} req/s, p99 {web['p99_ms']:.1f} ms, {figures['alerts']:,} alerts",
                ">= 500 req/s, p99 <= 50 ms (1M alerts)",
                web["rate"] >= 500 and web["p99_ms"] <= 50,
            )
        )
    score = figures.get("score")
    if score:
        verdicts.append(
            Verdict(
                f"scoring POST /payments/score, {figures['workers']} workers",
                f"{score['rate']:,.0f} req/s, p99 {score['p99_ms']:.1f} ms",
                ">= 2,000 req/s, p99 <= 20 ms",
                score["rate"] >= 2_000 and score["p99_ms"] <= 20,
            )
        )
    return verdicts


def _stream(figures: Figures, quick: bool) -> list[Verdict]:
    rates = {int(k): float(v) for k, v in figures["rates"].items()}
    one, two = rates[1], rates[2]
    size = f"{figures['payments']:,} payments"
    return [
        Verdict("JetStream worker, 1 worker", f"{one:,.0f} payments/s ({size})", ">= 25,000 payments/s", one >= 25_000),
        Verdict(
            "JetStream workers, 2 against 1",
            f"{two:,.0f} payments/s = {two / one:.2f}x one",
            ">= 1.6x",
            two >= 1.6 * one,
        ),
    ]


def _batch(figures: Figures, quick: bool) -> list[Verdict]:
    ratio = float(figures["batch_s"]) / float(figures["peer_s"])
    size = f"{figures['payments']:,} payments"
    return [
        Verdict(
            "batch rules / DuckDB peer",
            f"ratio {ratio:.2f} ({figures['batch_s']:.1f} s / {figures['peer_s']:.1f} s, {size})",
            "<= 1.5 (at 10M)",
            ratio <= 1.5,
        ),
        Verdict(
            "batch rules, peak RSS",
            f"{figures['peak_rss_mib']:,.0f} MiB ({size})",
            "<= 4 GB (at 10M)",
            figures["peak_rss_mib"] <= 4_096,
        ),
    ]


def _model(figures: Figures, quick: bool) -> list[Verdict]:
    month = figures["month"]
    rate = month["scored"] / month["wall_s"]
    return [
        Verdict(
            "learned model, a month with its context",
            f"{rate:,.0f} scored/s ({month['scored']:,} scored, CPU {month['cpu_s']:.1f} s)",
            ">= 100,000 scored payments/s",
            rate >= 100_000,
        )
    ]


ROWS = [
    Row("report", "report.py", ["--payments", "10000000"], ["--payments", "100000"], _report),
    Row(
        "api",
        "api.py",
        [
            "--database",
            "postgresql",
            "--alerts",
            "1000000",
            "--enterprises",
            "40000",
            "--workers",
            "2",
            "--seconds",
            "15",
        ],
        [
            "--database",
            "postgresql",
            "--alerts",
            "100000",
            "--enterprises",
            "4000",
            "--workers",
            "2",
            "--seconds",
            "5",
            "--payments",
            "5000",
        ],
        _api,
    ),
    Row(
        "stream",
        "scale_stream.py",
        ["--payments", "200000", "--workers", "1,2"],
        ["--payments", "20000", "--workers", "1,2"],
        _stream,
    ),
    Row(
        "batch",
        "monitor.py",
        ["--batch-only", "--payments", "10000000"],
        ["--batch-only", "--payments", "200000"],
        _batch,
    ),
    Row(
        "model",
        "model.py",
        ["--scenarios", "month", "--sample", "0"],
        ["--scenarios", "month", "--sample", "0"],
        _model,
    ),
]


def _run(row: Row, quick: bool, folder: Path) -> list[Verdict]:
    out = folder / f"{row.name}.json"
    command = [sys.executable, str(HERE / row.script), *(row.quick if quick else row.full), "--json", str(out)]
    print(f"\n$ {' '.join(command[1:])}", flush=True)
    started, cpu = time.perf_counter(), os.times()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    wall, after = time.perf_counter() - started, os.times()
    print("  " + "\n  ".join(done.stdout.rstrip().splitlines()))
    children = after.children_user + after.children_system - cpu.children_user - cpu.children_system
    print(f"  ({wall:.0f} s wall, {children:.0f} s CPU of its processes)")
    if done.returncode != 0 or not out.exists():
        print("  " + "\n  ".join(done.stderr.rstrip().splitlines()[-15:]))
        return [Verdict(row.name, f"bench failed (exit {done.returncode})", "-", False)]
    return row.judge(json.loads(out.read_text()), quick)


def _make_test(quick: bool) -> Verdict:
    if quick:
        return Verdict("make test (after installs, 2 cores)", "skipped in --quick", "<= 8 min", False)
    # `make test` after installs: the commands of its lint, typecheck and pytest steps (Makefile), run with this
    # interpreter's environment; make itself is not called, since it would reinstall a stale environment first.
    bin_ = Path(sys.prefix) / "bin"
    postgres = {"CBEC_TEST_STORE": "postgresql"}
    steps: list[tuple[list[str], dict[str, str]]] = [
        ([str(bin_ / "ruff"), "check", "src", "tests", "bench"], {}),
        ([str(bin_ / "ruff"), "format", "--check", "src", "tests", "bench"], {}),
        ([str(bin_ / "lint-imports")], {}),
        ([str(bin_ / "bandit"), "-q", "-c", "pyproject.toml", "-r", "src"], {}),
        ([str(bin_ / "mypy")], {}),
        ([str(bin_ / "pytest"), "-n", "2", "-q"], {}),
        ([str(bin_ / "pytest"), "-n", "2", "-q", "tests/integration", "tests/e2e"], postgres),
    ]
    started, failed = time.perf_counter(), list[str]()
    for command, env in steps:
        done = subprocess.run(command, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            failed.append(Path(command[0]).name)
    minutes = (time.perf_counter() - started) / 60
    result = "passed" if not failed else f"FAILED: {', '.join(failed)}"
    return Verdict(
        "make test (after installs, 2 cores)",
        f"{minutes:.1f} min, {result}",
        "<= 8 min and passing",
        minutes <= 8 and not failed,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="reduced sizes: the whole run in about 20 minutes")
    parser.add_argument("--only", default="", help="comma-separated rows: " + ",".join(r.name for r in ROWS) + ",test")
    args = parser.parse_args()
    chosen = set(args.only.split(",")) if args.only else {r.name for r in ROWS} | {"test"}
    print(f"cores {os.cpu_count()}; load average {os.getloadavg()[0]:.1f} (wall-clock figures depend on it)")
    verdicts: list[Verdict] = []
    with tempfile.TemporaryDirectory(prefix="cbec-targets-") as folder:
        for row in ROWS:
            if row.name in chosen:
                verdicts += _run(row, args.quick, Path(folder))
    if "test" in chosen:
        verdict = _make_test(args.quick)
        verdicts.append(verdict)
    print(
        f"\n== issue 24 targets ({'quick' if args.quick else 'full'} sizes; load average {os.getloadavg()[0]:.1f}) =="
    )
    for verdict in verdicts:
        line = verdict.line()
        if verdict.measured.startswith("skipped"):
            line = line.rsplit(" ", 1)[0] + " skipped"
        print(line)


if __name__ == "__main__":
    main()
