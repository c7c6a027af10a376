"""Three-document matching (三单对碰): each payment with an order_id against its order, waybill and 清单.

Documents are joined on order_id alone (a payment carries no platform_id). Only succeeded payments are
checked; failed, refunded and reversed ones are listed in `per_payment` with checked = false and never
become findings. Each finding row names the payment, the order's platform and enterprise (the
payment's enterprise when there is no single order), the reason, a Chinese and an English explanation,
the observed value, threshold and unit where numeric, and the order platforms, waybills and
declarations involved. The checks, exactly:

- missing_order: no order has the payment's order_id.
- ambiguous_order: several platforms reported that order_id; the order-based checks below (amounts,
  payer, countries) are skipped because the right order cannot be told.
- missing_waybill / missing_declaration: no waybill / no declaration has the order_id.
- amount_mismatch, two pairs, either or both named in the explanation with both amounts:
  payment vs order: off by more than `tolerance` from the order total (goods_value + freight + tax, empty
  as 0) AND from goods_value alone. Both are accepted because freight and tax are settled separately in
  some flows (and in the synthetic province); the observed value is the smaller of the two deviations.
  declaration vs order: the sum of the order's declared_value vs the order's goods_value.
  Deviations are |a - b| / b, decided in exact decimals. Amounts in the same currency are compared as
  they are; otherwise both are converted to CNY at the rates in effect on the payment's local date
  (in the read side's time zone, Asia/Shanghai), rounded to fen like FxTable.to_cny. The observed value is
  the larger failing deviation.
- fx_rate_missing: a comparison needed a rate the FX table lacks; the amounts could not be checked.
- payer_not_buyer: payment.payer_id differs from order.buyer_id (in export and import alike the order's
  buyer pays). The ids are compared as strings, so it only holds where institutions and platforms
  report the same customer id.
- country_mismatch: export orders: payer_country and every waybill destination equal buyer_country;
  import orders: buyer_country, payer_country and every waybill destination are CN, and no waybill
  starts in CN unless the mode is 1210 (bonded imports ship from a Chinese bonded zone).
- paid_not_shipped: the order has waybills, but all are lost or returned, or the first one that is not
  was shipped more than `ship_within_days` after the payment was initiated. A missing waybill is
  reported as missing_waybill only, and shipping before payment is allowed.
- declaration_payment_mismatch: a declaration of the order names a payment_id other than this payment's
  (declarations carry no institution, so payment_id alone is compared).
- declaration_waybill_mismatch: a declaration names a waybill_id that is not among the order's waybills
  (checked only when the order has waybills).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from cbec.core.money import FxRateMissing, FxTable
from cbec.core.months import check_month
from cbec.monitoring.matching.joined import DUCKDB, FEED_COLUMNS, empty_feed
from cbec.monitoring.matching.sql import (
    REASONS,
    RULE_VERSION,
    facts_sql,
    findings_sql,
    per_payment_sql,
)

__all__ = [
    "REASONS",
    "RULE_VERSION",
    "MatchResult",
    "check_matching_args",
    "findings_of",
    "fx_rates_table",
    "match_documents",
    "match_rates",
]

RateKey = Literal["institution_id", "platform_id", "enterprise_id"]
FX_SCHEMA = pa.schema([("day", pa.date32()), ("currency", pa.string()), ("cny_per_unit", pa.decimal128(24, 12))])


@dataclass(frozen=True)
class MatchResult:
    """The findings (one row per payment and reason) and one row per payment with an order_id."""

    findings: pa.Table
    per_payment: pa.Table


def fx_rates_table(fx: FxTable, days: list[date]) -> pa.Table:
    """Return (day, currency, cny_per_unit) for every currency of the table on each day, CNY as 1."""
    rows: dict[str, list[object]] = {"day": [], "currency": [], "cny_per_unit": []}
    for day in sorted(set(days)):
        for currency in sorted(fx.currencies()):  # CNY included, at 1
            try:
                rate = fx.rate(currency, day)
            except FxRateMissing:
                continue  # left out: the comparison that needs it reports fx_rate_missing
            rows["day"].append(day)
            rows["currency"].append(currency)
            rows["cny_per_unit"].append(rate.quantize(Decimal("1e-12")))
    return pa.table(rows, schema=FX_SCHEMA)


def _sources(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Return what to read each feed from: its view, or an empty stand-in when nothing was loaded."""
    query = "SELECT view_name FROM duckdb_views() WHERE NOT internal"
    views = {str(name) for (name,) in con.sql(query).fetchall()}
    return {feed: feed if feed in views else f"({empty_feed(feed, DUCKDB)})" for feed in FEED_COLUMNS}


