"""What the rating measures, read from the lake (DuckDB) and the store, per institution and month.

Each function returns per institution the value a module scores and the evidence behind it: counts,
the ids of the rows (alerts, incidents, complaints, batches, quarantined rows) a reader can look up.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa

from cbec.core.calendar import WorkingCalendar
from cbec.core.clock import SHANGHAI

SAMPLE = 20  # ids listed per module in the evidence; the counts are always complete


def has_view(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Tell whether the read side has a view of a feed (a feed without files has none)."""
    found = con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = ?", [name]).fetchone()
    return bool(found and found[0])


def payment_counts(con: duckdb.DuckDBPyConnection, month: str) -> dict[str, int]:
    """Return the month's payments per institution."""
    if not has_view(con, "payments"):
        return {}
    rows = con.execute("SELECT institution_id, count(*) FROM payments WHERE month = ? GROUP BY ALL", [month]).fetchall()
    return {str(i): int(n) for i, n in rows}


def settlement_rows(con: duckdb.DuckDBPyConnection, month: str, target_hours: int) -> list[dict[str, Any]]:
    """Return per institution and channel: payments, median and p90 hours, share within target, and sources.

    A payment's confirmation time is from its pacs.008 (the creation time its pacs.002 carries, else the
    payment's initiated_at) to the pacs.002 that settles it (ACSC/ACCC) when one was loaded; otherwise the
    feed's self-reported confirmed_at. `from_messages` and `self_reported` count each source, and the
    self-reported median is kept beside so the two can be compared.
    """
    if not has_view(con, "payments"):
        return []
    if has_view(con, "payment_settlements"):
        joined = (
            "LEFT JOIN payment_settlements AS s ON s.payment_id = p.payment_id",
            "(epoch(s.settled_at) - epoch(coalesce(s.message_created_at, p.initiated_at))) / 3600.0",
        )
    else:
        joined = ("", "CAST(NULL AS DOUBLE)")
    cursor = con.execute(
        f"""
        WITH t AS (
            SELECT p.institution_id, p.channel, p.confirmed_at,
                   (epoch(p.confirmed_at) - epoch(p.initiated_at)) / 3600.0 AS self_hours,
                   {joined[1]} AS message_hours
            FROM payments AS p {joined[0]} WHERE p.month = ? AND p.status = 'succeeded'
        ), h AS (SELECT *, coalesce(message_hours, self_hours) AS hours FROM t)
        SELECT institution_id, channel, count(*) AS payments, count(hours) AS confirmed,
               quantile_cont(hours, 0.5) AS median_hours, quantile_cont(hours, 0.9) AS p90_hours,
               count(*) FILTER (WHERE hours < ?) AS within_target,
               count(message_hours) AS from_messages,
               count(*) FILTER (WHERE message_hours IS NULL AND self_hours IS NOT NULL) AS self_reported,
               quantile_cont(self_hours, 0.5) AS self_median_hours,
               count(*) FILTER (WHERE self_hours < ?) AS self_within_target
        FROM h GROUP BY GROUPING SETS ((institution_id, channel), (institution_id))
        ORDER BY institution_id, channel NULLS FIRST
        """,
        [month, target_hours, target_hours],
    )
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def complaint_counts(con: duckdb.DuckDBPyConnection, month: str) -> dict[str, tuple[int, list[str]]]:
    """Return per institution the month's complaints about orders it was paid for, with their ids."""
    if not (has_view(con, "payments") and has_view(con, "complaints")):
        return {}
    rows = con.execute(
        f"""
        SELECT p.institution_id, count(DISTINCT c.complaint_id),
               list(DISTINCT c.complaint_id ORDER BY c.complaint_id)[1:{SAMPLE}]
        FROM complaints AS c
        JOIN (SELECT DISTINCT institution_id, order_id FROM payments WHERE order_id IS NOT NULL) AS p
          ON p.order_id = c.order_id
        WHERE c.month = ? GROUP BY ALL
        """,
        [month],
    ).fetchall()
    return {str(i): (int(n), list(ids)) for i, n, ids in rows}


