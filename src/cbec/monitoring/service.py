"""What entry points and other contexts call to monitor payments and work with alerts.

Besides its own functions it hands on, as its own, what its rooms implement for callers: the alerts a principal
may see (alerts/read.py), the dashboard's read side (alerts/overview.py), fund-flow cases (graph/cases.py),
the learned model (learned/scoring.py), triage's review queue and report register (triage/read.py) and the
JetStream scale-out (streaming/jetstream/service.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from cbec.audit import service as audit
from cbec.core.money import FxTable, load_fx_table
from cbec.feeds.service import lake_views, read_side
from cbec.monitoring.alerts import store as alert_store
from cbec.monitoring.alerts.filter import save_alerts as _save
from cbec.monitoring.alerts.overview import (
    alert_breakdown,
    available_months,
    busiest_enterprises,
    city_activity,
    daily_trend,
    evidence_graph,
    payment_amounts,
    payment_total,
)
from cbec.monitoring.alerts.read import (
    count_alerts,
    export_alerts,
    get_alert,
    list_alerts,
    next_cursor,
    page_alerts,
)
from cbec.monitoring.batch.backend import BACKENDS, Backend, BatchBackend
from cbec.monitoring.batch.driver import run_batch
from cbec.monitoring.engine import Alert
from cbec.monitoring.graph.cases import export_case, get_case, list_cases, save_cases
from cbec.monitoring.graph.config import load_graph_params
from cbec.monitoring.graph.patterns import Finding, to_alert
from cbec.monitoring.graph.sql import detect_month
from cbec.monitoring.learned.scoring import score_month, show_model, train_model
from cbec.monitoring.matching.alerts import findings_to_alerts
from cbec.monitoring.matching.kept import keep_match_rates as _keep_match_rates
from cbec.monitoring.matching.kept import kept_match_rates
from cbec.monitoring.matching.run import match_documents, match_rates
from cbec.monitoring.matching.tightened import Tightened as Tightened  # a tighter tolerance and why
from cbec.monitoring.matching.tightened import tightened_alerts
from cbec.monitoring.models import AlertPayment, AlertRecord
from cbec.monitoring.rules.model import RuleSet
from cbec.monitoring.rules.parser import SHIPPED_RULES, RuleError, RuleSetError, check_rule_files, load_ruleset
from cbec.monitoring.schemas import AlertRead, BacktestRow, RunSummary
from cbec.monitoring.streaming.jetstream.service import (
    DEFAULT_PREFIX,
    DEFAULT_STREAM,
    PER_MESSAGE,
    NatsUnavailable,
    StreamMismatch,
    WorkerOptions,
    publish,
    work,
)
from cbec.monitoring.streaming.rows import payment_from_text
from cbec.monitoring.streaming.run import score_payment as score_payment
from cbec.monitoring.streaming.run import scoring_engine as scoring_engine
from cbec.monitoring.streaming.run import stored_alerts as stored_alerts
from cbec.monitoring.streaming.run import stream as stream
from cbec.monitoring.streaming.run import worker_checkpoints as worker_checkpoints
from cbec.monitoring.triage.attachments import MAX_ATTACHMENT_BYTES, attach_file, list_attachments, read_attachment
from cbec.monitoring.triage.bulk import BULK_DISPOSITIONS, MAX_BULK, bulk_assign, bulk_close
from cbec.monitoring.triage.cases import get_review_case, list_review_cases
from cbec.monitoring.triage.feedback import rule_precision, train_with_dispositions
from cbec.monitoring.triage.lifecycle import DISPOSITIONS
from cbec.monitoring.triage.publish import live_weights, publish_text, publish_weights
from cbec.monitoring.triage.read import count_items, export_queue, get_item, list_items, list_reports
from cbec.monitoring.triage.report_draft import get_report_draft, report_text
from cbec.monitoring.triage.run import triage_stored_month
from cbec.monitoring.triage.shadow import shadow_month, shadow_text
from cbec.monitoring.triage.workflow import (
    assign_item,
    check_close,
    close_item,
    comment_item,
    item_steps,
    start_item,
)
from cbec.storage.engine import transaction
from cbec.storage.store import Store

__all__ = [
    "BACKENDS",
    "BULK_DISPOSITIONS",
    "DEFAULT_PREFIX",
    "DEFAULT_STREAM",
    "DISPOSITIONS",
    "MAX_ATTACHMENT_BYTES",
    "MAX_BULK",
    "PER_MESSAGE",
    "AlertRead",
    "BacktestRow",
    "NatsUnavailable",
    "RuleSetError",
    "RunSummary",
    "StreamMismatch",
    "WorkerOptions",
    "alert_breakdown",
    "assign_item",
    "attach_file",
    "available_months",
    "bulk_assign",
    "bulk_close",
    "busiest_enterprises",
    "check_close",
    "city_activity",
    "close_item",
    "comment_item",
    "count_alerts",
    "count_items",
    "daily_trend",
    "evidence_graph",
    "export_alerts",
    "export_case",
    "export_queue",
    "get_alert",
    "get_case",
    "get_item",
    "get_report_draft",
    "get_review_case",
    "item_steps",
    "kept_match_rates",
    "list_alerts",
    "list_attachments",
    "list_cases",
    "list_items",
    "list_reports",
    "list_review_cases",
    "month_match_rates",
    "next_cursor",
    "page_alerts",
    "payment_amounts",
    "payment_from_text",
    "payment_total",
    "publish",
    "publish_text",
    "publish_weights",
    "read_attachment",
    "report_text",
    "rule_precision",
    "shadow_month",
    "shadow_text",
    "show_model",
    "start_item",
    "train_model",
    "train_with_dispositions",
    "work",
]


def check_rules(*, paths: Sequence[Path] | None = None) -> list[RuleError]:
    """Check rule files whole (the shipped set by default); return every error."""
    return check_rule_files(list(paths) if paths else [SHIPPED_RULES])


def _ruleset(path: Path | None) -> RuleSet:
    return load_ruleset(path or SHIPPED_RULES)


def _fx(store: Store) -> FxTable:
    return load_fx_table(store.settings.fx_file)


def run_month(
    *,
    store: Store,
    month: str,
    rules: Path | None = None,
    matching: bool = True,
    model: Path | None = None,
    graph: bool = False,
    backend: Backend | None = None,
    triage: bool = True,
) -> RunSummary:
    """Run the rules and matching (on `backend`, else CBEC_BATCH_BACKEND), and when asked graph patterns and a model.

    Then triage (monitoring/triage/): large-value reports to their register, one risk score per payment, and a
    review item for each payment whose score passes the threshold.
    """
    ruleset, fx = _ruleset(rules), _fx(store)
    model_scores: Path | None = None
    findings: list[Finding] = []
    params = load_graph_params()
    summary = RunSummary(month=month, ruleset=f"{ruleset.id}@{ruleset.version}")
    kept: dict[str, list[dict[str, Any]]] = {}
    con = read_side(store=store)
    try:
        if "payments" not in lake_views(con):
            raise ValueError("尚未导入支付数据，请先运行 cbec ingest / no payments loaded yet: run cbec ingest first")
        count = con.execute("SELECT count(*) FROM payments WHERE month = ?", [month]).fetchall()
        summary.payments = int(count[0][0])
        engine = BatchBackend(store, con, backend or store.settings.batch_backend)
        for found in engine.alerts(ruleset=ruleset, fx=fx, month=month):
            _save(store, found, summary, "batch")  # kept per partition and let go: memory stays bounded
        alerts: list[Alert] = []  # the matching's, the model's and the graph's, kept together below
        if matching:
            result = engine.matching(fx=fx, month=month)
            alerts += findings_to_alerts(con, result)
            rates = match_rates(result, "institution_id").to_pylist()
            checked = sum(r["payments"] for r in rates)
            summary.match_rate = sum(r["matched"] for r in rates) / checked if checked else None
            kept = {"institution_id": rates, "platform_id": match_rates(result, "platform_id").to_pylist()}
        if model is not None:
            scores = score_month(con, model=model, month=month, fx=fx, lake_root=store.lake.root)
            alerts += scores.alerts
            summary.model, summary.scored, model_scores = scores.model, scores.scored, scores.path
        if graph:
            findings = detect_month(con, params=params, ruleset=ruleset, fx=fx, month=month)
            alerts += [to_alert(f, params) for f in findings]
    finally:
        con.close()
    _save(store, alerts, summary, "batch")
    if matching:
        _keep_match_rates(store, month, kept)
    if findings:
        summary.cases = save_cases(store=store, findings=findings, params=params, now=datetime.now(UTC))
    if triage:
        _triage(store, month, ruleset, fx, model_scores, summary)
    return summary


MATCH_TOLERANCE = Decimal("0.05")  # the amount tolerance of three-document matching (match_documents' default)


def run_tightened_matching(
    *, store: Store, month: str, tolerances: Mapping[str, Tightened], base: Decimal = MATCH_TOLERANCE
) -> tuple[dict[str, int], int]:
    """Alert the amount mismatches the named enterprises' tighter tolerances raise: (found per enterprise, new).

    The caller (credit, from the grades) names the enterprises and their tolerances; a rerun alerts nothing twice.
    """
    con = read_side(store=store)
    try:
        if "payments" not in lake_views(con):
            raise ValueError("尚未导入支付数据，请先运行 cbec ingest / no payments loaded yet: run cbec ingest first")
        found = tightened_alerts(con, month=month, fx=_fx(store), tolerances=tolerances, base=base)
    finally:
        con.close()
    summary = RunSummary(month=month, ruleset="three_document_tightened")
    _save(store, [alert for _, alert in found], summary, "batch")
    return dict(Counter(enterprise for enterprise, _ in found)), summary.new


def _triage(
    store: Store, month: str, ruleset: RuleSet, fx: FxTable, model_scores: Path | None, summary: RunSummary
) -> None:
    """Triage the month just stored with the live weights (triage/publish.py); add what it did to `summary`."""
    weights = live_weights(store)
    done = triage_stored_month(
        store=store, month=month, ruleset=ruleset, fx=fx, model_scores=model_scores, config_path=weights
    )
    summary.large_value_reports, summary.review_items_new = done.reports_due, done.items_new
    summary.review_items_passed, summary.triage = done.passed, f"{done.config_version}/{done.profile}"
    summary.triage_seconds = done.seconds


def alert_counts(*, store: Store, month: str) -> list[tuple[str, str, str, int]]:
    """Return (typology, institution_id or "", severity, alerts) for a month, counted in the database."""
    query = (
        select(AlertRecord.typology, AlertRecord.institution_id, AlertRecord.severity, func.count())
        .where(AlertRecord.month == month)
        .group_by(AlertRecord.typology, AlertRecord.institution_id, AlertRecord.severity)
    )
    with store.factory() as session:
        return [(t, i or "", s, int(n)) for t, i, s, n in session.execute(query).all()]


def month_match_rates(*, store: Store, month: str, by: str) -> list[dict[str, Any]]:
    """Return a month's match rates as its monitoring run kept them, else matched again (as match_rate_table).

    Matching again reads the month's payments, orders and logistics (4 s of a 5 s rating at 400k payments,
    minutes at 100M): the report and the ratings take the run's counts, so documents that arrive after the run
    count once the month is monitored again.
    """
    kept = kept_match_rates(store=store, month=month, by=by)
    return kept if kept is not None else match_rate_table(store=store, month=month, by=by)


def match_rate_table(*, store: Store, month: str, by: str) -> list[dict[str, Any]]:
    """Return three-document match rates for a month per institution_id, platform_id or enterprise_id."""
    if by not in ("institution_id", "platform_id", "enterprise_id"):
        raise ValueError(f"match rates are per institution_id, platform_id or enterprise_id, not {by!r}")
    con = read_side(store=store)
    try:
        result = match_documents(con, month=month, fx=_fx(store))
    finally:
        con.close()
    rows: list[dict[str, Any]] = match_rates(result, by).to_pylist()  # type: ignore[arg-type]
    return sorted(rows, key=lambda r: (r["rate"] is None, r["rate"] or 0))


def snooze(*, store: Store, rule_id: str, key: str, until: datetime, reason: str, by: str) -> None:
    """Silence one rule for one key until a time; later detections of it are held back by the filter step."""
    with transaction(store.factory) as session:
        alert_store.add_snooze(session, rule_id=rule_id, key=key, until=until, reason=reason, by=by)
        audit.record(
            session,
            actor=by,
            action="alert.snooze",
            entity="snooze",
            entity_id=f"{rule_id}|{key}",
            after={"until": until, "reason": reason},
        )


def backtest(*, store: Store, months: Sequence[str], candidate: Path, current: Path | None = None) -> list[BacktestRow]:
    """Run the current and a candidate rule set over past months; count alerts per rule (nothing is stored)."""
    fx, budget = _fx(store), store.settings.batch_memory_mb
    counts: dict[str, Counter[str]] = {"before": Counter(), "after": Counter()}
    con = read_side(store=store)
    try:
        for label, path in (("before", current), ("after", candidate)):
            ruleset = _ruleset(path)
            for month in months:
                found = run_batch(con, ruleset=ruleset, fx=fx, month=month, memory_mb=budget)
                counts[label].update(a.rule_id for a in found)
    finally:
        con.close()
    rule_ids = sorted(set(counts["before"]) | set(counts["after"]))
    return [BacktestRow(rule_id=r, before=counts["before"][r], after=counts["after"][r]) for r in rule_ids]


def alerted_payments(*, store: Store, months: Sequence[str]) -> list[tuple[int, str, str, str]]:
    """Return (alert id, severity, institution id, payment id) for every payment the months' alerts name."""
    query = (
        select(AlertRecord.id, AlertRecord.severity, AlertPayment.institution_id, AlertPayment.payment_id)
        .join(AlertPayment, AlertPayment.alert_id == AlertRecord.id)
        .where(AlertRecord.month.in_(list(months)))
        .order_by(AlertRecord.id)
    )
    with store.factory() as session:
        return [(int(a), s, i, p) for a, s, i, p in session.execute(query).all()]


def alert_summary(*, store: Store, month: str) -> list[dict[str, Any]]:
    """Return the month's alerts counted per institution, severity and typology, with their ids."""
    query = (
        select(
            AlertRecord.institution_id,
            AlertRecord.severity,
            AlertRecord.typology,
            func.count(AlertRecord.id),
            func.min(AlertRecord.id),
            func.max(AlertRecord.id),
        )
        .where(AlertRecord.month == month)
        .group_by(AlertRecord.institution_id, AlertRecord.severity, AlertRecord.typology)
    )
    with store.factory() as session:
        rows = session.execute(query).all()
    return [
        {"institution_id": i, "severity": s, "typology": t, "alerts": n, "first_id": lo, "last_id": hi}
        for i, s, t, n, lo, hi in rows
    ]
