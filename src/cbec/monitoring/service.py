"""What entry points and other contexts call to monitor payments and work with alerts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select

from cbec.audit import service as audit
from cbec.auth.domain import SYSTEM, Principal
from cbec.core.money import FxTable, load_fx_table
from cbec.feeds.service import lake_views, read_side
from cbec.monitoring.alerts import store as alert_store
from cbec.monitoring.alerts.filter import save_alerts as _save
from cbec.monitoring.batch.backend import BACKENDS, Backend, BatchBackend
from cbec.monitoring.batch.driver import run_batch
from cbec.monitoring.engine import Alert, Payment
from cbec.monitoring.graph.cases import save_cases
from cbec.monitoring.graph.config import load_graph_params
from cbec.monitoring.graph.patterns import Finding, to_alert
from cbec.monitoring.graph.sql import detect_month
from cbec.monitoring.learned.scoring import score_month, show_model, train_model
from cbec.monitoring.matching.alerts import findings_to_alerts
from cbec.monitoring.matching.run import match_documents, match_rates
from cbec.monitoring.models import AlertRecord, MatchRateRecord
from cbec.monitoring.rules.model import RuleSet
from cbec.monitoring.rules.parser import SHIPPED_RULES, RuleError, check_rule_files, load_ruleset
from cbec.monitoring.schemas import AlertRead, BacktestRow, PaymentRef, RunSummary

__all__ = [
    "BACKENDS",
    "DEFAULT_PREFIX",
    "DEFAULT_STREAM",
    "AlertRead",
    "BacktestRow",
    "NatsUnavailable",
    "RunSummary",
    "StreamMismatch",
    "WorkerOptions",
    "payment_from_text",
    "publish",
    "show_model",
    "train_model",
    "work",
]
from cbec.monitoring.streaming.driver import StreamingEngine
from cbec.monitoring.streaming.jetstream.service import (
    DEFAULT_PREFIX,
    DEFAULT_STREAM,
    NatsUnavailable,
    StreamMismatch,
    WorkerOptions,
    publish,
    work,
)
from cbec.monitoring.streaming.rows import payment_from_text
from cbec.storage.engine import transaction
from cbec.storage.store import Store


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
) -> RunSummary:
    """Run the rules and matching (on `backend`, else CBEC_BATCH_BACKEND), and when asked graph patterns and a model."""
    ruleset, fx = _ruleset(rules), _fx(store)
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
            summary.model, summary.scored = scores.model, scores.scored
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
    return summary


def _keep_match_rates(store: Store, month: str, rates: Mapping[str, list[dict[str, Any]]]) -> None:
    """Replace the month's stored match counts, so that reports read them instead of matching again."""
    now = datetime.now(UTC)
    with transaction(store.factory) as session:
        session.execute(delete(MatchRateRecord).where(MatchRateRecord.month == month))
        session.add_all(
            MatchRateRecord(
                month=month,
                by=by,
                key=row[by] or "",
                payments=row["payments"],
                matched=row["matched"],
                refunded_or_reversed=row["refunded_or_reversed"],
                computed_at=now,
            )
            for by, rows in rates.items()
            for row in rows
        )


def kept_match_rates(*, store: Store, month: str, by: str) -> list[dict[str, Any]] | None:
    """Return the match rates the month's monitoring run kept (as match_rate_table), or None if it kept none."""
    query = select(MatchRateRecord).where(MatchRateRecord.month == month, MatchRateRecord.by == by)
    with store.factory() as session:
        records = list(session.scalars(query))
    if not records:
        return None
    rows = [
        {
            by: r.key or None,
            "payments": r.payments,
            "matched": r.matched,
            "rate": r.matched / r.payments if r.payments else None,
            "refunded_or_reversed": r.refunded_or_reversed,
        }
        for r in records
    ]
    return sorted(rows, key=lambda r: (r["rate"] is None, r["rate"] or 0, r[by] or ""))


def alert_counts(*, store: Store, month: str) -> list[tuple[str, str, str, int]]:
    """Return (typology, institution_id or "", severity, alerts) for a month, counted in the database."""
    query = (
        select(AlertRecord.typology, AlertRecord.institution_id, AlertRecord.severity, func.count())
        .where(AlertRecord.month == month)
        .group_by(AlertRecord.typology, AlertRecord.institution_id, AlertRecord.severity)
    )
    with store.factory() as session:
        return [(t, i or "", s, int(n)) for t, i, s, n in session.execute(query).all()]


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


