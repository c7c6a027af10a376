"""The review queue's list on PostgreSQL with a million items: its plans, the service's time and the API's, printed.

Usage: python bench/review_queue.py [--items 1000000] [--months 6] [--requests 300] [--plans] [--json FILE]
- Makes a throw-away database (CBEC_TEST_POSTGRES_URL, default the local server), migrates it and fills
  `review_items` with --items synthetic items in SQL (40 institutions, --months months, every state).
- For each list the queue offers (first page, by month, by state, an institution's own, a deep page), runs the
  real service query (monitoring.list_items), captures the SQL it sends and prints the index its plan uses,
  EXPLAIN (ANALYZE, BUFFERS)'s execution time and the median over --runs; --plans prints every plan in full.
- Starts `cbec serve` on that database and times `GET /api/v1/review-items?limit=50` (a regulator, and an
  institution seeing only its own) and the web page `/review` (a regulator's session) with --requests sequential
  requests each: p50 and p99 (issue 19 target: p99 <= 200 ms with 1M items, API and page).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from api import _database, _free_port  # bench/ is the script's folder
from cbec.auth import service as auth
from cbec.config import Settings
from cbec.monitoring import service as monitoring
from cbec.storage.store import Store, open_store
from pg_queries import _captured, _median_ms, _months, _plan, _used

STATES = "(ARRAY['new','new','new','new','assigned','assigned','in_review','pending_check','closed','closed'])"
CONTRIBUTIONS = json.dumps(
    [{"signal": "model", "value": 0.9, "contribution": 0.6, "zh": "模型评分高", "en": "high model score"}]
)
PASSWORD = "bench password 1"
SEVERITIES = "(ARRAY['critical','high','high','medium','medium','medium','low','low','low','low'])"


def _fill(store: Store, *, items: int, months: list[str]) -> None:
    """Insert synthetic review items in SQL: spread over months and 40 institutions, scores 0.5-1, every state."""
    month_array = "ARRAY[" + ",".join(f"'{m}'" for m in months) + "]"
    with store.engine.begin() as connection:
        connection.execute(
            text(
                f"""
                INSERT INTO review_items (state, due_at, updated_at, month, institution_id, payment_id, account_id,
                    score, account_score, severity, config_version, contributions, reason_zh, reason_en, assignee,
                    disposition, created_at)
                SELECT st, now() + (i % 20) * interval '1 day', now(), m, 'PI-' || lpad((i % 40)::text, 3, '0'),
                    'P' || i, 'AC' || (i % 50000), 0.5 + ((i::bigint * 7919) % 100000) / 200000.0,
                    0.4 + (i % 1000) / 2000.0, {SEVERITIES}[1 + (i * 13) % 10], 'bench',
                    :contributions, '模型评分高', 'high model score',
                    CASE WHEN st = 'new' THEN NULL ELSE 'analyst-' || (i % 7) END,
                    CASE WHEN st = 'closed' THEN 'false_positive' END, now()
                FROM (
                    SELECT i, {STATES}[1 + (i * 11) % 10] AS st, ({month_array})[1 + i % {len(months)}] AS m
                    FROM generate_series(1, :n) AS i
                ) AS g
                """
            ),
            {"n": items, "contributions": CONTRIBUTIONS},
        )
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE review_items"))


def _plans(store: Store, month: str, runs: int, full: bool) -> dict[str, float]:
    """Print each list's plan, execution time and median service time; return the medians."""
    cases: list[tuple[str, Callable[[], object]]] = [
        ("first page (regulator)", lambda: monitoring.list_items(store=store, limit=50)),
        (f"month {month}", lambda: monitoring.list_items(store=store, month=month, limit=50)),
        ("state new", lambda: monitoring.list_items(store=store, status="new", limit=50)),
        (f"month {month} + state new", lambda: monitoring.list_items(store=store, month=month, status="new", limit=50)),
        ("institution PI-007", lambda: monitoring.list_items(store=store, institution_id="PI-007", limit=50)),
        ("page at offset 10,000", lambda: monitoring.list_items(store=store, limit=50, offset=10_000)),
    ]
    medians: dict[str, float] = {}
    for name, call in cases:
        with _captured(store) as sent:
            call()
        statement, parameters = sent[-1]
        lines, executed = _plan(store, statement, parameters, indexes=True)
        medians[name] = _median_ms(call, runs)
        print(f"  {name:<34} service {medians[name]:7.1f} ms  SQL {executed:7.1f} ms  {_used(lines)}")
        if full:
            print("    " + "\n    ".join(lines))
    return medians


