"""Gather each payment's evidence into the signal columns of triage/domain.py, in one DuckDB query.

Evidence: the month's stored alerts that name the payment (large-value rules left out: they are a reporting duty;
the learned model's own alerts left out: its score is read whole instead), the model's scores of the month when a
model scored it, and the payer account's review items of earlier months.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cbec.core.severity import SEVERITY_RANK
from cbec.monitoring.models import AlertPayment, AlertRecord
from cbec.monitoring.triage.domain import MARGIN_LIMIT, RULE_COUNT_CAP, SIGNALS, Floats, logit
from cbec.monitoring.triage.large_value import LARGE_VALUE
from cbec.monitoring.triage.models import ReviewItem

LEARNED = "learned"
_HIGH_RANK = SEVERITY_RANK["high"]


def kind_of(rule_id: str, typology: str) -> str | None:
    """Return what evidence an alert of a rule is: rule, graph or documents (None: not evidence for triage)."""
    if typology in (LARGE_VALUE, LEARNED):
        return None
    if rule_id.startswith("GRAPH-"):
        return "graph"
    if rule_id.startswith("DOC-"):
        return "documents"
    return "rule"


def evidence_table(session: Session, month: str) -> pa.Table:
    """Return (institution_id, payment_id, kind, rule_id, high) for every payment a month's alert names."""
    query = (
        select(
            AlertPayment.institution_id,
            AlertPayment.payment_id,
            AlertRecord.rule_id,
            AlertRecord.typology,
            AlertRecord.severity_rank,
        )
        .join(AlertRecord, (AlertRecord.id == AlertPayment.alert_id) & (AlertRecord.month == AlertPayment.alert_month))
        .where(AlertRecord.month == month, AlertRecord.typology.not_in([LARGE_VALUE, LEARNED]))
    )
    columns: dict[str, list[object]] = {"institution_id": [], "payment_id": [], "kind": [], "rule_id": [], "high": []}
    for institution, payment, rule_id, typology, rank in session.execute(query):
        kind = kind_of(rule_id, typology)
        if kind is None:
            continue
        columns["institution_id"].append(institution)
        columns["payment_id"].append(payment)
        columns["kind"].append(kind)
        columns["rule_id"].append(rule_id)
        columns["high"].append(rank <= _HIGH_RANK)
    text = pa.string()
    schema = pa.schema(
        [("institution_id", text), ("payment_id", text), ("kind", text), ("rule_id", text), ("high", pa.bool_())]
    )
    return pa.table(columns, schema=schema)


def history_table(session: Session, month: str) -> pa.Table:
    """Return (account_id, items): review items per payer account in months before this one."""
    query = (
        select(ReviewItem.account_id, func.count())
        .where(ReviewItem.month < month, ReviewItem.account_id.is_not(None))
        .group_by(ReviewItem.account_id)
    )
    rows = session.execute(query).all()
    return pa.table(
        {"account_id": [a for a, _ in rows], "items": [int(n) for _, n in rows]},
        schema=pa.schema([("account_id", pa.string()), ("items", pa.int64())]),
    )


@dataclass(frozen=True)
class PaymentSignals:
    """The month's payments with their evidence as signal columns (SIGNALS order).

    `ids` holds institution_id, payment_id and payer_id per row (Arrow: a million ids are not turned into Python
    strings when only the queue's few are needed); `accounts` numbers the payer accounts (-1: none).
    """

    ids: pa.Table
    accounts: npt.NDArray[np.int64]
    signals: Floats

    def __len__(self) -> int:
        return int(self.ids.num_rows)

    def rows(self, at: npt.NDArray[np.int64]) -> list[tuple[str, str, str | None]]:
        """Return (institution_id, payment_id, payer_id) of some rows."""
        taken = self.ids.take(pa.array(at, pa.int64()))
        return list(
            zip(
                taken.column("institution_id").to_pylist(),
                taken.column("payment_id").to_pylist(),
                taken.column("payer_id").to_pylist(),
                strict=True,
            )
        )


_MODEL_EMPTY = (
    "SELECT NULL::VARCHAR AS institution_id, NULL::VARCHAR AS payment_id, NULL::DOUBLE AS score, "
    "NULL::DOUBLE AS threshold WHERE FALSE"
)


