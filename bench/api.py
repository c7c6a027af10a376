"""Speed of the API under load from a second process (wrk) on localhost, printed.

Usage: python bench/api.py [--seconds 15] [--connections 32] [--payments 20000] [--workers 1]
                           [--database sqlite|postgresql] [--alerts 0] [--enterprises 0] [--json FILE]
- POST /api/v1/payments/score (the streaming engine's verdict on one payment, full shipped rule set):
  requests/s, p50 and p99 (issue 7 target: >= 1,000 scores/s at p99 <= 20 ms, uvicorn, this machine).
- GET /api/v1/alerts?limit=50 (the alert queue's first page, as a regulator): requests/s, p50 and p99.
- GET /alerts (the web page of the alert list, its first page, in a regulator's logged-in session): the same.
- GET / (the regulator's home: the month's map, trend and breakdown), one request at a time: median and slowest of 5.
The month's institution, enterprise and platform registers are loaded, and --enterprises more registered
enterprises (a province has tens of thousands), since pages put registered names beside codes.
Needs Debian's `wrk` (apt install wrk). The server runs as `cbec serve --workers W` in its own process, on a fresh
SQLite home or a throw-away PostgreSQL database (CBEC_TEST_POSTGRES_URL) with --alerts more synthetic alerts filled
in SQL (as bench/pg_queries.py does: 6 months, 40 institutions) behind the alert list.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from cbec.auth import service as auth
from cbec.config import Settings
from cbec.core.ids import complete_uscc
from cbec.feeds.service import ingest
from cbec.monitoring import service as monitoring
from cbec.storage.store import open_store
from cbec.synth import generate
from cbec.synth.registers import org_code
from pg_queries import _fill, _months  # bench/ is the script's folder

HERE = Path(__file__).resolve().parent
MONTH = "2026-10"
POSTGRES = os.environ.get("CBEC_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@contextmanager
def _database(kind: str) -> Iterator[str | None]:
    """Yield a throw-away PostgreSQL database's URL (dropped afterwards), or None for SQLite."""
    if kind == "sqlite":
        yield None
        return
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    name = f"cbec_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu_s(pid: int) -> float:
    """Return the CPU seconds (user + system) of a process and its children so far, from /proc (Linux)."""
    total = 0.0
    for task in {pid, *_children(pid)}:
        try:
            fields = Path(f"/proc/{task}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for path in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in path.read_text().split():
            found |= {int(child), *_children(int(child))}
    return found


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


def _load(
    pid: int, base: str, args: argparse.Namespace, label: str, script: str, env: dict[str, str], target: str = ""
) -> dict[str, float]:
    """Load the server with one wrk script; print and return its rate, p50 and p99 (and the server's CPU)."""
    cpu = _cpu_s(pid)
    rate, p50, p99 = _wrk(script, base, args.seconds, args.connections, env)
    print(
        f"{label}: {rate:,.0f} requests/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms, server CPU "
        f"{_cpu_s(pid) - cpu:.1f} s in {args.seconds} s{target}"
    )
    return {"rate": rate, "p50_ms": p50, "p99_ms": p99}


def _more_enterprises(template: Path, out: Path, count: int) -> Path:
    """Write `count` more enterprises like the synthetic month's own (valid credit codes, numbered names)."""
    with template.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    taken = {row["enterprise_id"] for row in rows}
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        serial = written = 0
        while written < count:
            like = rows[written % len(rows)]
            code = complete_uscc(like["enterprise_id"][:8] + org_code(f"{serial:08d}"))
            serial += 1
            if code in taken:
                continue
            taken.add(code)
            number = f"{written:05d}"
            writer.writerow(
                {
                    **like,
                    "enterprise_id": code,
                    "name": f"{like['name']}{number}",
                    "name_en": f"{like['name_en']} {number}",
                }
            )
            written += 1
    return out


def _home(base: str, cookie: str) -> dict[str, float]:
    """Time the regulator's home page five times, one request at a time; print and return the median and slowest."""
    times = []
    for _ in range(5):
        start = time.perf_counter()
        answer = httpx.get(f"{base}/", headers={"Cookie": cookie}, timeout=300)
        times.append(time.perf_counter() - start)
        if answer.status_code != 200:
            raise RuntimeError(f"the home page answered {answer.status_code}")
    figures = {"median_s": statistics.median(times), "max_s": max(times)}
    print(
        f"GET / (the regulator's home page): median {figures['median_s']:.2f} s, slowest {figures['max_s']:.2f} s of 5"
    )
    return figures


def _web_session(base: str, username: str, password: str) -> str:
    """Log in to the web as a user and return the session's Cookie header, once checked on the alert page."""
    with httpx.Client(base_url=base, headers={"Origin": base}) as web:
        login = web.post("/login", data={"username": username, "password": password})
        if login.status_code != 303:
            raise RuntimeError(f"web login failed: {login.status_code}")
        cookie = "; ".join(f"{name}={value}" for name, value in web.cookies.items())
        page = httpx.get(f"{base}/alerts", headers={"Cookie": cookie})
        if page.status_code != 200 or "<table" not in page.text:
            raise RuntimeError(f"the alert page did not answer with its table: {page.status_code}")
    return cookie


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=10, help="closed loop: latency includes queueing")
    parser.add_argument("--payments", type=int, default=20_000, help="synthetic month behind the alert list")
    parser.add_argument("--workers", type=int, default=1, help="cbec serve --workers")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--alerts", type=int, default=0, help="more synthetic alerts (PostgreSQL only)")
    parser.add_argument("--enterprises", type=int, default=0, help="more registered enterprises")
    parser.add_argument("--skip", choices=("score", "alerts", "page"), help="leave one of the three runs out")
    parser.add_argument("--json", type=Path, help="also write the figures to this file (for bench/targets.py)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench/api.py needs wrk: apt install wrk")
    with _database(args.database) as url:
        run(args, url)


