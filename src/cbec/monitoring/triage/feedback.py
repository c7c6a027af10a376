"""Dispositions flow back: as training labels for the learned model, and as the precision of each rule and source.

A closed review item's disposition is a label of its payment: true_positive and escalated say suspicious (1),
false_positive and no_action say not (0). An item still open, or waiting for its checker, says nothing yet.
Precision per rule and per evidence source counts the dispositioned items a rule (or source) named and how many
of them were true; the interval is Wilson's, because most rules are judged on a handful of items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVarTuple

from sqlalchemy import Select, select

from cbec.auth.domain import SYSTEM, Principal
from cbec.core.money import load_fx_table
from cbec.core.proportions import wilson_interval
from cbec.monitoring.learned.scoring import KnownLabel, Training, train_model
from cbec.monitoring.models import AlertPayment, AlertRecord
from cbec.monitoring.triage.large_value import LARGE_VALUE
from cbec.monitoring.triage.models import ReviewItem
from cbec.monitoring.triage.signals import LEARNED, kind_of
from cbec.storage.store import Store

# What each disposition says about the payment, as a training label (docs/triage.md explains the choice).
LABEL_OF: dict[str, int] = {"true_positive": 1, "escalated": 1, "false_positive": 0, "no_action": 0}
SOURCES = ("model", "rule", "graph", "documents")
Columns = TypeVarTuple("Columns")


@dataclass(frozen=True, slots=True)
class DispositionLabel:
    """One closed review item's payment and the label its disposition gives it."""

    institution_id: str
    payment_id: str
    disposition: str
    label: int


def disposition_labels(
    *, store: Store, months: Sequence[str] | None = None, principal: Principal = SYSTEM
) -> list[DispositionLabel]:
    """Return the label of every payment whose review item is closed with a disposition (of `months`, or all)."""
    query = select(ReviewItem.institution_id, ReviewItem.payment_id, ReviewItem.disposition).where(
        ReviewItem.state == "closed", ReviewItem.disposition.is_not(None)
    )
    scoped = principal.scope("institution_id")
    if scoped is not None:
        query = query.where(ReviewItem.institution_id == scoped)
    if months:
        query = query.where(ReviewItem.month.in_(list(months)))
    query = query.order_by(ReviewItem.institution_id, ReviewItem.payment_id)
    with store.factory() as session:
        return [
            DispositionLabel(institution, payment, disposition, LABEL_OF[disposition])
            for institution, payment, disposition in session.execute(query)
            if disposition is not None
        ]


def source_of(rule_id: str, typology: str) -> str | None:
    """Return the evidence source an alert is (model, rule, graph, documents); None for a reporting duty."""
    return "model" if typology == LEARNED else kind_of(rule_id, typology)


@dataclass
class _Tally:
    items: set[int]
    true: set[int]


def precision_figures(true_positives: int, dispositioned: int) -> dict[str, Any]:
    """Return precision of `dispositioned` items with its 95 % Wilson interval (precision None without items)."""
    low, high = wilson_interval(true_positives, dispositioned)
    return {
        "dispositioned": dispositioned,
        "true_positives": true_positives,
        "precision": round(true_positives / dispositioned, 4) if dispositioned else None,
        "interval_low": round(low, 4),
        "interval_high": round(high, 4),
    }


def _row(source: str, rule_id: str | None, tally: _Tally) -> dict[str, Any]:
    return {"source": source, "rule_id": rule_id, **precision_figures(len(tally.true), len(tally.items))}


def _judged(query: Select[*Columns], month: str, principal: Principal) -> Select[*Columns]:
    """Limit a query over review items to the month's dispositioned ones the principal may see.

    The filter sits on the joined query itself, not in an IN (subquery): SQLite then walks the month's items and
    looks up their alerts by payment (15 ms for 1,500 items) instead of every alert's payments (2-4 s).
    """
    query = query.where(ReviewItem.month == month, ReviewItem.state == "closed", ReviewItem.disposition.is_not(None))
    scoped = principal.scope("institution_id")
    return query if scoped is None else query.where(ReviewItem.institution_id == scoped)


def rule_precision(*, store: Store, month: str, principal: Principal = SYSTEM) -> list[dict[str, Any]]:
    """Return, for a month's dispositioned review items, precision per evidence source and per rule.

    Rows: first "queue" (every dispositioned item: the combined score's precision), then each source (model,
    rule, graph, documents) followed by its rules, most items first. An item counts once per rule or source
    that named its payment in the month's alerts. An institution sees only its own items.
    """
    items = _judged(select(ReviewItem.id, ReviewItem.disposition), month, principal)
    evidence = _judged(
        select(ReviewItem.id, AlertRecord.rule_id, AlertRecord.typology)
        .join(
            AlertPayment,
            (AlertPayment.institution_id == ReviewItem.institution_id)
            & (AlertPayment.payment_id == ReviewItem.payment_id),
        )
        .join(AlertRecord, (AlertRecord.id == AlertPayment.alert_id) & (AlertRecord.month == AlertPayment.alert_month))
        .where(AlertRecord.month == month, AlertRecord.typology != LARGE_VALUE),
        month,
        principal,
    )
    with store.factory() as session:
        judged = {item_id: LABEL_OF[d] for item_id, d in session.execute(items) if d is not None}
        named = session.execute(evidence).all()
    queue = _Tally(set(judged), {i for i, label in judged.items() if label})
    sources: dict[str, _Tally] = {}
    rules: dict[tuple[str, str], _Tally] = {}
    for item_id, rule_id, typology in named:
        source = source_of(rule_id, typology)
        if source is None:
            continue
        for tally in (
            sources.setdefault(source, _Tally(set(), set())),
            rules.setdefault((source, rule_id), _Tally(set(), set())),
        ):
            tally.items.add(item_id)
            if judged[item_id]:
                tally.true.add(item_id)
    rows = [_row("queue", None, queue)]
    for source in SOURCES:
        if source not in sources:
            continue
        rows.append(_row(source, None, sources[source]))
        mine = sorted(((r, t) for (s, r), t in rules.items() if s == source), key=lambda rt: (-len(rt[1].items), rt[0]))
        rows += [_row(source, rule_id, tally) for rule_id, tally in mine]
    return rows


def train_with_dispositions(
    *,
    store: Store,
    payments: Path,
    labels: Path | None,
    out: Path,
    name: str,
    now: datetime,
    months: Sequence[str] | None = None,
) -> Training:
    """Train the learned model on a payments file with the store's dispositions as labels (and a labels file's).

    Payments a disposition names but the file lacks are left out (counted in the model's `labels.known_matched`).
    """
    found = disposition_labels(store=store, months=months)
    if not found:
        raise ValueError(
            "没有已处置的待审事项 / no review item is closed with a disposition yet: nothing to learn from"
        )
    known = [KnownLabel(d.institution_id, d.payment_id, d.label, d.disposition) for d in found]
    return train_model(
        payments=payments,
        labels=labels,
        out=out,
        name=name,
        fx=load_fx_table(store.settings.fx_file),
        timezone=store.settings.timezone,
        now=now,
        known=known,
    )