def gather(
    con: duckdb.DuckDBPyConnection,
    *,
    month: str,
    evidence: pa.Table,
    history: pa.Table,
    model_scores: Path | None,
    all_payments: bool,
) -> PaymentSignals:
    """Return the signals of the month's payments: every payment, or (all_payments False) those with evidence."""
    con.register("_tri_ev", evidence)
    con.register("_tri_hist", history)
    model = _MODEL_EMPTY
    if model_scores is not None:
        con.register(
            "_tri_model_scores",
            pq.read_table(model_scores, columns=["institution_id", "payment_id", "score", "threshold"]),
        )
        model = "SELECT * FROM _tri_model_scores"
    join = "LEFT JOIN" if all_payments else "JOIN"
    try:
        result = con.sql(
            f"""
            WITH ev AS (
                SELECT institution_id, payment_id,
                       max(CASE WHEN kind = 'rule' AND high THEN 1 ELSE 0 END) AS rule_high,
                       least(count(DISTINCT CASE WHEN kind = 'rule' THEN rule_id END), {RULE_COUNT_CAP}) AS rule_count,
                       max(CASE WHEN kind = 'graph' THEN 1 ELSE 0 END) AS graph,
                       least(count(DISTINCT CASE WHEN kind = 'documents' THEN rule_id END), {RULE_COUNT_CAP})
                           AS documents
                FROM _tri_ev GROUP BY institution_id, payment_id
            ),
            m AS ({model}),
            base AS (
                SELECT p.institution_id, p.payment_id, p.payer_id,
                       coalesce(ev.rule_high, 0) AS rule_high, coalesce(ev.rule_count, 0) AS rule_count,
                       coalesce(ev.graph, 0) AS graph, coalesce(ev.documents, 0) AS documents,
                       m.score, m.threshold
                FROM (SELECT institution_id, payment_id, payer_id FROM payments WHERE month = $month) AS p
                {join} ev USING (institution_id, payment_id)
                LEFT JOIN m USING (institution_id, payment_id)
            ),
            flagged AS (
                SELECT *, CASE WHEN rule_count > 0 OR graph > 0 OR documents > 0 OR coalesce(score >= threshold, FALSE)
                               THEN 1 ELSE 0 END AS has_evidence
                FROM base
            )
            SELECT f.institution_id, f.payment_id, f.payer_id,
                   CAST(coalesce(f.score, -1) AS DOUBLE) AS score,
                   CAST(coalesce(f.threshold, 0.5) AS DOUBLE) AS threshold,
                   CAST(f.rule_high AS DOUBLE) AS rule_high, CAST(f.rule_count AS DOUBLE) AS rule_count,
                   CAST(f.graph AS DOUBLE) AS graph, CAST(f.documents AS DOUBLE) AS documents,
                   CAST(CASE WHEN f.payer_id IS NULL THEN 0
                             ELSE sum(f.has_evidence) OVER (PARTITION BY f.payer_id) - f.has_evidence END
                        AS DOUBLE) AS others,
                   CAST(coalesce(h.items, 0) AS DOUBLE) AS history
            FROM flagged AS f LEFT JOIN _tri_hist AS h ON h.account_id = f.payer_id
            """,
            params={"month": month},
        ).to_arrow_table()
    finally:
        for name in ("_tri_ev", "_tri_hist") + (("_tri_model_scores",) if model_scores is not None else ()):
            con.unregister(name)
    return _signals(result, with_model=model_scores is not None)


def _column(table: pa.Table, name: str) -> Floats:
    """Return a DOUBLE column without nulls (the query casts and fills them) as a numpy array."""
    return np.asarray(table.column(name).to_numpy(), dtype=np.float64)


def _signals(table: pa.Table, *, with_model: bool) -> PaymentSignals:
    """Turn the query's columns into signals; a payment a model run left unscored sits far below its threshold."""
    n = table.num_rows
    matrix = np.zeros((n, len(SIGNALS)), dtype=np.float64)
    if n:
        score = _column(table, "score")
        threshold = _column(table, "threshold")
        scored = score >= 0  # -1: no model score
        margin = np.full(n, -MARGIN_LIMIT if with_model else 0.0)
        if scored.any():
            margin[scored] = np.clip(logit(score[scored]) - logit(threshold[scored]), -MARGIN_LIMIT, MARGIN_LIMIT)
        matrix[:, SIGNALS.index("model_margin")] = margin
        for name in ("rule_high", "rule_count", "graph", "documents"):
            matrix[:, SIGNALS.index(name)] = _column(table, name)
        matrix[:, SIGNALS.index("account_evidence")] = np.log1p(_column(table, "others"))
        matrix[:, SIGNALS.index("account_history")] = np.log1p(_column(table, "history"))
    payer = table.column("payer_id").combine_chunks() if n else pa.array([], pa.string())
    codes = pc.dictionary_encode(payer).indices if n else pa.array([], pa.int32())
    accounts = np.asarray(pc.fill_null(codes, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
    return PaymentSignals(
        ids=table.select(["institution_id", "payment_id", "payer_id"]), accounts=accounts, signals=matrix
    )
