"""Service functions of the learned detector: train from labelled files, show, score a month of the lake."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np

from cbec.core.jsontypes import JsonObject
from cbec.core.memory import keep_freed_memory
from cbec.core.money import FxTable
from cbec.monitoring.batch.driver import month_bounds
from cbec.monitoring.engine import Alert
from cbec.monitoring.learned import store as model_store
from cbec.monitoring.learned import train as learn
from cbec.monitoring.learned.detector import alerts_of, score, score_table, write_scores
from cbec.monitoring.learned.features import account as features_account
from cbec.monitoring.learned.features import compute as features
from cbec.monitoring.learned.features.frame import CONTEXT, load_frame
from cbec.storage.lake import connect


def _reader(path: Path) -> str:
    """Return a DuckDB table function reading a Parquet or CSV file with every column as text."""
    quoted = "'" + str(path).replace("'", "''") + "'"
    if path.suffix.lower() == ".parquet":
        return f"read_parquet({quoted})"
    return f"read_csv({quoted}, header = true, all_varchar = true)"


def _sha256(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _labels(con: duckdb.DuckDBPyConnection, path: Path, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return is_laundering (0/1) and pattern per payment id; a payment without a label row is 0."""
    columns = [row[0] for row in con.sql(f"DESCRIBE SELECT * FROM {_reader(path)}").fetchall()]
    missing = {"payment_id", "is_laundering"} - set(columns)
    if missing:
        raise ValueError(
            f"{path}: labels need columns payment_id, is_laundering (missing {', '.join(sorted(missing))})"
        )
    pattern = "CAST(pattern AS VARCHAR)" if "pattern" in columns else "NULL"
    rows = con.sql(
        f"SELECT CAST(payment_id AS VARCHAR), CAST(is_laundering AS VARCHAR) IN ('1', 'true', 'True', 'TRUE'), "
        f"{pattern} FROM {_reader(path)}"
    ).fetchall()
    known = {pid: (flag, pat) for pid, flag, pat in rows}
    y = np.fromiter((known.get(pid, (False, None))[0] for pid in ids), np.int8, len(ids))
    patterns = np.array([known.get(pid, (False, None))[1] or "" for pid in ids], dtype=object)
    return y, patterns


@dataclass(frozen=True)
class Training:
    """What `train_model` read and wrote."""

    meta: JsonObject
    payments: int
    laundering: int


def train_model(
    *,
    payments: Path,
    labels: Path | None,
    out: Path,
    name: str,
    fx: FxTable,
    timezone: str,
    now: datetime,
) -> Training:
    """Build features over a payments file and fit the detector (IsolationForest when there are no labels)."""
    keep_freed_memory()  # the features' large temporaries are reused, not page-faulted in again
    con = connect(timezone)
    try:
        con.execute(f"CREATE TEMP VIEW _train_payments AS SELECT * FROM {_reader(payments)}")
        frame = load_frame(con, source="_train_payments", fx=fx)
        second_names: list[str] = []
        if labels is None:
            names, matrix = features.for_model(frame, "isolation_forest")
            trained = learn.train_unsupervised(matrix)
            laundering = 0
        else:
            names, matrix = features.for_model(frame, "lightgbm")
            y, patterns = _labels(con, labels, frame.payment_id)

            def second(scores: np.ndarray) -> np.ndarray:
                return features_account.account_features(frame, scores)[1]

            second_names = features_account.account_features(frame, np.zeros(len(frame)))[0]
            trained, _ = learn.train_supervised(matrix, y, frame.payer, patterns=patterns, second=second)
            laundering = int(y.sum())
    finally:
        con.close()
    meta = model_store.save(
        out,
        trained,
        name=name,
        features=names,
        second_features=second_names,
        data_hash=_sha256([p for p in (payments, labels) if p]),
        created_at=now,
        context_days=CONTEXT.days,
    )
    return Training(meta=meta, payments=len(frame), laundering=laundering)


def show_model(*, path: Path) -> JsonObject:
    """Return a model directory's metadata."""
    return model_store.load(path)[1]


@dataclass(frozen=True)
class MonthScores:
    """A month scored by a model: its alerts and where the evidence went."""

    alerts: list[Alert]
    scored: int
    path: Path
    model: str


def score_month(
    con: duckdb.DuckDBPyConnection, *, model: Path, month: str, fx: FxTable, lake_root: Path
) -> MonthScores:
    """Score a month of the lake's payments (reading the neighbouring months as context)."""
    keep_freed_memory()
    trained, meta = model_store.load(model)
    start, end = month_bounds(month)
    frame = load_frame(con, source="payments", fx=fx, start=start, end=end, context=CONTEXT)
    names, matrix = features.for_model(frame, trained.kind)
    if names != meta["features"]:
        raise ValueError(f"{model}: the model was trained on other features; train it again with this cbec")
    scored = score(trained, names, matrix, frame)
    path = write_scores(lake_root, month, score_table(scored, frame, meta), meta)
    return MonthScores(alerts_of(scored, frame, meta), len(scored.rows), path, f"{meta['name']}@{meta['version']}")
