"""Train the learned detector: gradient boosting on labelled payments, validated out of fold by account.

Folds are grouped by the payer account (StratifiedGroupKFold), so no payment is scored by a model that saw
its payer's rows; the alert threshold is the one that maximises F1 on the out-of-fold scores, and the
validation figures saved with the model are those out-of-fold figures, never scores on training rows.
Negatives are sub-sampled for speed (at most NEGATIVES_KEPT per fit); the threshold is chosen on scores of
every held-out row, so the sampling does not bias it. Without labels an IsolationForest plays the part.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from cbec.monitoring.features import take_rows

FOLDS = 5
NEGATIVES_KEPT = 60_000
ROUNDS = 300
LGBM_PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 31,
    "min_child_samples": 20,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "verbose": -1,
    "num_threads": 1,  # more threads than free cores make OpenMP spin: 30x slower on a busy machine
    "seed": 1,
    "deterministic": True,
}
UNSUPERVISED_ALERT_RATE = 0.001
Matrix = npt.NDArray[np.float32]


@dataclass
class Trained:
    """A fitted detector with its threshold and its out-of-fold validation figures."""

    kind: str  # lightgbm or isolation_forest
    model: Any
    threshold: float
    validation: dict[str, Any]
    params: dict[str, Any] = field(default_factory=dict)
    fill: list[float] = field(default_factory=list)  # per-feature fill values for NaN (isolation forest)


def _sample(rows: npt.NDArray[np.int64], y: npt.NDArray[np.int8], seed: int) -> npt.NDArray[np.int64]:
    """Keep every positive and at most NEGATIVES_KEPT negatives of `rows`."""
    negatives = rows[y[rows] == 0]
    if len(negatives) <= NEGATIVES_KEPT:
        return rows
    kept = np.random.default_rng(seed).choice(negatives, NEGATIVES_KEPT, replace=False)
    return np.sort(np.concatenate((rows[y[rows] == 1], kept)))


def _fit(x: Matrix, y: npt.NDArray[np.int8], rows: npt.NDArray[np.int64], seed: int) -> Any:
    import lightgbm as lgb

    kept = _sample(rows, y, seed)
    data = lgb.Dataset(take_rows(x, kept), y[kept], free_raw_data=True)
    return lgb.train({**LGBM_PARAMS, "seed": seed}, data, ROUNDS)


def best_threshold(y: npt.NDArray[np.int8], scores: npt.NDArray[np.float64]) -> float:
    """Return the score threshold that maximises F1 (alert when score >= threshold)."""
    order = np.argsort(-scores, kind="stable")
    sorted_scores, hits = scores[order], np.cumsum(y[order])
    # Only the last row of a run of equal scores is a place to cut.
    last = np.r_[sorted_scores[1:] != sorted_scores[:-1], True]
    flagged = np.arange(1, len(y) + 1)[last]
    tp = hits[last]
    positives = max(int(y.sum()), 1)
    f1 = 2 * tp / (flagged + positives)
    best = int(np.argmax(f1))
    return float(sorted_scores[last][best])


def figures(
    y: npt.NDArray[np.int8],
    scores: npt.NDArray[np.float64],
    threshold: float,
    patterns: npt.NDArray[np.object_] | None = None,
) -> dict[str, Any]:
    """Return precision, recall, F1 and PR-AUC at a threshold, and recall per pattern when given."""
    from sklearn.metrics import average_precision_score

    flagged = scores >= threshold
    tp = int((flagged & (y == 1)).sum())
    precision = tp / int(flagged.sum()) if flagged.any() else 0.0
    recall = tp / int(y.sum()) if y.any() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    result: dict[str, Any] = {
        "payments": len(y),
        "laundering": int(y.sum()),
        "flagged": int(flagged.sum()),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "pr_auc": round(float(average_precision_score(y, scores)), 4) if y.any() else None,
        "threshold": threshold,
    }
    if patterns is not None:
        by_pattern = {}
        for pattern in sorted({p for p, label in zip(patterns, y, strict=True) if label and p}):
            mask = (patterns == pattern) & (y == 1)
            by_pattern[str(pattern)] = {
                "payments": int(mask.sum()),
                "recall": round(float(flagged[mask].mean()), 4),
            }
        result["recall_by_pattern"] = by_pattern
    return result


def out_of_fold(
    x: Matrix, y: npt.NDArray[np.int8], groups: npt.NDArray[np.int64], *, folds: int = FOLDS, seed: int = 0
) -> npt.NDArray[np.float64]:
    """Return every row's score from a model fitted on the other folds (folds grouped by account)."""
    from sklearn.model_selection import StratifiedGroupKFold

    scores = np.zeros(len(y))
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    for k, (train_rows, test_rows) in enumerate(splitter.split(x, y, groups)):
        booster = _fit(x, y, train_rows.astype(np.int64), seed + k)
        scores[test_rows] = booster.predict(take_rows(x, test_rows.astype(np.int64)))
    return scores


