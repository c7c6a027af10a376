"""A month whose review items analysts have judged: evidence of every source, then dispositions of each kind.

On the hand-made month of triage_month.py, before triage: a suspicion rule names Q1, Q2, Q3; a graph pattern Q1,
Q4; the learned model's alerts Q1, Q2, Q4, Q5 and P1; a document finding Q5; another rule Q10 (which no item
holds). Triage with a model's scores opens items for P1 (PI-A) and Q1 to Q6 (PI-B). Then:
Q1 true positive, Q2 false positive (checked by a second person), Q3 escalated, Q4 no action, Q5 true positive,
P1 true positive; Q6 waits for its checker (not yet a disposition).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

from tests.integration.monitoring.triage_month import MONTH, load_rows, triage_with_model

from cbec.auth.domain import Principal
from cbec.core.clock import SHANGHAI
from cbec.monitoring import service
from cbec.monitoring.alerts.filter import save_alerts
from cbec.monitoring.engine import Alert
from cbec.monitoring.schemas import RunSummary
from cbec.storage.store import Store

ANALYST = Principal("wang", "regulator-analyst")
CHECKER = Principal("li", "regulator-admin")
AT = datetime(2026, 10, 20, 12, tzinfo=SHANGHAI)
EVIDENCE = {
    # rule id: (typology, the PI-B payments it names)
    "R-SPLIT": ("structuring", ["Q1", "Q2", "Q3"]),
    "GRAPH-FAN-OUT": ("fan_out", ["Q1", "Q4"]),
    "MODEL-aml": ("learned", ["Q1", "Q2", "Q4", "Q5"]),
    "DOC-NO-ORDER": ("documents", ["Q5"]),
    "R-ROUND": ("round_amounts", ["Q10"]),
}
JUDGED = {
    "Q1": "true_positive",
    "Q2": "false_positive",
    "Q3": "escalated",
    "Q4": "no_action",
    "Q5": "true_positive",
    "P1": "true_positive",
}


def _alert(rule_id: str, typology: str, institution: str, payments: list[str]) -> Alert:
    return Alert(
        alert_id=f"{rule_id}:{institution}:{'+'.join(payments)}",
        rule_id=rule_id,
        rule_version=1,
        severity="high",
        typology=typology,
        key=(("institution_id", institution),),
        observed=Decimal(len(payments)),
        threshold=Decimal(1),
        window="P30D",
        first_at=AT,
        last_at=AT,
        payments=tuple((institution, p) for p in payments),
        payment_count=len(payments),
        explanation_zh="测试证据",
        explanation_en="test evidence",
    )


def judged_month(store: Store, tmp_path: Path) -> dict[str, int]:
    """Build the month above; return the review item id of each payment."""
    load_rows(store, tmp_path)
    service.run_month(store=store, month=MONTH, matching=False, graph=False, triage=False)
    alerts = [_alert(rule, typology, "PI-B", payments) for rule, (typology, payments) in EVIDENCE.items()]
    alerts.append(_alert("MODEL-aml", "learned", "PI-A", ["P1"]))
    save_alerts(store, alerts, RunSummary(month=MONTH, ruleset="test"), "batch")
    triage_with_model(store, tmp_path, {p: 0.99 for p in ("P1", "Q1", "Q2", "Q3", "Q4", "Q5", "Q6")})
    ids = {str(i["payment_id"]): int(i["id"]) for i in service.list_items(store=store, limit=None)}
    for payment in [*JUDGED, "Q6"]:
        item = ids[payment]
        service.assign_item(store=store, item_id=item, assignee="wang", principal=ANALYST)
        service.start_item(store=store, item_id=item, principal=ANALYST)
        disposition = JUDGED.get(payment, "false_positive")
        service.close_item(store=store, item_id=item, disposition=disposition, reason="test", principal=ANALYST)
        if payment in JUDGED and disposition == "false_positive":
            service.check_close(store=store, item_id=item, approve=True, reason="agreed", principal=CHECKER)
    return ids