def run(args: argparse.Namespace, url: str | None) -> None:
    """Fill the store, start the server and load it with wrk."""
    work = Path(tempfile.mkdtemp(prefix="cbec-bench-api-"))
    server = None
    figures: dict[str, object] = {"workers": args.workers, "database": args.database}
    try:
        settings = Settings(home=work / "home", database_url=url) if url else Settings(home=work / "home")
        synth = generate(out_dir=work / "synth", month=MONTH, payments=args.payments, seed=9)
        store = open_store(settings)
        for feed in ("institutions", "enterprises", "platforms", "payments"):
            ingest(store=store, feed=feed, paths=[synth.files[feed]])
        if args.enterprises:
            more = _more_enterprises(synth.files["enterprises"], work / "enterprises-more.csv", args.enterprises)
            ingest(store=store, feed="enterprises", paths=[more])
        summary = monitoring.run_month(store=store, month=MONTH, matching=False)
        if args.alerts and url:
            _fill(store, alerts=args.alerts, months=_months(6), notices=0)
        with store.engine.connect() as connection:
            alerts = int(connection.execute(text("SELECT count(*) FROM alerts")).scalar_one())
            enterprises = int(connection.execute(text("SELECT count(*) FROM reg_enterprises")).scalar_one())
        figures["alerts"], figures["enterprises"] = alerts, enterprises
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
        env = {"CBEC_HOME": str(settings.home), **({"CBEC_DATABASE_URL": url} if url else {})}
        server = subprocess.Popen(
            [sys.executable, "-m", "cbec.cli.main", "serve", "--port", str(port), "--workers", str(args.workers)],
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120  # several workers on a loaded machine take a while to import
        while True:
            try:
                if httpx.get(f"{base}/api/v1/openapi.json").status_code == 200:
                    break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"cbec serve did not start (exit {server.poll()})") from None
                time.sleep(0.2)
        time.sleep(2 if args.workers > 1 else 0)  # the first worker answered: let the others finish starting
        print(
            f"uvicorn ({args.workers} worker(s)) on {base}, {args.database}; month {MONTH}: {summary.payments:,} "
            f"payments, {summary.new:,} alerts ({alerts:,} in the store), {figures['enterprises']:,} enterprises; "
            f"wrk 1 thread, {args.connections} connections, {args.seconds} s each"
        )
        if args.skip != "score":
            env = {"CBEC_TOKEN": pi_token, "CBEC_INSTITUTION": institution}
            target = " (target >= 2,000/s at p99 <= 20 ms, 2 workers)"
            figures["score"] = _load(server.pid, base, args, "POST /payments/score", "score.lua", env, target)
        if args.skip != "alerts":
            env = {"CBEC_TOKEN": reg_token}
            figures["alerts_page"] = _load(server.pid, base, args, "GET /alerts?limit=50", "alerts.lua", env)
        if args.skip != "page":
            env = {"CBEC_COOKIE": _web_session(base, "bench-reg", "bench password 1")}
            figures["alerts_web"] = _load(server.pid, base, args, "GET /alerts (web page)", "alerts_page.lua", env)
            figures["home"] = _home(base, env["CBEC_COOKIE"])
        if args.json:
            args.json.write_text(json.dumps(figures))
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
