"""Three-document findings as alerts, so that every finding reaches the one alert queue."""

from __future__ import annotations

from decimal import Decimal

import duckdb

from cbec.monitoring.engine import Alert
from cbec.monitoring.matching.run import RULE_VERSION, MatchResult

SEVERITY = {
    "missing_order": "high",
    "missing_waybill": "medium",
    "missing_declaration": "medium",
    "ambiguous_order": "medium",
    "amount_mismatch": "high",
    "fx_rate_missing": "low",
    "payer_not_buyer": "medium",
    "country_mismatch": "medium",
    "paid_not_shipped": "high",
    "declaration_payment_mismatch": "medium",
    "declaration_waybill_mismatch": "medium",
}
# Which synthetic typology a finding answers; the rest are plain three-document findings.
TYPOLOGY = {
    "missing_order": "payment_without_order",
    "missing_waybill": "payment_without_order",
    "missing_declaration": "payment_without_order",
    "amount_mismatch": "amount_mismatch",
}


def findings_to_alerts(con: duckdb.DuckDBPyConnection, result: MatchResult) -> list[Alert]:
    """Turn each (payment, reason) finding into an alert keyed by its order, timed by its payment."""
    if result.findings.num_rows == 0:
        return []
    con.register("_doc_findings", result.findings)
    rows = (
        con.sql(
            """
        SELECT f.*, p.initiated_at FROM _doc_findings f
        JOIN payments p USING (institution_id, payment_id) ORDER BY p.initiated_at, f.payment_id, f.reason
        """
        )
        .to_arrow_table()
        .to_pylist()
    )
    con.unregister("_doc_findings")
    alerts = []
    for row in rows:
        reason = row["reason"]
        alerts.append(
            Alert(
                alert_id=f"DOC-{reason}|{row['order_id']}|{row['institution_id']}/{row['payment_id']}",
                rule_id=f"DOC-{reason}",
                rule_version=RULE_VERSION,
                severity=SEVERITY.get(reason, "medium"),
                typology=TYPOLOGY.get(reason, "three_document"),
                key=(("order_id", str(row["order_id"])),),
                observed=row["observed"] if row["observed"] is not None else Decimal(1),
                threshold=row["threshold"],
                window="-",
                first_at=row["initiated_at"],
                last_at=row["initiated_at"],
                payments=((row["institution_id"], row["payment_id"]),),
                payment_count=1,
                explanation_zh=f"三单对碰：{row['explanation_zh']}",
                explanation_en=f"three-document match: {row['explanation_en']}",
            )
        )
    return alerts
