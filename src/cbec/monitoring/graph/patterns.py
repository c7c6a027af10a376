"""Fund-flow graph findings: what a detected pattern is, its stable key, its alert and its subgraph (pure)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from cbec.core.i18n import labels
from cbec.core.jsontypes import JsonObject
from cbec.monitoring.engine import Alert, from_micros
from cbec.monitoring.graph.config import GraphParams

NAMES = labels.pairs("graph_pattern")  # (zh, en) by pattern: the catalogs name each code once
SIZE_BOUND = {
    "fan_out": "min_counterparties",
    "fan_in": "min_counterparties",
    "cycle": "min_length",
    "scatter_gather": "min_intermediaries",
    "gather_scatter": "min_sources",
    "bipartite": "min_sources",
    "stack": "min_width",
    "chain": "min_length",
}
SHOWN_ACCOUNTS = 12


@dataclass(frozen=True, slots=True)
class GraphEdge:
    """One payment as an edge of the fund-flow graph."""

    institution_id: str
    payment_id: str
    payer_id: str
    payee_id: str
    amount_cny: Decimal
    ts: int  # µs since the epoch


@dataclass(frozen=True, slots=True)
class Finding:
    """One pattern instance: the pattern, its anchor account(s), its payments in time order."""

    pattern: str
    anchor: str
    key: str
    edges: tuple[GraphEdge, ...]

    @property
    def first_us(self) -> int:
        """Return the time of the first payment."""
        return min(e.ts for e in self.edges)

    @property
    def last_us(self) -> int:
        """Return the time of the last payment."""
        return max(e.ts for e in self.edges)

    @property
    def accounts(self) -> tuple[str, ...]:
        """Return the accounts in the order money first reaches them."""
        seen: dict[str, None] = {}
        for edge in self.edges:
            seen.setdefault(edge.payer_id)
            seen.setdefault(edge.payee_id)
        return tuple(seen)

    @property
    def total_cny(self) -> Decimal:
        """Return the sum of the payments' CNY amounts."""
        return sum((e.amount_cny for e in self.edges), Decimal("0.00"))


def pattern_key(pattern: str, edges: tuple[GraphEdge, ...]) -> str:
    """Return a stable key of a pattern instance: the pattern and a digest of its payments."""
    text = "\n".join(sorted(f"{e.institution_id}/{e.payment_id}" for e in edges))
    return f"{pattern}:{hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:16]}"


def finding_of(pattern: str, anchor: str, edges: tuple[GraphEdge, ...]) -> Finding:
    """Build a finding with its edges in time order and its stable key."""
    ordered = tuple(sorted(edges, key=lambda e: (e.ts, e.institution_id, e.payment_id)))
    return Finding(pattern, anchor, pattern_key(pattern, ordered), ordered)


def rule_id(pattern: str) -> str:
    """Return the alert rule id of a pattern, e.g. GRAPH-SCATTER-GATHER."""
    return "GRAPH-" + pattern.upper().replace("_", "-")


def _accounts_text(accounts: tuple[str, ...]) -> str:
    shown = ", ".join(accounts[:SHOWN_ACCOUNTS])
    return shown + (f" (+{len(accounts) - SHOWN_ACCOUNTS})" if len(accounts) > SHOWN_ACCOUNTS else "")


def to_alert(finding: Finding, params: GraphParams) -> Alert:
    """Turn a finding into an alert that names its accounts, amounts and time span."""
    p = params.pattern(finding.pattern)
    zh, en = NAMES[finding.pattern]
    bound = p.size(SIZE_BOUND[finding.pattern])
    first, last = from_micros(finding.first_us), from_micros(finding.last_us)
    span = f"{first:%Y-%m-%d %H:%M} – {last:%Y-%m-%d %H:%M}"
    accounts, count = _accounts_text(finding.accounts), len(finding.edges)
    institutions = ", ".join(sorted({e.institution_id for e in finding.edges}))
    return Alert(
        alert_id=f"{rule_id(finding.pattern)}|{finding.key}",
        rule_id=rule_id(finding.pattern),
        rule_version=params.version,
        severity=p.severity,
        typology=finding.pattern,
        key=(("pattern_key", finding.key),),
        observed=finding.total_cny,
        threshold=Decimal(bound),
        window=params.window.text,
        first_at=first,
        last_at=last,
        payments=tuple((e.institution_id, e.payment_id) for e in finding.edges),
        payment_count=count,
        explanation_zh=f"资金网络模式：{zh}（{finding.anchor}）：账户 {accounts} 之间 {count} 笔支付，"
        f"合计人民币 {finding.total_cny}，时间 {span}，涉及机构 {institutions}（参数 {params.id}@{params.version}）",
        explanation_en=f"Fund-flow pattern: {en} ({finding.anchor}): {count} payment(s) among accounts {accounts}, "
        f"CNY {finding.total_cny} in all, {span}, institutions {institutions} "
        f"(parameters {params.id}@{params.version})",
    )


def subgraph(edges: tuple[GraphEdge, ...]) -> JsonObject:
    """Return nodes (accounts with money in and out) and edges (payments) as JSON-ready values."""
    totals: dict[str, list[Decimal]] = {}
    for e in edges:
        totals.setdefault(e.payer_id, [Decimal("0.00"), Decimal("0.00")])[1] += e.amount_cny
        totals.setdefault(e.payee_id, [Decimal("0.00"), Decimal("0.00")])[0] += e.amount_cny
    return {
        "nodes": [{"account": a, "in_cny": str(i), "out_cny": str(o)} for a, (i, o) in totals.items()],
        "edges": [
            {
                "institution_id": e.institution_id,
                "payment_id": e.payment_id,
                "payer_id": e.payer_id,
                "payee_id": e.payee_id,
                "amount_cny": str(e.amount_cny),
                "at": from_micros(e.ts).isoformat(),
            }
            for e in edges
        ],
    }