def incident_rows(con: duckdb.DuckDBPyConnection, month: str) -> list[dict[str, Any]]:
    """Return the security incidents reported in the month."""
    if not has_view(con, "security_incidents"):
        return []
    cursor = con.execute(
        "SELECT incident_id, institution_id, severity, reported_at, responded_at, fixed_at, summary "
        "FROM security_incidents WHERE month = ? ORDER BY reported_at, incident_id",
        [month],
    )
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _due_table(con: duckdb.DuckDBPyConnection, month: str, calendar: WorkingCalendar, days: int) -> pa.Table:
    local = "CAST(timezone('Asia/Shanghai', initiated_at) AS DATE)"
    found = con.execute(f"SELECT DISTINCT {local} FROM payments WHERE month = ?", [month]).fetchall()
    initiated: list[date] = [row[0] for row in found]
    due = [calendar.add_working_days(datetime.combine(d, datetime.min.time(), SHANGHAI), days) for d in initiated]
    return pa.table({"day": pa.array(initiated, pa.date32()), "due_at": pa.array(due, pa.timestamp("us", "UTC"))})


def reporting_quality(
    con: duckdb.DuckDBPyConnection,
    month: str,
    *,
    receipts: list[tuple[int, datetime, int]],
    quarantined: list[tuple[int, int, str]],
    calendar: WorkingCalendar,
    late_after_working_days: int,
    judged_until: datetime,
) -> dict[str, dict[str, Any]]:
    """Return per institution its rows reported, late rows, malformed and duplicate rows, with ids.

    Late: received (the batch's start) after the end of the N-th working day after the day initiated,
    judged only for batches received up to `judged_until` (later loads are archive replays: unjudged).
    Malformed: quarantined payments rows whose raw text names the institution (and the month). Duplicate:
    rows repeated in a batch that reported this month for this one institution only; duplicates of a
    batch that mixes institutions cannot be told apart and are reported as unattributed.
    """
    if not has_view(con, "payments"):
        return {}
    con.register("_sup_due", _due_table(con, month, calendar, late_after_working_days))
    con.register(
        "_sup_batches",
        pa.table(
            {
                "batch_id": pa.array([r[0] for r in receipts], pa.int64()),
                "received_at": pa.array([r[1] for r in receipts], pa.timestamp("us", "UTC")),
                "duplicates": pa.array([r[2] for r in receipts], pa.int64()),
            }
        ),
    )
    try:
        rows = con.execute(
            f"""
            SELECT p.institution_id, count(*) AS reported,
                   count(*) FILTER (WHERE b.received_at > d.due_at AND b.received_at <= ?) AS late,
                   count(*) FILTER (WHERE b.received_at > ?) AS unjudged,
                   list(DISTINCT p._batch_id) AS batches,
                   list(p.payment_id ORDER BY p.payment_id)
                     FILTER (WHERE b.received_at > d.due_at AND b.received_at <= ?)[1:{SAMPLE}] AS late_ids
            FROM payments AS p
            JOIN _sup_due AS d ON d.day = CAST(timezone('Asia/Shanghai', p.initiated_at) AS DATE)
            LEFT JOIN _sup_batches AS b ON b.batch_id = p._batch_id
            WHERE p.month = ? GROUP BY ALL
            """,
            [judged_until, judged_until, judged_until, month],
        ).fetchall()
    finally:
        con.unregister("_sup_due")
        con.unregister("_sup_batches")
    owners: dict[int, set[str]] = {}
    result: dict[str, dict[str, Any]] = {}
    for institution, reported, late, unjudged, batch_ids, late_ids in rows:
        for batch in batch_ids:
            owners.setdefault(int(batch), set()).add(str(institution))
        result[str(institution)] = {
            "reported": int(reported),
            "late": int(late),
            "late_ids": list(late_ids or []),
            "unjudged_replayed": int(unjudged),
            "malformed": 0,
            "malformed_ids": [],
            "duplicates": 0,
            "duplicate_batches": [],
        }
    duplicates = {batch: dup for batch, _, dup in receipts}
    for batch, institutions in sorted(owners.items()):
        if len(institutions) == 1 and duplicates.get(batch):
            entry = result[next(iter(institutions))]
            entry["duplicates"] += duplicates[batch]
            entry["duplicate_batches"].append(batch)
    unattributed = sum(duplicates.get(b, 0) for b, names in owners.items() if len(names) > 1)
    for quarantine_id, _batch, raw in quarantined:
        named = [name for name in result if name in raw]
        if len(named) == 1:
            entry = result[named[0]]
            entry["malformed"] += 1
            if len(entry["malformed_ids"]) < SAMPLE:
                entry["malformed_ids"].append(quarantine_id)
    for entry in result.values():
        entry["unattributed_duplicates"] = unattributed
        bad = entry["late"] + entry["malformed"] + entry["duplicates"]
        entry["share"] = Decimal(bad) / Decimal(entry["reported"] + entry["malformed"] + entry["duplicates"])
    return result
