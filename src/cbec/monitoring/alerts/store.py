"""Alerts in the relational store: the filter step (de-duplication, snoozes), writes, reads and exports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar, Unpack

from sqlalchemy import ColumnElement, Connection, Engine, Integer, Row, Select, func, literal_column, select
from sqlalchemy.orm import Session, defer

from cbec.core.clock import month_key
from cbec.core.jsontypes import JsonObject
from cbec.core.severity import most_severe, severity_rank
from cbec.monitoring.alerts.counts import CountKey, QueueFilters, add_counts, rollup_count, rollup_total
from cbec.monitoring.alerts.pages import ORDERS, after_steps, decode_cursor, order_by
from cbec.monitoring.engine import Alert
from cbec.monitoring.models import AlertPayment, AlertRecord, Snooze
from cbec.storage.partitions import ensure_alert_partitions


@dataclass
class Filtered:
    """The filter step's verdict: new episodes, grown episodes, unchanged repeats and snoozed ones."""

    new: list[Alert] = field(default_factory=list)
    grown: list[tuple[AlertRecord, Alert]] = field(default_factory=list)
    duplicate: int = 0
    snoozed: int = 0


def key_text(alert: Alert) -> str:
    """Return the group key as people read it, e.g. `payer_id=AC12`."""
    return ", ".join(f"{name}={value}" for name, value in alert.key)


def filter_alerts(session: Session, alerts: Sequence[Alert]) -> Filtered:
    """De-duplicate and snooze: the named step between detection and the alert queue.

    An alert whose episode is stored already is a repeat (unchanged) or a grown episode (a stream
    that saw more payments of it); an alert of a (rule, key) snoozed at its first time is held back.
    """
    result = Filtered()
    stored: dict[str, AlertRecord] = {}
    by_month: dict[str, list[str]] = {}
    for alert in alerts:
        by_month.setdefault(month_key(alert.first_at), []).append(alert.alert_id)
    for month, ids in sorted(by_month.items()):
        for start in range(0, len(ids), 500):
            # The month names the one partition to look in (PostgreSQL prunes the others).
            query = select(AlertRecord).where(
                AlertRecord.month == month, AlertRecord.alert_key.in_(ids[start : start + 500])
            )
            stored.update((r.alert_key, r) for r in session.scalars(query))
    snoozes: dict[tuple[str, str], list[datetime]] = {}
    for snooze in session.scalars(select(Snooze)):
        snoozes.setdefault((snooze.rule_id, snooze.key_text), []).append(snooze.until)
    seen: set[str] = set()
    for alert in alerts:
        record = stored.get(alert.alert_id)
        if record is not None:
            if alert.payment_count > record.payment_count:
                result.grown.append((record, alert))
            else:
                result.duplicate += 1
            continue
        if alert.alert_id in seen:
            result.duplicate += 1
            continue
        if any(alert.first_at < until for until in snoozes.get((alert.rule_id, key_text(alert)), [])):
            result.snoozed += 1
            continue
        seen.add(alert.alert_id)
        result.new.append(alert)
    return result


def grow_alerts(session: Session, grown: Sequence[tuple[AlertRecord, Alert]]) -> int:
    """Bring stored episodes up to date with what a stream saw since; return how many changed."""
    have = alert_payments(session, [record.id for record, _ in grown])
    for record, alert in grown:
        record.last_at, record.observed, record.payment_count = (
            alert.last_at,
            alert.observed,
            alert.payment_count,
        )
        record.explanation_zh, record.explanation_en = alert.explanation_zh, alert.explanation_en
        known = set(have.get(record.id, []))
        session.add_all(
            AlertPayment(alert_id=record.id, alert_month=record.month, institution_id=inst, payment_id=pay)
            for inst, pay in alert.payments
            if (inst, pay) not in known
        )
    return len(grown)


def _institution(alert: Alert) -> str | None:
    """Return the one institution an alert concerns, when there is just one."""
    named = dict(alert.key).get("institution_id")
    if named:
        return named
    institutions = {institution for institution, _ in alert.payments}
    return institutions.pop() if len(institutions) == 1 else None


def prepare_partitions(engine: Engine, alerts: Iterable[Alert]) -> None:
    """Make sure the alerts' months have their partitions (PostgreSQL) before a transaction writes them.

    Call it outside any open session: creating a partition takes a short exclusive lock on the alerts table.
    """
    ensure_alert_partitions(engine, {month_key(alert.first_at) for alert in alerts})