def _latencies(client: httpx.Client, path: str, requests: int) -> tuple[float, float]:
    """Return p50 and p99 in ms of `requests` sequential GETs of `path` with this client."""
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        client.get(path).raise_for_status()
        times.append((time.perf_counter() - start) * 1000)
    cuts = statistics.quantiles(times, n=100)
    return cuts[49], cuts[98]


def _clients(base: str, tokens: dict[str, str]) -> dict[str, httpx.Client]:
    """Return an API client per token and a web client logged in (session cookie) as the regulator."""
    clients = {who: httpx.Client(base_url=base, headers={"Authorization": f"Bearer {t}"}) for who, t in tokens.items()}
    web = httpx.Client(base_url=base, headers={"Origin": base})
    login = web.post("/login", data={"username": "bench-reg", "password": PASSWORD})
    if login.status_code != 303:
        raise RuntimeError(f"web login failed: {login.status_code}")
    clients["web"] = web
    return clients


def _serve(settings: Settings, url: str) -> tuple[subprocess.Popen[bytes], str]:
    """Start `cbec serve` on the bench database; return the process and its base URL once it answers."""
    port = _free_port()
    env = {"CBEC_HOME": str(settings.home), "CBEC_DATABASE_URL": url}
    server = subprocess.Popen(
        [sys.executable, "-m", "cbec.cli.main", "serve", "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"{base}/api/v1/openapi.json").status_code == 200:
                return server, base
        except httpx.TransportError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"cbec serve did not start (exit {server.poll()})") from None
            time.sleep(0.2)


def main() -> None:
    """Fill a throw-away PostgreSQL database with review items and print the queue list's figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--plans", action="store_true", help="print every plan in full")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    months = _months(args.months)
    figures: dict[str, Any] = {"items": args.items}
    with _database("postgresql") as url, tempfile.TemporaryDirectory() as home:
        assert url is not None
        settings = Settings(home=Path(home), database_url=url)
        store = open_store(settings)
        started = time.perf_counter()
        _fill(store, items=args.items, months=months)
        print(f"filled {args.items:,} review items over {len(months)} months in {time.perf_counter() - started:.1f} s")
        figures["service_ms"] = _plans(store, months[-2], args.runs, args.plans)
        auth.create_user(store=store, username="bench-reg", password=PASSWORD, role="regulator-analyst")
        auth.create_user(store=store, username="bench-pi", password=PASSWORD, role="institution", tenant_id="PI-007")
        tokens = {who: auth.issue_token(store=store, username=f"bench-{who}").token for who in ("reg", "pi")}
        store.close()
        server, base = _serve(settings, url)
        try:
            clients = _clients(base, tokens)
            for who, path, label in (
                ("reg", "/api/v1/review-items?limit=50", "API as regulator"),
                ("pi", "/api/v1/review-items?limit=50", "API as institution PI-007"),
                ("web", "/review", "page as regulator"),
            ):
                p50, p99 = _latencies(clients[who], path, args.requests)
                met = "met" if p99 <= 200 else "missed"
                print(
                    f"GET {path} ({label}): p50 {p50:.1f} ms, p99 {p99:.1f} ms over "
                    f"{args.requests} sequential requests (target p99 <= 200 ms: {met})"
                )
                figures[who] = {"p50_ms": p50, "p99_ms": p99}
            for client in clients.values():
                client.close()
        finally:
            server.terminate()
            server.wait(30)
    if args.json:
        args.json.write_text(json.dumps(figures))


if __name__ == "__main__":
    main()
