"""Speed of the API under load from a second process (wrk) on localhost, printed.

Usage: python bench/api.py [--seconds 15] [--connections 32] [--payments 20000]
- POST /api/v1/payments/score (the streaming engine's verdict on one payment, full shipped rule set):
  requests/s, p50 and p99 (issue 7 target: >= 1,000 scores/s at p99 <= 20 ms, uvicorn, this machine).
- GET /api/v1/alerts?limit=50 (the alert queue's first page, as a regulator): requests/s, p50 and p99.
Needs Debian's `wrk` (apt install wrk). The server runs as `cbec serve` in its own process.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from cbec.auth import service as auth
from cbec.config import Settings
from cbec.feeds.service import ingest
from cbec.monitoring import service as monitoring
from cbec.storage.store import open_store
from cbec.synth import generate

HERE = Path(__file__).resolve().parent
MONTH = "2026-10"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wrk(script: str, url: str, seconds: int, connections: int, env: dict[str, str]) -> tuple[float, float, float]:
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(HERE / "lua" / script),
            url,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50, p99 = (int(v) / 1000 for v in re.search(r"CBEC p50_us=(\d+) p99_us=(\d+)", out).groups())  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        print(f"  ! {errors.group(1)} non-2xx responses")
    return rate, p50, p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=10, help="closed loop: latency includes queueing")
    parser.add_argument("--payments", type=int, default=20_000, help="synthetic month behind the alert list")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench/api.py needs wrk: apt install wrk")
    work = Path(tempfile.mkdtemp(prefix="cbec-bench-api-"))
    server = None
    try:
        settings = Settings(home=work / "home")
        synth = generate(out_dir=work / "synth", month=MONTH, payments=args.payments, seed=9)
        store = open_store(settings)
        ingest(store=store, feed="payments", paths=[synth.files["payments"]])
        summary = monitoring.run_month(store=store, month=MONTH, matching=False)
        institution = "PI-BENCH"
        auth.create_user(
            store=store,
            username="bench-pi",
            password="bench password 1",
            role="institution",
            tenant_id=institution,
        )
        auth.create_user(store=store, username="bench-reg", password="bench password 1", role="regulator-analyst")
        pi_token = auth.issue_token(store=store, username="bench-pi").token
        reg_token = auth.issue_token(store=store, username="bench-reg").token
        store.close()
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "cbec.cli.main", "serve", "--port", str(port)],
            env={**os.environ, "CBEC_HOME": str(settings.home)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if httpx.get(f"{base}/api/v1/openapi.json").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        print(
            f"uvicorn (1 worker) on {base}; month {MONTH}: {summary.payments:,} payments, {summary.new:,} alerts; "
            f"wrk 1 thread, {args.connections} connections, {args.seconds} s each"
        )
        env = {"CBEC_TOKEN": pi_token, "CBEC_INSTITUTION": institution}
        rate, p50, p99 = _wrk("score.lua", base, args.seconds, args.connections, env)
        print(
            f"POST /payments/score: {rate:,.0f} requests/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms "
            f"(target >= 1,000/s at p99 <= 20 ms)"
        )
        rate, p50, p99 = _wrk("alerts.lua", base, args.seconds, args.connections, {"CBEC_TOKEN": reg_token})
        print(f"GET /alerts?limit=50: {rate:,.0f} requests/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
