"""The read side behind the dashboard: payments and alerts per city and per day, an alert's evidence graph.

Every function takes the principal and narrows to its tenant, like the rest of the service layer.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa
from pydantic import BaseModel, Field
from sqlalchemy import select

from cbec.auth.domain import SYSTEM, Principal
from cbec.core.regions import CITIES, find_city
from cbec.core.severity import severity_rank
from cbec.feeds.service import read_side, register_column
from cbec.monitoring.alerts.read import alert_column, alert_tally, alerted_payments, get_alert
from cbec.monitoring.models import AlertCount
from cbec.storage.store import Store

MAX_EVIDENCE_PAYMENTS = 300  # an evidence view stays readable; the alert still lists every payment


class CityActivity(BaseModel):
    """A city's payments in a month and the alerts that name its enterprises' payments."""

    code: str
    name_zh: str
    name_en: str
    payments: int
    enterprises: int
    alerts: int


class DayTrend(BaseModel):
    """One day of a month: payments initiated and alerts that began."""

    day: str
    payments: int
    alerts: int


class EvidenceNode(BaseModel):
    """An account in an evidence graph."""

    id: str
    kind: str  # individual, enterprise or unknown
    country: str | None
    payments: int


class EvidenceEdge(BaseModel):
    """A payment between two accounts."""

    payment_id: str
    institution_id: str
    source: str
    target: str
    amount: Decimal
    currency: str
    initiated_at: datetime


class EvidenceGraph(BaseModel):
    """The accounts and payments behind an alert (or, after graph patterns, a case)."""

    alert_id: int
    nodes: list[EvidenceNode] = Field(default_factory=list)
    edges: list[EvidenceEdge] = Field(default_factory=list)
    truncated: bool = False


def _enterprise_cities(store: Store) -> dict[str, str]:
    """Return enterprise id -> city region code, from the current rows of the enterprise register (each distinct
    city text found once: a register of tens of thousands of enterprises names a few dozen)."""
    towns = register_column(store=store, feed="enterprises", column="city")
    codes = {text: find_city(str(text or "")) for text in set(towns.values())}
    return {enterprise: city.code for enterprise, text in towns.items() if (city := codes[text]) is not None}


def _payment_scope(principal: Principal) -> tuple[str, list[str]]:
    """Return a SQL condition (and its parameters) that narrows payments to the principal's own."""
    column = principal.tenant_column
    if column is None:
        return "TRUE", []
    if column in ("institution_id", "enterprise_id"):
        return f"{column} = ?", [str(principal.tenant_id)]
    return "FALSE", []  # platforms report orders, not payments


def _has_payments(con: duckdb.DuckDBPyConnection) -> bool:
    rows = con.sql("SELECT count(*) FROM duckdb_views() WHERE view_name = 'payments'").fetchall()
    return bool(rows[0][0])


@contextmanager
def _payments_side(store: Store) -> Iterator[duckdb.DuckDBPyConnection | None]:
    """Open the read side for a query over payments: None when there is no payments feed yet; closed after."""
    con = read_side(store=store)
    try:
        yield con if _has_payments(con) else None
    finally:
        con.close()


def _month_payments(
    con: duckdb.DuckDBPyConnection, principal: Principal, columns: str, month: str, rest: str = "", *extra: object
) -> list[Any]:
    """Select `columns` from the month's payments the principal may see; `rest` goes after the WHERE clause."""
    scope, params = _payment_scope(principal)
    query = f"SELECT {columns} FROM payments WHERE month = ? AND {scope}{rest}"
    return con.execute(query, [month, *params, *extra]).fetchall()


def available_months(*, store: Store) -> list[str]:
    """Return the months that have alerts, newest first.

    Read from the alert counts rollup (a few thousand rows a month; a row is made with its month's first alert and
    only ever counts up) rather than grouped over the alerts themselves: with a million alerts the grouping took
    71 ms, on every page that offers a month.
    """
    with store.reading() as session:
        months = session.scalars(select(AlertCount.month).group_by(AlertCount.month))
        return sorted(months, reverse=True)


def city_activity(*, store: Store, month: str, principal: Principal = SYSTEM) -> list[CityActivity]:
    """Return per city the month's payments, active enterprises and the alerts touching them."""
    cities = _enterprise_cities(store)
    payments: Counter[str] = Counter()
    enterprises: Counter[str] = Counter()
    alerts: defaultdict[str, set[int]] = defaultdict(set)
    with _payments_side(store) as con:
        if con is not None:
            per = " AND enterprise_id IS NOT NULL GROUP BY enterprise_id"
            for enterprise_id, n in _month_payments(con, principal, "enterprise_id, count(*)", month, per):
                code = cities.get(enterprise_id)
                if code:
                    payments[code] += int(n)
                    enterprises[code] += 1
            named = alerted_payments(store=store, principal=principal, month=month)
            if named:
                con.register(
                    "alerted",
                    pa.table(
                        {
                            "alert_id": [a for a, _, _ in named],
                            "institution_id": [i for _, i, _ in named],
                            "payment_id": [p for _, _, p in named],
                        }
                    ),
                )
                joined = con.sql(
                    "SELECT DISTINCT a.alert_id, p.enterprise_id FROM alerted a JOIN payments p "
                    "USING (institution_id, payment_id) WHERE p.enterprise_id IS NOT NULL"
                ).fetchall()
                for alert_id, enterprise_id in joined:
                    code = cities.get(enterprise_id)
                    if code:
                        alerts[code].add(int(alert_id))
    return [
        CityActivity(
            code=c.code,
            name_zh=c.name_zh,
            name_en=c.name_en,
            payments=payments[c.code],
            enterprises=enterprises[c.code],
            alerts=len(alerts[c.code]),
        )
        for c in CITIES
    ]


