"""Build the consumer-protection, product-quality and IP sections of the monthly report."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from cbec.complaints import service as complaints
from cbec.core.months import last_day
from cbec.feeds import service as feeds
from cbec.ip import service as ip
from cbec.quality import service as quality
from cbec.reports.context import BuildContext
from cbec.reports.rollups import kept

TOP_IP_RISK = 10
_PAIRS = TypeAdapter(list[tuple[str, str]])


def build_consumers(ctx: BuildContext) -> dict[str, Any]:
    """Complaints received in the month by category and state, overdue ones, satisfaction; quality cases."""
    summary = complaints.month_summary(store=ctx.store, month=ctx.month)
    per_enterprise = quality.enterprise_quality(store=ctx.store)
    cases = quality.list_cases(store=ctx.store)
    measures: dict[str, int] = {}
    for case in cases:
        measures[case.measure] = measures.get(case.measure, 0) + 1
    return {
        "complaints": summary,
        "quality": {
            "filings": sum(e.filings for e in per_enterprise),
            "findings": sum(e.filing_findings for e in per_enterprise),
            "inspections": sum(e.inspections for e in per_enterprise),
            "failed": sum(e.inspections_failed for e in per_enterprise),
            "cases_open": sum(e.cases_open for e in per_enterprise),
            "cases_overdue": sum(e.cases_overdue for e in per_enterprise),
            "by_measure": measures,
        },
    }


def build_ip(ctx: BuildContext) -> dict[str, Any]:
    """Listings that hit a registered mark, the enterprises most at IP risk, and takedown cases by state."""
    # Which enterprise declares for which seller: a join of every declaration with every order, kept as a rollup.
    reads = {feed: feeds.months_with_data(store=ctx.store, feed=feed) for feed in ("declarations", "orders")}
    declared = kept(
        ctx,
        name="ip",
        month=ctx.month,
        reads=reads,
        inputs=[],
        compute=lambda: ip.declared_suppliers(store=ctx.store),
        adapter=_PAIRS,
    )
    risk = ip.ip_risk_overview(store=ctx.store, today=last_day(ctx.month), top=TOP_IP_RISK, declared=declared)
    states: dict[str, int] = {}
    for case in ip.list_takedowns(store=ctx.store):
        states[case.state] = states.get(case.state, 0) + 1
    return {
        "findings": risk.findings,
        "enterprises": risk.enterprises,
        "top": [r.model_dump() for r in risk.top],
        "takedowns": states,
    }