def _payment_days(con: duckdb.DuckDBPyConnection, month: str | None) -> list[date]:
    """Return the local dates on which the payments in scope were initiated."""
    where = "AND month = $month" if month else ""
    params = {"month": month} if month else None
    rows = con.sql(
        f"SELECT DISTINCT CAST(initiated_at AS DATE) FROM payments WHERE order_id IS NOT NULL {where}",
        params=params,
    ).fetchall()
    return [day for (day,) in rows]


def check_matching_args(month: str | None, tolerance: Decimal, ship_within_days: int) -> None:
    """Raise ValueError for a month, tolerance or shipping delay matching cannot use."""
    if month is not None:
        check_month(month)
    if not Decimal(0) < tolerance < Decimal(1):
        raise ValueError(f"tolerance must be a ratio between 0 and 1, got {tolerance}")
    if ship_within_days < 0:
        raise ValueError(f"ship_within_days must not be negative, got {ship_within_days}")


def match_documents(
    con: duckdb.DuckDBPyConnection,
    *,
    month: str | None = None,
    fx: FxTable,
    tolerance: Decimal = Decimal("0.05"),
    ship_within_days: int = 30,
) -> MatchResult:
    """Match payments (of one month, 'YYYY-MM', or all) with their documents on a read-side connection.

    The connection needs the `payments` view of cbec.feeds.service.read_side; missing document views
    count as empty. Nothing is stored: the temporary table and FX view it uses are dropped on return.
    """
    check_matching_args(month, tolerance, ship_within_days)
    sources = _sources(con)
    fx_view = f"_match_fx_{uuid.uuid4().hex[:12]}"
    days = _payment_days(con, month) if sources["payments"] == "payments" else []
    con.register(fx_view, fx_rates_table(fx, days))
    try:
        query = facts_sql(sources=sources, fx=fx_view, by_month=bool(month))
        return findings_of(con, query, month=month, tolerance=tolerance, ship_within_days=ship_within_days)
    finally:
        con.unregister(fx_view)


def findings_of(
    con: duckdb.DuckDBPyConnection,
    facts_query: str,
    *,
    month: str | None,
    tolerance: Decimal,
    ship_within_days: int,
) -> MatchResult:
    """Run the facts query (facts_sql, or flags_sql over a joined table) and return findings and per payment."""
    facts = f"_match_facts_{uuid.uuid4().hex[:12]}"
    fact_params: dict[str, object] = {"tolerance": tolerance, "ship_days": ship_within_days}
    if month and "$month" in facts_query:
        fact_params["month"] = month
    finding_params: dict[str, object] = {
        "tolerance": tolerance,
        "tolerance_text": f"{(tolerance * 100).normalize():f}%",
        "ship_days": ship_within_days,
    }
    try:
        con.execute(f"CREATE TEMP TABLE {facts} AS {facts_query}", fact_params)
        findings = con.sql(findings_sql(facts), params=finding_params).to_arrow_table()
        per_payment = con.sql(per_payment_sql(facts)).to_arrow_table()
    finally:
        con.execute(f"DROP TABLE IF EXISTS {facts}")
    return MatchResult(findings=findings, per_payment=per_payment)


def match_rates(result: MatchResult, by: RateKey) -> pa.Table:
    """Return per institution, platform or enterprise: checked payments, matched ones and the rate.

    `payments` counts succeeded payments with an order_id; `refunded_or_reversed` counts those that were
    not checked for that reason; `rate` is matched / payments (null when nothing was checked).
    """
    if by not in ("institution_id", "platform_id", "enterprise_id"):
        raise ValueError(f"by must be institution_id, platform_id or enterprise_id, got {by!r}")
    table = result.per_payment
    counts = pa.table(
        {
            by: table[by],
            "payments": pc.cast(table["checked"], pa.int64()),
            "matched": pc.cast(pc.fill_null(table["matched"], False), pa.int64()),
            "refunded_or_reversed": pc.cast(pc.is_in(table["status"], pa.array(["refunded", "reversed"])), pa.int64()),
        }
    )
    grouped = counts.group_by(by).aggregate([("payments", "sum"), ("matched", "sum"), ("refunded_or_reversed", "sum")])
    payments = grouped["payments_sum"]
    matched = grouped["matched_sum"]
    rate = pc.if_else(
        pc.greater(payments, 0),
        pc.divide(pc.cast(matched, pa.float64()), pc.cast(payments, pa.float64())),
        pa.scalar(None, pa.float64()),
    )
    out = pa.table(
        {
            by: grouped[by],
            "payments": payments,
            "matched": matched,
            "rate": rate,
            "refunded_or_reversed": grouped["refunded_or_reversed_sum"],
        }
    )
    return out.sort_by([(by, "ascending")])