def daily_trend(*, store: Store, month: str, principal: Principal = SYSTEM) -> list[DayTrend]:
    """Return per day of the month the payments initiated and the alerts that began (Shanghai days)."""
    payments: dict[str, int] = {}
    with _payments_side(store) as con:
        if con is not None:
            rows = _month_payments(con, principal, "strftime(initiated_at, '%Y-%m-%d'), count(*)", month, " GROUP BY 1")
            payments = {day: int(n) for day, n in rows}
    zone = ZoneInfo(store.settings.timezone)
    first_at = alert_column(store=store, column="first_at", principal=principal, month=month)
    began = Counter(moment.astimezone(zone).date() for moment in first_at)  # the days the alerts began, local
    alerts = {day.isoformat(): n for day, n in began.items()}
    days = sorted(set(payments) | set(alerts))
    return [DayTrend(day=d, payments=payments.get(d, 0), alerts=alerts.get(d, 0)) for d in days]


def alert_breakdown(*, store: Store, month: str, principal: Principal = SYSTEM) -> dict[str, dict[str, int]]:
    """Return the month's alerts the principal may see counted by severity and by typology."""
    severity = alert_tally(store=store, column="severity", principal=principal, month=month)
    typology = alert_tally(store=store, column="typology", principal=principal, month=month)
    return {
        "severity": {s: severity[s] for s in sorted(severity, key=severity_rank)},  # most severe first, as the pie
        "typology": dict(sorted(typology.items())),
    }


def evidence_graph(*, store: Store, alert_id: int, principal: Principal = SYSTEM) -> EvidenceGraph | None:
    """Return the accounts (nodes) and payments (edges) an alert names; None when the alert is not visible."""
    alert = get_alert(store=store, alert_id=alert_id, principal=principal)
    if alert is None:
        return None
    pairs = [(p.institution_id, p.payment_id) for p in alert.payments]
    graph = EvidenceGraph(alert_id=alert_id, truncated=len(pairs) > MAX_EVIDENCE_PAYMENTS)
    pairs = pairs[:MAX_EVIDENCE_PAYMENTS]
    if not pairs:
        return graph
    con = read_side(store=store)
    try:
        if not _has_payments(con):
            return graph
        con.register(
            "named",
            pa.table({"institution_id": [i for i, _ in pairs], "payment_id": [p for _, p in pairs]}),
        )
        rows = con.sql(
            "SELECT p.payment_id, p.institution_id, p.payer_id, p.payee_id, p.payer_type, p.payee_type, "
            "p.payer_country, p.payee_country, p.amount, p.currency, p.initiated_at "
            "FROM named n JOIN payments p USING (institution_id, payment_id) ORDER BY p.initiated_at"
        ).fetchall()
    finally:
        con.close()
    return _build_graph(graph, rows)


def _build_graph(graph: EvidenceGraph, rows: list[tuple[Any, ...]]) -> EvidenceGraph:
    nodes: dict[str, EvidenceNode] = {}
    for pid, inst, payer, payee, payer_type, payee_type, payer_cc, payee_cc, amount, ccy, at in rows:
        for account, kind, country in ((payer, payer_type, payer_cc), (payee, payee_type, payee_cc)):
            node = nodes.setdefault(
                account, EvidenceNode(id=account, kind=kind or "unknown", country=country, payments=0)
            )
            node.payments += 1
        graph.edges.append(
            EvidenceEdge(
                payment_id=pid,
                institution_id=inst,
                source=payer,
                target=payee,
                amount=Decimal(str(amount)),
                currency=ccy,
                initiated_at=at,
            )
        )
    graph.nodes = list(nodes.values())
    return graph


def payment_total(*, store: Store, month: str, principal: Principal = SYSTEM) -> int:
    """Return how many payments of the month the principal may see."""
    with _payments_side(store) as con:
        return 0 if con is None else int(_month_payments(con, principal, "count(*)", month)[0][0])


def payment_amounts(*, store: Store, month: str, principal: Principal = SYSTEM) -> dict[str, Decimal]:
    """Return the month's payment amounts the principal may see, summed per currency, largest first."""
    with _payments_side(store) as con:
        if con is None:
            return {}
        rows = _month_payments(con, principal, "currency, sum(amount)", month, " GROUP BY 1 ORDER BY 2 DESC")
        return {str(c): Decimal(str(total)) for c, total in rows}


def busiest_enterprises(*, store: Store, month: str, limit: int = 5, principal: Principal = SYSTEM) -> list[str]:
    """Return the enterprises with the most payments in the month (the principal's own), busiest first."""
    busiest = " AND enterprise_id IS NOT NULL GROUP BY enterprise_id ORDER BY count(*) DESC, enterprise_id LIMIT ?"
    with _payments_side(store) as con:
        rows = [] if con is None else _month_payments(con, principal, "enterprise_id", month, busiest, limit)
    return [str(r[0]) for r in rows]