def stream(
    *,
    store: Store,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    rules: Path | None = None,
    checkpoint: Path | None = None,
    batch_size: int = 1_000,
) -> tuple[RunSummary, list[str]]:
    """Feed payments (line, row) through the streaming driver, saving alerts every micro-batch.

    With a checkpoint file, state is restored from it first and written after every micro-batch,
    so a restarted stream resumes where it stopped without repeating alerts.
    """
    ruleset = _ruleset(rules)
    engine = StreamingEngine(ruleset, _fx(store))
    if checkpoint is not None and checkpoint.exists():
        engine.restore(checkpoint)
    summary = RunSummary(month=None, ruleset=f"{ruleset.id}@{ruleset.version}")
    problems: list[str] = []
    batch: list[Payment] = []

    def flush() -> None:
        alerts = engine.process_many(batch)
        _save(store, alerts, summary, "stream")
        if checkpoint is not None:
            checkpoint.parent.mkdir(parents=True, exist_ok=True)
            engine.checkpoint(checkpoint)
        batch.clear()

    for line, row in rows:
        try:
            batch.append(payment_from_text(row, store.settings.timezone))
        except ValueError as exc:
            problems.append(f"line {line}: {exc}")
            continue
        summary.payments += 1
        if len(batch) >= batch_size:
            flush()
    flush()
    summary.skipped_rows = engine.skipped + engine.unconverted
    return summary, problems


def _read(record: Any, payments: list[tuple[str, str]] | None = None) -> AlertRead:
    read = AlertRead.model_validate(record, from_attributes=True)
    read.payments = [PaymentRef(institution_id=i, payment_id=p) for i, p in payments or []]
    return read


def _scoped(principal: Principal, filters: dict[str, str | None]) -> dict[str, str | None]:
    """Narrow alert filters to what the principal may see: a tenant only ever sees its own alerts."""
    scoped = dict(filters)
    if principal.tenant_column == "institution_id":
        scoped["institution_id"] = principal.tenant_id
    elif principal.tenant_column == "enterprise_id":
        scoped["key_contains"] = f"enterprise_id={principal.tenant_id}"
    elif principal.tenant_column is not None:  # platforms have no payment alerts of their own
        scoped["institution_id"] = principal.scope("institution_id")
    return scoped


def list_alerts(
    *,
    store: Store,
    principal: Principal = SYSTEM,
    limit: int | None = 100,
    offset: int = 0,
    sort: str = "severity",
    month: str | None = None,
    rule_id: str | None = None,
    severity: str | None = None,
    institution_id: str | None = None,
) -> list[AlertRead]:
    """Return the alerts the principal may see, most severe and newest first (or by `sort`)."""
    filters = _scoped(
        principal,
        {"month": month, "rule_id": rule_id, "severity": severity, "institution_id": institution_id},
    )
    with store.factory() as session:
        records = alert_store.query_alerts(session, limit=limit, offset=offset, sort=sort, **filters)
        return [_read(r) for r in records]


def count_alerts(
    *,
    store: Store,
    principal: Principal = SYSTEM,
    month: str | None = None,
    rule_id: str | None = None,
    severity: str | None = None,
    institution_id: str | None = None,
) -> int:
    """Count the alerts list_alerts pages through for the same principal and filters."""
    filters = _scoped(
        principal,
        {"month": month, "rule_id": rule_id, "severity": severity, "institution_id": institution_id},
    )
    with store.factory() as session:
        return alert_store.count_alerts(session, **filters)


def get_alert(*, store: Store, alert_id: int, principal: Principal = SYSTEM) -> AlertRead | None:
    """Return one alert with the payments it names; None when it does not exist for the principal."""
    with store.factory() as session:
        record = session.get(AlertRecord, alert_id)
        if record is None or not _visible(principal, record):
            return None
        return _read(record, alert_store.alert_payments(session, [record.id]).get(record.id, []))


def _visible(principal: Principal, record: AlertRecord) -> bool:
    scoped = _scoped(principal, {})
    if "key_contains" in scoped:
        return str(scoped["key_contains"]) in record.key_text
    return "institution_id" not in scoped or record.institution_id == scoped["institution_id"]


def export_alerts(*, store: Store, principal: Principal = SYSTEM, month: str | None = None) -> list[dict[str, Any]]:
    """Return one row per alerted payment (of the alerts the principal may see) with rule ids and severity."""
    filters = _scoped(principal, {"month": month})
    with store.factory() as session:
        records = alert_store.query_alerts(
            session,
            limit=None,
            month=filters.get("month"),
            institution_id=filters.get("institution_id"),
            key_contains=filters.get("key_contains"),
        )
        return alert_store.export_rows(session, records)


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
    from sqlalchemy import select

    from cbec.monitoring.models import AlertPayment

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
    from sqlalchemy import func, select

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