def train_supervised(
    x: Matrix,
    y: npt.NDArray[np.int8],
    groups: npt.NDArray[np.int64],
    *,
    patterns: npt.NDArray[np.object_] | None = None,
    folds: int = FOLDS,
) -> tuple[Trained, npt.NDArray[np.float64]]:
    """Validate out of fold, pick the threshold there, then fit on every row; return it with the OOF scores."""
    if int(y.sum()) < folds:
        raise ValueError(f"need at least {folds} laundering payments to validate in {folds} folds")
    oof = out_of_fold(x, y, groups, folds=folds)
    threshold = best_threshold(y, oof)
    validation = {
        "method": f"out-of-fold, {folds} folds grouped by payer account",
        **figures(y, oof, threshold, patterns),
    }
    booster = _fit(x, y, np.arange(len(y), dtype=np.int64), seed=folds)
    params = {**LGBM_PARAMS, "rounds": ROUNDS, "negatives_kept": NEGATIVES_KEPT, "folds": folds}
    return Trained("lightgbm", booster, threshold, validation, params), oof


def train_unsupervised(x: Matrix, *, alert_rate: float = UNSUPERVISED_ALERT_RATE, seed: int = 0) -> Trained:
    """Fit an IsolationForest; alert on the `alert_rate` most anomalous payments of the training data."""
    from sklearn.ensemble import IsolationForest

    fill = np.nan_to_num(np.nanmedian(x, axis=0), nan=0.0).astype(np.float32)
    filled = np.where(np.isnan(x), fill, x)
    forest = IsolationForest(n_estimators=100, max_samples=256, random_state=seed, n_jobs=1).fit(filled)
    scores = -forest.score_samples(filled)
    threshold = float(np.quantile(scores, 1 - alert_rate))
    validation = {"method": "none (no labels): threshold at the training alert rate",
                  "payments": len(x), "alert_rate": alert_rate}  # fmt: skip
    params = {"n_estimators": 100, "max_samples": 256, "seed": seed}
    return Trained("isolation_forest", forest, threshold, validation, params, [float(v) for v in fill])


def predict(trained: Trained, x: Matrix) -> npt.NDArray[np.float64]:
    """Return scores (higher is more suspicious)."""
    if trained.kind == "lightgbm":
        return np.asarray(trained.model.predict(x), dtype=np.float64)
    fill = np.asarray(trained.fill, dtype=np.float32)
    return np.asarray(-trained.model.score_samples(np.where(np.isnan(x), fill, x)), dtype=np.float64)


def contributions(trained: Trained, x: Matrix) -> npt.NDArray[np.float64]:
    """Return per-feature contributions to each row's score (SHAP values of the booster).

    An IsolationForest has none: its rows get each feature's distance from the training median, in
    units of the feature's spread, as a plain stand-in that still names what was unusual.
    """
    if trained.kind == "lightgbm":
        return np.asarray(trained.model.predict(x, pred_contrib=True), dtype=np.float64)[:, :-1]
    fill = np.asarray(trained.fill, dtype=np.float64)
    return np.nan_to_num(np.abs(x.astype(np.float64) - fill) / (np.abs(fill) + 1.0))
