"""Assemble every enterprise's credit file from the lake (DuckDB read side) and other contexts' services."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
from sqlalchemy import select

from cbec.complaints import service as complaints_service
from cbec.core.money import load_fx_table
from cbec.core.months import first_day, last_day, months_back, next_month
from cbec.core.severity import SEVERITY_WEIGHTS
from cbec.credit import lists
from cbec.credit.catalog import FEATURES
from cbec.credit.config import CreditConfig, shipped_config
from cbec.credit.models import CustomsGrade
from cbec.feeds.service import read_side, register_rows
from cbec.ip import service as ip_service
from cbec.monitoring import service as monitoring
from cbec.storage.store import Store

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class CreditFiles:
    """The credit files of a period: one row per registered enterprise, a column per feature."""

    as_of_month: str
    window: tuple[str, ...]
    enterprise_ids: list[str]
    columns: dict[str, FloatArray]
    facts: dict[str, list[str | None]]
    sources: dict[str, dict[str, str | None]]  # feature -> {source, as_of, note}

    def row(self, i: int) -> dict[str, float | None]:
        """Return one enterprise's feature values (None where missing)."""
        return {k: None if np.isnan(v[i]) else float(v[i]) for k, v in self.columns.items()}


def _in(months: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{m}'" for m in months) + ")"


def _fx_rows(store: Store, con_currencies: list[str], months: tuple[str, ...]) -> pa.Table:
    fx = load_fx_table(store.settings.fx_file)
    rows = [(m, c, float(fx.rate(c, first_day(m)))) for m in months for c in con_currencies if c in fx.currencies()]
    return pa.table({"month": [r[0] for r in rows], "currency": [r[1] for r in rows], "cny": [r[2] for r in rows]})


def _lake_sql(window: str, previous: str, last: str, late_days: int) -> dict[str, str]:
    """Return one query per source, each giving enterprise_id and that source's measures."""
    return {
        "orders": f"""
            SELECT o.enterprise_id,
                   sum(o.goods_value * fx.cny) FILTER (WHERE o.month IN {window}) AS trade_value_cny,
                   sum(o.goods_value * fx.cny) FILTER (WHERE o.month IN {previous}) AS previous_value,
                   count(*) FILTER (WHERE o.month IN {window}) AS order_count,
                   max(o.ordered_at) FILTER (WHERE o.month IN {window}) AS as_of
            FROM orders o JOIN fx USING (month, currency)
            WHERE o.month IN {window} OR o.month IN {previous} GROUP BY 1""",
        "payments": f"""
            SELECT enterprise_id, count(*) AS payments,
                   avg(CASE WHEN status IN ('refunded', 'reversed') THEN 1.0 ELSE 0.0 END) AS refund_reversal_share,
                   avg(CASE WHEN confirmed_at IS NULL OR confirmed_at - initiated_at > INTERVAL 24 HOUR
                       THEN 1.0 ELSE 0.0 END) AS settlement_late_share,
                   max(initiated_at) AS as_of
            FROM payments WHERE month IN {window} AND enterprise_id IS NOT NULL GROUP BY 1""",
        "inspections": f"""
            SELECT enterprise_id, count(*) FILTER (WHERE result = 'fail') AS inspection_fails,
                   max(sampled_at) AS as_of
            FROM inspections WHERE month IN {window} GROUP BY 1""",
        "filings": f"""
            SELECT enterprise_id, count(*) FILTER (WHERE status IN ('revoked', 'rejected')) AS filing_problems,
                   max(filed_at) AS as_of
            FROM filings WHERE month <= '{last}' GROUP BY 1""",
        "complaints": f"""
            SELECT enterprise_id, count(*) AS complaints, max(received_at) AS as_of
            FROM complaints WHERE month IN {window} AND enterprise_id IS NOT NULL GROUP BY 1""",
        "reviews": f"""
            SELECT enterprise_id, avg(rating) AS review_mean_rating,
                   avg(CASE WHEN rating <= 2 THEN 1.0 ELSE 0.0 END) AS low_review_share, max(posted_at) AS as_of
            FROM reviews WHERE month IN {window} GROUP BY 1""",
        "waybills": f"""
            SELECT o.enterprise_id,
                   avg(CASE WHEN w.status = 'lost' THEN 1.0 ELSE 0.0 END) AS lost_share,
                   avg(CASE WHEN w.status = 'returned' THEN 1.0 ELSE 0.0 END) AS returned_share,
                   avg(CASE WHEN coalesce(w.delivered_at, TIMESTAMPTZ '{next_month(last)}-01 00:00:00+08')
                                 - w.shipped_at > INTERVAL {late_days} DAY THEN 1.0 ELSE 0.0 END)
                       AS late_delivery_share,
                   max(w.shipped_at) AS as_of
            FROM waybills w JOIN orders o USING (order_id)
            WHERE w.month IN {window} AND o.month IN {window} GROUP BY 1""",
        "alerts": """
            SELECT p.enterprise_id, sum(a.weight) AS weighted_alerts,
                   count(DISTINCT a.alert_id) FILTER (WHERE a.severity IN ('high', 'critical')) AS high_severity_alerts
            FROM alerted a JOIN payments p USING (institution_id, payment_id)
            WHERE p.enterprise_id IS NOT NULL GROUP BY 1""",
    }


def assemble(
    *,
    store: Store,
    as_of_month: str,
    window_months: int,
    late_delivery_days: int,
    severity_weights: Mapping[str, int],
    customs_ranks: Mapping[str, tuple[int, str, str]],
    black_list: Mapping[str, str],
) -> CreditFiles:
    """Build every registered enterprise's credit file for the window ending with `as_of_month`.

    customs_ranks: enterprise -> (rank, grade, effective date) in force; black_list: enterprise -> severity.
    """
    window = months_back(as_of_month, window_months)
    previous = months_back(window[0], window_months + 1)[:-1]
    ids = sorted(str(r["enterprise_id"]) for r in register_rows(store=store, feed="enterprises"))
    n = len(ids)
    position = {e: i for i, e in enumerate(ids)}
    columns = {f.name: np.full(n, np.nan) for f in FEATURES}
    sources: dict[str, dict[str, str | None]] = {
        f.name: {"source": f.source, "as_of": None, "note": f.placeholder} for f in FEATURES
    }
    con = read_side(store=store)
    try:
        views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
        currencies = (
            [r[0] for r in con.execute("SELECT DISTINCT currency FROM orders").fetchall()] if "orders" in views else []
        )
        loaded_months = (
            {r[0] for r in con.execute("SELECT DISTINCT month FROM payments").fetchall()}
            if "payments" in views
            else set()
        )
        con.register("fx", _fx_rows(store, currencies, (*previous, *window)))
        alerted = monitoring.alerted_payments(store=store, months=window)
        con.register(
            "alerted",
            pa.table(
                {
                    "alert_id": [a[0] for a in alerted],
                    "severity": [a[1] for a in alerted],
                    "weight": [severity_weights.get(a[1], 1) for a in alerted],
                    "institution_id": [a[2] for a in alerted],
                    "payment_id": [a[3] for a in alerted],
                }
            ),
        )
        results: dict[str, dict[str, dict[str, Any]]] = {}
        for source, sql in _lake_sql(_in(window), _in(previous), window[-1], late_delivery_days).items():
            needed = {"alerts": ("payments",), "waybills": ("waybills", "orders")}.get(source, (source,))
            if not all(v in views for v in needed):
                continue
            cursor = con.execute(sql)
            names = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
            results[source] = {str(r[0]): dict(zip(names, r, strict=True)) for r in rows}
            stamps = [r[names.index("as_of")] for r in rows] if "as_of" in names else []
            latest = max((s for s in stamps if s is not None), default=None)
            for f in FEATURES:
                if f.source == source or (source == "alerts" and f.source == "monitoring.alerts"):
                    sources[f.name]["as_of"] = latest.date().isoformat() if latest else window[-1]
    finally:
        con.close()
    _fill(columns, position, results, window_months)
    _fill_matching(columns, position, sources, store, tuple(m for m in window if m in loaded_months))
    ip_parts = {"ip_rd_risk": "rd", "ip_sourcing_risk": "sourcing", "ip_sales_risk": "sales"}
    for name in ("ip_findings", *ip_parts):
        columns[name][:] = 0.0  # no finding recorded is zero findings and zero risk, not missing
        sources[name]["as_of"] = window[-1]
    for risk in ip_service.enterprise_ip_risk(store=store, today=last_day(as_of_month)):  # rights in force then
        if risk.enterprise_id in position:
            at = position[risk.enterprise_id]
            columns["ip_findings"][at] = float(risk.findings)
            parts = {c.name: c.score for c in risk.components}
            for name, part in ip_parts.items():
                columns[name][at] = float(parts.get(part, 0))
    for enterprise_id, (handled, resolved) in complaints_service.resolution_by_enterprise(store=store).items():
        if enterprise_id in position and handled:
            columns["complaint_resolution_share"][position[enterprise_id]] = resolved / handled
    grades: list[str | None] = [None] * n
    for e, (rank, grade, effective) in customs_ranks.items():
        if e in position:
            columns["customs_grade_rank"][position[e]] = rank
            grades[position[e]] = grade
            sources["customs_grade_rank"]["as_of"] = max(sources["customs_grade_rank"]["as_of"] or "", effective)
    black: list[str | None] = [black_list.get(e) for e in ids]
    return CreditFiles(
        as_of_month=as_of_month,
        window=window,
        enterprise_ids=ids,
        columns=columns,
        facts={"customs_grade": grades, "black_list_severity": black},
        sources=sources,
    )


def _fill(
    columns: dict[str, FloatArray],
    position: dict[str, int],
    results: dict[str, dict[str, dict[str, Any]]],
    window_months: int,
) -> None:
    """Copy the query results into the feature columns; zero where a source has rows but not this firm."""
    orders = results.get("orders", {})
    payments = results.get("payments", {})
    complaints = results.get("complaints", {})
    for e, i in position.items():
        o = orders.get(e)
        if "orders" in results:
            value = float(o["trade_value_cny"] or 0) if o else 0.0
            before = float(o["previous_value"] or 0) if o else 0.0
            columns["trade_value_cny"][i] = value
            columns["order_count"][i] = float(o["order_count"] or 0) if o else 0.0
            columns["trade_growth"][i] = value / before - 1 if before > 0 else np.nan
        p = payments.get(e)
        if p:
            columns["refund_reversal_share"][i] = float(p["refund_reversal_share"])
            columns["settlement_late_share"][i] = float(p["settlement_late_share"])
        if "payments" in results:
            a = results.get("alerts", {}).get(e)
            paid = float(p["payments"]) if p else 0.0
            weighted = float(a["weighted_alerts"]) if a else 0.0
            columns["alerts_per_1k_payments"][i] = 1000 * weighted / paid if paid else (np.nan if not a else 1000.0)
            columns["high_severity_alerts"][i] = float(a["high_severity_alerts"]) if a else 0.0
        for source, name in (("inspections", "inspection_fails"), ("filings", "filing_problems")):
            if source in results:
                row = results[source].get(e)
                columns[name][i] = float(row[name]) if row else 0.0
        if "complaints" in results and o and o["order_count"]:
            c = complaints.get(e)
            columns["complaints_per_1k_orders"][i] = (
                1000 * (float(c["complaints"]) if c else 0.0) / float(o["order_count"])
            )
        r = results.get("reviews", {}).get(e)
        if r:
            columns["review_mean_rating"][i] = float(r["review_mean_rating"])
            columns["low_review_share"][i] = float(r["low_review_share"])
        w = results.get("waybills", {}).get(e)
        if w:
            for name in ("lost_share", "returned_share", "late_delivery_share"):
                columns[name][i] = float(w[name])


def _fill_matching(
    columns: dict[str, FloatArray],
    position: dict[str, int],
    sources: dict[str, dict[str, str | None]],
    store: Store,
    window: tuple[str, ...],
) -> None:
    """Sum the three-document checks of the window's months per enterprise (monitoring's match rates)."""
    checked: dict[str, list[float]] = {}
    for month in window:
        for r in monitoring.match_rate_table(store=store, month=month, by="enterprise_id"):
            if r.get("payments"):
                acc = checked.setdefault(str(r["enterprise_id"]), [0.0, 0.0])
                acc[0] += float(r["payments"])
                acc[1] += float(r["matched"])
                sources["document_mismatch_rate"]["as_of"] = month
    for e, (paid, matched) in checked.items():
        if e in position:
            columns["document_mismatch_rate"][position[e]] = 1 - matched / paid


def customs_in_force(store: Store, on: date) -> dict[str, tuple[int, str, str]]:
    """Return enterprise -> (rank, grade, effective date) in force on a day (latest date, then latest load)."""
    query = (
        select(CustomsGrade.enterprise_id, CustomsGrade.rank, CustomsGrade.grade, CustomsGrade.effective_from)
        .where(CustomsGrade.effective_from <= on)
        .order_by(CustomsGrade.effective_from, CustomsGrade.input_version)
    )
    with store.factory() as session:
        return {e: (r, g, d.isoformat()) for e, r, g, d in session.execute(query).all()}


def credit_files(*, store: Store, month: str, config: CreditConfig | None = None) -> CreditFiles:
    """Assemble every registered enterprise's credit file as of the end of a month."""
    config = config or shipped_config()
    with store.factory() as session:
        black = {e.enterprise_id: e.severity or "" for e in lists.open_entries(session, lists.BLACK).values()}
    return assemble(
        store=store,
        as_of_month=month,
        window_months=config.window_months,
        late_delivery_days=config.late_delivery_days,
        severity_weights=SEVERITY_WEIGHTS,
        customs_ranks=customs_in_force(store, last_day(month)),
        black_list=black,
    )
