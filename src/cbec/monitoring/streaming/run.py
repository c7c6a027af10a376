"""The streaming room's door: a stream of payments through the driver, one payment scored, what workers keep."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from cbec.config import Settings
from cbec.core.money import load_fx_table
from cbec.monitoring.alerts.filter import save_alerts
from cbec.monitoring.engine import Alert, Payment
from cbec.monitoring.models import AlertPayment, AlertRecord
from cbec.monitoring.rules.parser import SHIPPED_RULES, load_ruleset
from cbec.monitoring.schemas import RunSummary
from cbec.monitoring.streaming.driver import StreamingEngine
from cbec.monitoring.streaming.jetstream.worker import state_dir
from cbec.monitoring.streaming.rows import payment_from_text
from cbec.storage.store import Store


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
    so a restarted stream resumes where it stopped without repeating alerts. The newest instant's payments
    wait for the next micro-batch (ties in any order, see engine.py) and are taken when the input ends.
    """
    ruleset = load_ruleset(rules or SHIPPED_RULES)
    engine = StreamingEngine(ruleset, load_fx_table(store.settings.fx_file))
    if checkpoint is not None and checkpoint.exists():
        engine.restore(checkpoint)
    summary = RunSummary(month=None, ruleset=f"{ruleset.id}@{ruleset.version}")
    problems: list[str] = []
    batch: list[Payment] = []

    def flush(*, last: bool = False) -> None:
        alerts = engine.process_many(batch, drain=last)  # the last: the input ends, its final instant is taken
        save_alerts(store, alerts, summary, "stream")
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
    flush(last=True)
    summary.skipped_rows = engine.skipped + engine.unconverted
    return summary, problems


def scoring_engine(*, settings: Settings) -> StreamingEngine:
    """Return a streaming engine of the shipped rules and the settings' FX table, to score payments one by one."""
    return StreamingEngine(load_ruleset(SHIPPED_RULES), load_fx_table(settings.fx_file))


def score_payment(*, engine: StreamingEngine, row: Mapping[str, Any], timezone: str) -> tuple[list[Alert], str | None]:
    """Run one payment (values as text) through the engine: the alerts it fires, and why it was not scored if not.

    The engine keeps its state in memory, so its caller runs payments one at a time, in order.
    """
    payment = payment_from_text(row, timezone)
    skipped, unconverted = engine.skipped, engine.unconverted
    alerts = engine.process(payment)
    if engine.skipped > skipped:
        return alerts, "早于已评分的支付，未评分 / older than a payment already scored: not scored"
    if engine.unconverted > unconverted:
        return alerts, "无当日汇率，未评分 / no FX rate for its day: not scored"
    return alerts, None


def worker_checkpoints(*, store: Store, stream: str) -> list[Path]:
    """Return the checkpoint files the JetStream workers of a stream keep."""
    return sorted(state_dir(store, stream).glob("*.ckpt"))


def stored_alerts(*, store: Store) -> tuple[list[tuple[str, int, Any]], int]:
    """Return every stored alert's (key, payment count, observed) and how many payments an alert names twice.

    What the tables hold, below the filter step and the principal's view: what a kill -9 drill compares.
    """
    named_twice = (
        select(func.count())
        .select_from(AlertPayment)
        .group_by(AlertPayment.alert_id, AlertPayment.institution_id, AlertPayment.payment_id)
        .having(func.count() > 1)
    )
    with store.factory() as session:
        rows = session.execute(select(AlertRecord.alert_key, AlertRecord.payment_count, AlertRecord.observed)).all()
        doubled = session.execute(named_twice).all()
    return [(key, count, observed) for key, count, observed in rows], len(doubled)