def write_alerts(session: Session, alerts: Iterable[Alert], *, ruleset_version: str, source: str, now: datetime) -> int:
    """Insert alerts and the payments they name, and count them in the rollup; return how many were written."""
    written = 0
    counted: list[CountKey] = []
    for alert in alerts:
        record = AlertRecord(
            alert_key=alert.alert_id,
            rule_id=alert.rule_id,
            rule_version=alert.rule_version,
            ruleset_version=ruleset_version,
            severity=alert.severity,
            severity_rank=severity_rank(alert.severity),
            typology=alert.typology,
            group_key=dict(alert.key),
            key_text=key_text(alert),
            observed=alert.observed,
            threshold=alert.threshold,
            window=alert.window,
            first_at=alert.first_at,
            last_at=alert.last_at,
            month=month_key(alert.first_at),
            institution_id=_institution(alert),
            payment_count=alert.payment_count,
            explanation_zh=alert.explanation_zh,
            explanation_en=alert.explanation_en,
            evidence={},
            status="open",
            source=source,
            created_at=now,
        )
        session.add(record)
        session.flush()
        session.add_all(
            AlertPayment(alert_id=record.id, alert_month=record.month, institution_id=inst, payment_id=pay)
            for inst, pay in alert.payments
        )
        counted.append((record.month, record.institution_id or "", record.rule_id, record.severity))
        written += 1
    add_counts(session, counted)
    return written


def add_snooze(session: Session, *, rule_id: str, key: str, until: datetime, reason: str, by: str) -> Snooze:
    """Silence one rule for one key until a time; the reason is kept."""
    if until.tzinfo is None:
        raise ValueError("snooze until must be timezone-aware")
    snooze = Snooze(
        rule_id=rule_id, key_text=key, until=until, reason=reason, created_by=by, created_at=datetime.now(UTC)
    )
    session.add(snooze)
    return snooze


SORTS = set(ORDERS)


Query = TypeVar("Query", bound=Select[*tuple[Any, ...]])


class AlertFilters(QueueFilters, total=False):
    """The queue's filters plus a substring of the key (how an enterprise's own alerts are found)."""

    key_contains: str | None


def _filtered(query: Query, filters: AlertFilters) -> Query:
    if month := filters.get("month"):
        query = query.where(AlertRecord.month == month)
    if rule_id := filters.get("rule_id"):
        query = query.where(AlertRecord.rule_id == rule_id)
    if severity := filters.get("severity"):
        # The rank too, so the queue index reads just that severity's range.
        rank = severity_rank(severity)
        query = query.where(AlertRecord.severity == severity, AlertRecord.severity_rank == rank)
    if institution_id := filters.get("institution_id"):
        query = query.where(AlertRecord.institution_id == institution_id)
    if key_contains := filters.get("key_contains"):
        query = query.where(AlertRecord.key_text.contains(key_contains, autoescape=True))
    return query


def query_alerts(
    session: Session,
    *,
    limit: int | None = 100,
    offset: int = 0,
    sort: str = "severity",
    after: str | None = None,
    **filters: Unpack[AlertFilters],
) -> list[AlertRecord]:
    """Return alerts in the database's order: most severe and newest first by default.

    `after` (a cursor from pages.encode_cursor) starts the page after the row it names, read from the index
    instead of skipping `offset` rows; the two do not mix.
    """
    # The two JSON columns no list shows are loaded only when asked for (parsing them was a tenth of a page).
    query = _filtered(select(AlertRecord), filters).options(defer(AlertRecord.group_key), defer(AlertRecord.evidence))
    return [row[0] for row in _page_rows(session, query, limit=limit, offset=offset, sort=sort, after=after)]


def query_page(
    session: Session,
    columns: Sequence[str],
    *,
    limit: int,
    offset: int = 0,
    sort: str = "severity",
    after: str | None = None,
    **filters: Unpack[AlertFilters],
) -> tuple[list[Row[Any]], int]:
    """Return one page of query_alerts as rows of the named columns (in that order; the total may follow them),
    and the total count_alerts gives.

    Plain rows, not records: a list page has no use for the ORM's identity map and change tracking, which were
    a third of its time. The rollup's sum rides on the page's rows as an uncorrelated scalar subquery that
    PostgreSQL and SQLite compute once, so the page and its total are one round trip to the database. An empty
    page (past the end), and filters the rollup cannot answer, count on their own.
    """
    query = _filtered(select(*(AlertRecord.__table__.c[name] for name in columns)), filters)
    summed = filters.get("key_contains") is None  # the rollup has a column for every other filter
    if summed:
        query = query.add_columns(rollup_total(filters).scalar_subquery().label("total_alerts"))
    core = session.connection()  # plain columns need none of the ORM's execution (a fifth of the page's time)
    rows = _page_rows(core, query, limit=limit, offset=offset, sort=sort, after=after)
    if summed and rows:
        return rows, int(rows[0].total_alerts)
    return rows, count_alerts(session, **filters)


