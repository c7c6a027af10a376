"""Three-document amount checks at a tighter tolerance for named enterprises (low credit grades).

Matching runs once at the tightest tolerance asked for; an amount_mismatch finding becomes an alert only when
its enterprise is named, its deviation is above that enterprise's own tolerance, and it is not above the base
tolerance (those the ordinary run already alerts). The alert's threshold is the enterprise's tolerance and its
explanation says why that tolerance applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

import duckdb
import pyarrow as pa

from cbec.core.money import FxTable
from cbec.monitoring.engine import Alert
from cbec.monitoring.matching.alerts import findings_to_alerts
from cbec.monitoring.matching.run import MatchResult, match_documents


@dataclass(frozen=True, slots=True)
class Tightened:
    """An enterprise's own amount tolerance and why it applies (zh, en)."""

    tolerance: Decimal
    why_zh: str
    why_en: str


def tightened_alerts(
    con: duckdb.DuckDBPyConnection,
    *,
    month: str,
    fx: FxTable,
    tolerances: Mapping[str, Tightened],
    base: Decimal,
) -> list[tuple[str, Alert]]:
    """Return (enterprise, alert) for the amount mismatches only the named enterprises' tolerances raise."""
    if not tolerances:
        return []
    tightest = min(t.tolerance for t in tolerances.values())
    result = match_documents(con, month=month, fx=fx, tolerance=tightest)
    rows = result.findings.to_pylist()
    keep = [
        i
        for i, r in enumerate(rows)
        if r["reason"] == "amount_mismatch"
        and r["enterprise_id"] in tolerances
        and r["observed"] is not None
        and tolerances[r["enterprise_id"]].tolerance < r["observed"] <= base
    ]
    if not keep:
        return []
    chosen = MatchResult(findings=result.findings.take(pa.array(keep, type=pa.int64())), per_payment=result.per_payment)
    by_payment = {(rows[i]["institution_id"], rows[i]["payment_id"]): rows[i]["enterprise_id"] for i in keep}
    out = []
    for alert in findings_to_alerts(con, chosen):
        enterprise = by_payment[alert.payments[0]]
        t = tolerances[enterprise]
        zh = f"三单对碰：金额差异 {alert.observed:.2%} 超过收紧后的容差 {t.tolerance:.2%}（{t.why_zh}）"
        en = (
            f"three-document match: amounts differ by {alert.observed:.2%}, above the tightened tolerance "
            f"{t.tolerance:.2%} ({t.why_en})"
        )
        out.append((enterprise, replace(alert, threshold=t.tolerance, explanation_zh=zh, explanation_en=en)))
    return out
