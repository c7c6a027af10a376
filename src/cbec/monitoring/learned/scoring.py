"""Service functions of the learned detector: train from labelled files, show, score a month of the lake."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
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
from cbec.monitoring.learned.features.frame import CONTEXT, PaymentFrame, load_frame
from cbec.storage.lake import connect


def _reader(path: Path) -> str:
    """Return a DuckDB table function reading a Parquet or CSV file with every column as text."""
    quoted = "'" + str(path).replace("'", "''") + "'"
    if path.suffix.lower() == ".parquet":
        return f"read_parquet({quoted})"
    return f"read_csv({quoted}, header = true, all_varchar = true)"


def _sha256(paths: list[Path], known: Sequence[KnownLabel] = ()) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    for label in sorted(known, key=lambda k: (k.institution_id, k.payment_id)):
        digest.update(f"{label.institution_id}\x1f{label.payment_id}\x1f{label.label}\n".encode())
    return digest.hexdigest()


def _file_labels(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, tuple[bool, str | None]]:
    """Return is_laundering and pattern per payment id of a labels file."""
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
    return {pid: (flag, pat) for pid, flag, pat in rows}


@dataclass(frozen=True)
class KnownLabel:
    """A label from outside the labels file (an analyst's disposition): it wins over the file's for its payment."""

    institution_id: str
    payment_id: str
    label: int
    source: str  # what said it, e.g. the disposition; the pattern of a positive the file does not name


def _labels(
    con: duckdb.DuckDBPyConnection, path: Path | None, frame: PaymentFrame, known: Sequence[KnownLabel]
) -> tuple[np.ndarray, np.ndarray, JsonObject]:
    """Return is_laundering (0/1) and pattern per payment of the frame, and where the labels came from.

    A payment with neither a file row nor a known label is 0. A known label replaces the file's.
    """
    ids = frame.payment_id
    from_file = _file_labels(con, path) if path is not None else {}
    y = np.fromiter((from_file.get(pid, (False, None))[0] for pid in ids), np.int8, len(ids))
    patterns = np.array([from_file.get(pid, (False, None))[1] or "" for pid in ids], dtype=object)
    file_positives = int(y.sum())
    row_of = {(i, p): n for n, (i, p) in enumerate(zip(frame.institution_id, ids, strict=True))}
    matched = overridden = 0
    for label in known:
        row = row_of.get((label.institution_id, label.payment_id))
        if row is None:
            continue
        matched += 1
        overridden += int(path is not None and int(y[row]) != label.label)
        y[row] = label.label
        patterns[row] = (patterns[row] or label.source) if label.label else ""
    counts: dict[str, int] = {}
    for label in known:
        counts[label.source] = counts.get(label.source, 0) + 1
    origin: JsonObject = {
        "file": str(path) if path is not None else None,
        "file_positives": file_positives,
        "known": counts,
        "known_matched": matched,
        "known_overriding_file": overridden,
        "positives": int(y.sum()),
    }
    return y, patterns, origin


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
    known: Sequence[KnownLabel] = (),
) -> Training:
    """Build features over a payments file and fit the detector (IsolationForest when there are no labels).

    Labels come from the labels file, from `known` (analysts' dispositions), or both: a known label wins.
    """
    keep_freed_memory()  # the features' large temporaries are reused, not page-faulted in again
    con = connect(timezone)
    try:
        con.execute(f"CREATE TEMP VIEW _train_payments AS SELECT * FROM {_reader(payments)}")
        frame = load_frame(con, source="_train_payments", fx=fx)
        second_names: list[str] = []
        origin: JsonObject | None = None
        if labels is None and not known:
            names, matrix = features.for_model(frame, "isolation_forest")
            trained = learn.train_unsupervised(matrix)
            laundering = 0
        else:
            names, matrix = features.for_model(frame, "lightgbm")
            y, patterns, origin = _labels(con, labels, frame, known)

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
        data_hash=_sha256([p for p in (payments, labels) if p], known),
        created_at=now,
        context_days=CONTEXT.days,
        labels=origin,
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
