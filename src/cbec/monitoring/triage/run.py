"""Triage a monitored month: large-value reports to their register, one score per payment, the queue's new items.

Runs after the month's alerts are stored (it reads them back as evidence) on the run's read-side connection.
Everything scored stays as evidence in the lake (payment_triage/month=M/), passing or not.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from cbec.audit import service as audit
from cbec.core.money import FxTable
from cbec.feeds.service import read_side
from cbec.monitoring.rules.model import RuleSet
from cbec.monitoring.triage import store as triage_store
from cbec.monitoring.triage.assignment import load_assignment
from cbec.monitoring.triage.config import load_config
from cbec.monitoring.triage.domain import (
    SIGNALS,
    Floats,
    NewItem,
    TriageConfig,
    account_rollup,
    combine,
    reasons,
    severity_of,
)
from cbec.monitoring.triage.large_value import reports_due
from cbec.monitoring.triage.signals import PaymentSignals, evidence_table, gather, history_table
from cbec.storage.engine import transaction
from cbec.storage.store import Store


@dataclass
class TriageSummary:
    """What triage did with a month."""

    reports_due: int = 0
    reports_added: int = 0
    scored: int = 0
    passed: int = 0
    items_new: int = 0
    profile: str = ""
    config_version: str = ""
    seconds: float = 0.0


def score_items(
    found: PaymentSignals, config: TriageConfig, *, month: str, with_model: bool
) -> tuple[list[NewItem], Floats]:
    """Return the rows of `found` that pass the profile's threshold, as review items that say why, and every score."""
    profile = config.profile(with_model)
    scores, contributions = combine(found.signals, profile)
    rolled = account_rollup(found.accounts, scores)
    passing = np.flatnonzero(scores >= profile.threshold)
    items = []
    for row, (institution, payment, account) in zip(passing, found.rows(passing), strict=True):
        why = reasons(found.signals[row], contributions[row], config.texts)
        items.append(
            NewItem(
                month=month,
                institution_id=institution,
                payment_id=payment,
                account_id=account,
                score=round(float(scores[row]), 6),
                account_score=round(float(rolled[row]), 6),
                severity=severity_of(float(scores[row]), config.severity_bands),
                config_version=f"{config.version}/{profile.name}",
                contributions=[
                    {"signal": r.signal, "value": r.value, "contribution": r.contribution, "zh": r.zh, "en": r.en}
                    for r in why
                ],
                reason_zh="；".join(r.zh for r in why),
                reason_en="; ".join(r.en for r in why),
            )
        )
    return items, scores


def _keep_evidence(lake_root: Path, month: str, found: PaymentSignals, scores: np.ndarray, config: str) -> Path:
    """Write every scored payment's signals and score to the lake, atomically (the evidence that stays)."""
    folder = lake_root / "payment_triage" / f"month={month}"
    folder.mkdir(parents=True, exist_ok=True)
    table = found.ids.append_column("score", pa.array(scores, pa.float64()))
    for j, name in enumerate(SIGNALS):
        table = table.append_column(name, pa.array(found.signals[:, j], pa.float64()))
    table = table.append_column("config", pa.array([config] * len(found), pa.string()))
    target = folder / "triage.parquet"
    tmp = folder / ".triage.parquet.tmp"
    pq.write_table(table, tmp, compression="zstd")
    tmp.replace(target)
    return target


def triage_month(
    *,
    store: Store,
    con: duckdb.DuckDBPyConnection,
    month: str,
    ruleset: RuleSet,
    fx: FxTable,
    model_scores: Path | None,
    now: datetime,
    config_path: Path | None = None,
    assignment_path: Path | None = None,
    actor: str = "system",
) -> TriageSummary:
    """Fill the month's report register and open review items for what passes; one transaction, audited.

    New items join their account's (or pattern's) open case and go to a person by the assignment rules.
    """
    config = load_config(config_path)
    assignment = load_assignment(assignment_path)
    with_model = model_scores is not None
    profile = config.profile(with_model)
    summary = TriageSummary(profile=profile.name, config_version=config.version)
    due = reports_due(con, ruleset=ruleset, fx=fx, month=month, calendar=store.calendar())
    summary.reports_due = len(due)
    with store.factory() as session:
        evidence, history = evidence_table(session, month), history_table(session, month)
    found = gather(
        con, month=month, evidence=evidence, history=history, model_scores=model_scores, all_payments=with_model
    )
    summary.scored = len(found)
    items, scores = score_items(found, config, month=month, with_model=with_model)
    _keep_evidence(store.lake.root, month, found, scores, f"{config.version}/{profile.name}")
    summary.passed = len(items)
    with transaction(store.factory) as session:
        added, changed = triage_store.save_reports(session, due, month=month, now=now)
        new = triage_store.save_items(session, items, now=now, calendar=store.calendar(), assignment=assignment)
        summary.reports_added, summary.items_new = added, len(new)
        if added or changed or new:
            audit.record(
                session,
                actor=actor,
                action="triage.month",
                entity="triage_run",
                entity_id=f"{month}:{config.version}/{profile.name}",
                after={
                    "reports_added": added,
                    "reports_changed": changed,
                    "items_new": len(new),
                    "items": [f"{i.institution_id}/{i.payment_id}" for _, i in new][:200],
                    "threshold": profile.threshold,
                },
            )
    return summary


def triage_stored_month(
    *,
    store: Store,
    month: str,
    ruleset: RuleSet,
    fx: FxTable,
    model_scores: Path | None,
    config_path: Path | None = None,
) -> TriageSummary:
    """Triage a month whose alerts are stored, on a read-side connection of its own; time it."""
    started = time.perf_counter()
    con = read_side(store=store)
    try:
        done = triage_month(
            store=store,
            con=con,
            month=month,
            ruleset=ruleset,
            fx=fx,
            model_scores=model_scores,
            now=datetime.now(UTC),
            config_path=config_path,
        )
    finally:
        con.close()
    done.seconds = round(time.perf_counter() - started, 3)
    return done
