"""The alert and notice list queries on PostgreSQL at scale: their plans (EXPLAIN ANALYZE) and timings, printed.

Usage: python bench/pg_queries.py [--alerts 300000] [--months 6] [--notices 20000] [--runs 15] [--plans]
- Makes a throw-away database (CBEC_TEST_POSTGRES_URL, default the local server), migrates it (alerts
  partitioned by month, migration 0012) and fills it with synthetic alerts and notices in SQL.
- Runs the real service queries (alert_store.query_alerts/count_alerts/filter step, supervision.list_notices,
  the deadline check), capturing the SQL they send, and prints for each: the index or partitions the plan uses,
  the median time over --runs, and the same query's time with index scans turned off (the ratio is what the
  indexes buy). --plans prints the whole EXPLAIN (ANALYZE, BUFFERS) text of each.
- Shows partition pruning: a month filter reads one partition.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, event, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from cbec.config import Settings
from cbec.monitoring.alerts import store as alert_store
from cbec.monitoring.models import AlertRecord
from cbec.storage.partitions import alert_partitions, ensure_alert_partitions
from cbec.storage.store import Store, open_store
from cbec.supervision import service as supervision
from cbec.supervision.models import Notice

ADMIN_URL = os.environ.get("CBEC_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SEVERITIES = "(ARRAY['critical','high','high','medium','medium','medium','low','low','low','low'])"


@contextmanager
def _database() -> Iterator[str]:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"cbec_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _months(count: int) -> list[str]:
    return [f"2026-{m:02d}" for m in range(12 - count + 1, 13)]


def _fill(store: Store, *, alerts: int, months: list[str], notices: int) -> None:
    """Insert synthetic alerts (spread over months, 40 institutions, 30 rules) and notices, in SQL."""
    ensure_alert_partitions(store.engine, months)
    month_array = "ARRAY[" + ",".join(f"'{m}'" for m in months) + "]"
    with store.engine.begin() as connection:
        connection.execute(
            text(
                f"""
                INSERT INTO alerts (alert_key, rule_id, rule_version, ruleset_version, severity, severity_rank,
                    typology, group_key, key_text, observed, threshold, "window", first_at, last_at, month,
                    institution_id, payment_count, explanation_zh, explanation_en, evidence, status, source,
                    created_at)
                SELECT 'R' || r || '|payer_id=AC' || i || '|' || m, 'R' || r, 1, 'bench', s,
                    CASE s WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END,
                    'structuring', jsonb_build_object('payer_id', 'AC' || i), 'payer_id=AC' || i, 50000, 49999,
                    '1d', at, at, m, 'PI-' || lpad((i % 40)::text, 3, '0'), 3, '说明', 'explanation', '{{}}',
                    CASE WHEN i % 5 = 0 THEN 'closed' ELSE 'open' END, 'batch', at
                FROM (
                    SELECT i, 1 + (i * 7) % 30 AS r, ({SEVERITIES})[1 + (i * 13) % 10] AS s,
                        ({month_array})[1 + i % {len(months)}] AS m,
                        (({month_array})[1 + i % {len(months)}] || '-01')::date AT TIME ZONE 'Asia/Shanghai'
                            + ((i::bigint * 7919) % (27 * 86400)) * interval '1 second' AS at
                    FROM generate_series(1, :n) AS i
                ) AS g
                """
            ),
            {"n": alerts},
        )
        # As write_alerts does for each alert it writes: the counts rollup behind the list's total (0022; the
        # test is for running this bench against code from before it, for a before/after comparison).
        if inspect(connection).has_table("alert_counts"):
            connection.execute(
                text(
                    """
                INSERT INTO alert_counts (month, institution_id, rule_id, severity, alerts)
                SELECT month, COALESCE(institution_id, ''), rule_id, severity, count(*) FROM alerts
                GROUP BY month, COALESCE(institution_id, ''), rule_id, severity
                ON CONFLICT (month, institution_id, rule_id, severity) DO UPDATE SET alerts = EXCLUDED.alerts
                """
                )
            )
        connection.execute(
            text(
                """
                INSERT INTO notices (kind, institution_id, month, origin, state, title, body, evidence, issued_by,
                    issued_at, due_at, updated_at)
                SELECT 'rectification', 'PI-' || lpad((i % 40)::text, 3, '0'), '2026-10', NULL, st,
                    '整改通知', '请整改',
                    '{}', 'regulator', now() - (i % 300) * interval '1 day',
                    CASE WHEN st IN ('verified', 'withdrawn') THEN NULL
                         ELSE now() + ((i % 60) - 3) * interval '1 day' END,
                    now()
                FROM (SELECT i, (ARRAY['issued','plan_submitted','rectified','verified','verified','verified',
                        'verified','withdrawn','overdue','escalated'])[1 + i % 10] AS st
                      FROM generate_series(1, :n) AS i) AS g
                """
            ),
            {"n": notices},
        )
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


@contextmanager
def _captured(store: Store) -> Iterator[list[tuple[str, Any]]]:
    """Record the SELECT statements the service sends (the last one is the list query)."""
    sent: list[tuple[str, Any]] = []

    def record(_conn: Connection, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(store.engine, "before_cursor_execute", record)


def _median_ms(call: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _plan(store: Store, statement: str, parameters: Any, *, indexes: bool) -> tuple[list[str], float]:
    with store.engine.connect() as connection:
        if not indexes:
            connection.exec_driver_sql("SET enable_indexscan = off")
            connection.exec_driver_sql("SET enable_bitmapscan = off")
            connection.exec_driver_sql("SET enable_indexonlyscan = off")
        rows = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters).all()
        connection.rollback()
    lines = [r[0] for r in rows]
    total = next(float(m.group(1)) for line in lines if (m := re.search(r"Execution Time: ([\d.]+) ms", line)))
    return lines, total


def _used(lines: list[str]) -> str:
    """Return the scans of a plan in a word: which index on which partition, or a sequential scan."""
    scans = []
    for line in lines:
        found = re.search(
            r"(Index Only Scan|Index Scan|Bitmap Index Scan|Seq Scan)(?: Backward)? (?:using|on) (\S+)(?: on (\S+))?",
            line,
        )
        if found:
            kind, first, second = found.groups()
            scans.append(f"{kind} {first}" + (f" on {second}" if second else ""))
    return "; ".join(dict.fromkeys(scans)) or "(no scan)"


def main() -> None:
    """Fill a throw-away PostgreSQL database and print the list queries' plans and timings."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--alerts", type=int, default=300_000)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--notices", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--plans", action="store_true", help="print every plan in full")
    args = parser.parse_args()
    months = _months(args.months)
    month = months[-2]
    with _database() as url, tempfile.TemporaryDirectory() as home:
        store = open_store(Settings(home=Path(home), database_url=url))
        started = time.perf_counter()
        _fill(store, alerts=args.alerts, months=months, notices=args.notices)
        print(
            f"filled {args.alerts:,} alerts over {len(months)} months and {args.notices:,} notices "
            f"in {time.perf_counter() - started:.1f} s"
        )
        for partition in alert_partitions(store.engine):
            print(
                f"  partition {partition.name:<16} month {partition.month or '(default)':<9} {partition.rows:>9,} rows"
            )
        now = datetime.now(UTC)
        from cbec.monitoring.alerts.pages import encode_cursor  # here: _fill is used with code from before it

        with store.factory() as session:  # the cursor of the row a deep page continues after
            deep = min(args.alerts // len(months) // 2, 100_000)
            last = alert_store.query_alerts(session, month=month, limit=1, offset=deep - 1)[0]
            cursor = encode_cursor("severity", last)
        cases: list[tuple[str, Callable[[Session], object]]] = [
            (f"queue page, month {month}", lambda s: alert_store.query_alerts(s, month=month, limit=50)),
            (
                "queue page, month + severity high",
                lambda s: alert_store.query_alerts(s, month=month, severity="high", limit=50),
            ),
            (
                "queue page, month + institution",
                lambda s: alert_store.query_alerts(s, month=month, institution_id="PI-007", limit=50),
            ),
            (
                "queue page, institution, all months",
                lambda s: alert_store.query_alerts(s, institution_id="PI-007", limit=50),
            ),
            ("queue page, month + rule", lambda s: alert_store.query_alerts(s, month=month, rule_id="R12", limit=50)),
            ("queue page, all months (dashboard)", lambda s: alert_store.query_alerts(s, limit=20)),
            (
                f"page at offset {deep:,} (month)",
                lambda s: alert_store.query_alerts(s, month=month, limit=50, offset=deep),
            ),
            (
                f"page after row {deep:,} (month, keyset)",
                lambda s: alert_store.query_alerts(s, month=month, limit=50, after=cursor),
            ),
            ("count, all months (rollup)", lambda s: alert_store.count_alerts(s)),
            ("count, all months (over alerts)", lambda s: s.scalar(select(func.count(AlertRecord.id)))),
            ("count, month", lambda s: alert_store.count_alerts(s, month=month)),
            ("count, month + institution", lambda s: alert_store.count_alerts(s, month=month, institution_id="PI-007")),
            ("newest first, month", lambda s: alert_store.query_alerts(s, month=month, sort="-first_at", limit=50)),
            (
                "episode lookup (filter step)",
                lambda s: s.scalars(
                    select(AlertRecord).where(
                        AlertRecord.month == month,
                        AlertRecord.alert_key.in_(
                            [f"R{1 + (i * 7) % 30}|payer_id=AC{i}|{month}" for i in range(1, 400)]
                        ),
                    )
                ).all(),
            ),
            ("notices of an institution", lambda s: supervision.list_notices(store=store, institution_id="PI-007")),
            ("notices in a state", lambda s: supervision.list_notices(store=store, state="overdue")),
            (
                "notices past their deadline",
                lambda s: s.scalars(
                    select(Notice).where(Notice.due_at.is_not(None), Notice.due_at < now).order_by(Notice.id)
                ).all(),
            ),
        ]
        print(f"\n{'query':<38} {'call ms':>8} {'sql ms':>7} {'no index':>9} {'ratio':>6}  plan")
        for title, call in cases:
            with store.factory() as session:
                with _captured(store) as sent:
                    call(session)
                statement, parameters = sent[-1]
                ms = _median_ms(lambda: call(session), args.runs)  # noqa: B023
            lines, _ = _plan(store, statement, parameters, indexes=True)
            _, without = _plan(store, statement, parameters, indexes=False)
            _, with_ms = _plan(store, statement, parameters, indexes=True)
            print(
                f"{title:<38} {ms:>8.2f} {with_ms:>7.2f} {without:>9.2f} {without / max(with_ms, 0.001):>5.0f}x  "
                f"{_used(lines)}"
            )
            if args.plans:
                print("    " + "\n    ".join(lines))
        with store.engine.connect() as connection:
            pruned = [
                r[0] for r in connection.exec_driver_sql(f"EXPLAIN SELECT count(*) FROM alerts WHERE month = '{month}'")
            ]
        print(f"\npartition pruning, EXPLAIN SELECT count(*) FROM alerts WHERE month = '{month}':")
        print("    " + "\n    ".join(pruned))
        store.close()
    print(
        "\n(call ms: the service call from Python incl. ORM objects, median; sql ms: EXPLAIN ANALYZE execution time; "
        "no index: the same with index scans off; ratio: no index / sql ms)"
    )


if __name__ == "__main__":
    main()
