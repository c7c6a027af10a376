"""Keep detected alerts: the filter step, then the writes and the audit record, in one transaction.

Every driver (batch, streaming, the JetStream workers) stores its alerts through `save_alerts`, so a
repeated detection of a stored episode is counted as a repeat and never stored twice.
"""

from __future__ import annotations

from datetime import UTC, datetime

from cbec.audit import service as audit
from cbec.monitoring.alerts import store as alert_store
from cbec.monitoring.engine import Alert
from cbec.monitoring.schemas import RunSummary
from cbec.storage.engine import transaction
from cbec.storage.store import Store


def save_alerts(store: Store, alerts: list[Alert], summary: RunSummary, source: str, actor: str = "system") -> None:
    """Run the filter step and keep what it lets through, in one transaction; add the counts to `summary`."""
    if not alerts:  # nothing to filter or write: no transaction (a micro-batch of one payment rarely alerts)
        return
    alert_store.prepare_partitions(store.engine, alerts)  # PostgreSQL: the months' partitions exist first
    with transaction(store.factory) as session:
        verdict = alert_store.filter_alerts(session, alerts)
        alert_store.write_alerts(
            session, verdict.new, ruleset_version=summary.ruleset, source=source, now=datetime.now(UTC)
        )
        alert_store.grow_alerts(session, verdict.grown)
        if verdict.new or verdict.grown:
            audit.record(
                session,
                actor=actor,
                action=f"alerts.{source}",
                entity="alert_run",
                entity_id=f"{summary.month or 'stream'}:{summary.ruleset}",
                after={
                    "new": [a.alert_id for a in verdict.new][:200],
                    "new_count": len(verdict.new),
                    "grown_count": len(verdict.grown),
                    "snoozed": verdict.snoozed,
                },
            )
    summary.detected += len(alerts)
    summary.new += len(verdict.new)
    summary.grown += len(verdict.grown)
    summary.duplicate += verdict.duplicate
    summary.snoozed += verdict.snoozed
    for alert in alerts:
        summary.by_rule[alert.rule_id] = summary.by_rule.get(alert.rule_id, 0) + 1