def _page_rows(
    session: Session | Connection, query: Select[Any], *, limit: int | None, offset: int, sort: str, after: str | None
) -> list[Row[Any]]:
    """Run a select of alerts (records or columns) as one page in `sort` order, by offset or after a cursor."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(sorted(SORTS))}")
    if after is not None and offset:
        raise ValueError("give a cursor or an offset, not both / 游标与 offset 不能同时使用")
    # The severity order is the ix_alerts_*_queue indexes' order, so a page is read from an index, not sorted.
    query = query.order_by(*order_by(sort))
    if after is None:
        query = query.offset(offset) if offset else query
        return list(session.execute(query.limit(_fixed(limit)) if limit else query))
    found: list[Row[Any]] = []
    for step in after_steps(sort, decode_cursor(sort, after)):
        stepped = query.where(step)
        found += session.execute(stepped.limit(_fixed(limit - len(found))) if limit else stepped)
        if limit and len(found) >= limit:
            break
    return found


def _fixed(limit: int) -> ColumnElement[int]:
    """Return a page size written into the SQL rather than bound: the first page of an unfiltered list then has no
    parameters at all, so PostgreSQL plans its prepared statement once, where with parameters it planned it anew
    over every alert partition on each request (half the statement's time). A page size is one of a few values."""
    return literal_column(str(int(limit)), Integer)


def count_alerts(session: Session, **filters: Unpack[AlertFilters]) -> int:
    """Count the alerts a query_alerts call with the same filters would page through (from the rollup)."""
    if filters.get("key_contains") is None:
        return rollup_count(session, filters)
    return int(session.scalar(_filtered(select(func.count(AlertRecord.id)), filters)) or 0)


def alert_tally(session: Session, column: str, **filters: Unpack[AlertFilters]) -> dict[str, int]:
    """Count the alerts the filters select by the values of one of their columns (severity, typology), in the
    database: a month's charts need the counts, not the month's hundreds of thousands of alerts."""
    counted = AlertRecord.__table__.c[column]
    query = _filtered(select(counted, func.count()).group_by(counted), filters)
    return {str(value): int(n) for value, n in session.connection().execute(query)}


def alert_column(session: Session, column: str, **filters: Unpack[AlertFilters]) -> list[Any]:
    """Return one column of every alert the filters select (in no order), as plain values, not records."""
    query = _filtered(select(AlertRecord.__table__.c[column]), filters)
    return list(session.connection().execute(query).scalars())


def alerted_payments(session: Session, **filters: Unpack[AlertFilters]) -> list[tuple[int, str, str]]:
    """Return (alert id, institution, payment) for each payment of the alerts the filters select: one join, where
    reading the alerts and then their payments 500 alerts at a time took seconds for a month."""
    joined = select(AlertPayment.alert_id, AlertPayment.institution_id, AlertPayment.payment_id).join(
        AlertRecord, (AlertRecord.id == AlertPayment.alert_id) & (AlertRecord.month == AlertPayment.alert_month)
    )
    if month := filters.get("month"):
        joined = joined.where(AlertPayment.alert_month == month)  # the payments' own partition
    query = _filtered(joined, filters)
    return [(int(a), str(i), str(p)) for a, i, p in session.connection().execute(query)]


def alert_payments(session: Session, alert_ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
    """Return the payments of each alert."""
    found: dict[int, list[tuple[str, str]]] = {}
    for start in range(0, len(alert_ids), 500):
        part = alert_ids[start : start + 500]
        query = select(AlertPayment).where(AlertPayment.alert_id.in_(part)).order_by(AlertPayment.id)
        for row in session.scalars(query):
            found.setdefault(row.alert_id, []).append((row.institution_id, row.payment_id))
    return found


def export_rows(session: Session, alerts: Sequence[AlertRecord]) -> list[JsonObject]:
    """Return one row per alerted payment: its key, the rule ids and the highest severity."""
    by_payment: dict[tuple[str, str], JsonObject] = {}
    payments = alert_payments(session, [a.id for a in alerts])
    for alert in alerts:
        for institution, payment in payments.get(alert.id, []):
            row = by_payment.setdefault(
                (institution, payment),
                {
                    "institution_id": institution,
                    "payment_id": payment,
                    "rule_ids": [],
                    "severity": "low",
                    "alert_ids": [],
                },
            )
            if alert.rule_id not in row["rule_ids"]:
                row["rule_ids"].append(alert.rule_id)
            row["alert_ids"].append(alert.id)
            row["severity"] = most_severe((row["severity"], alert.severity))
    return [by_payment[k] for k in sorted(by_payment)]
