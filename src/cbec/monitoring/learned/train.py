"""Train the learned detector: gradient boosting on labelled payments, validated out of fold by account.

Folds are grouped by the payer account (StratifiedGroupKFold), so no payment is scored by a model that saw
its payer's rows; the alert threshold is the one that maximises F1 on the out-of-fold scores, and the
validation figures saved with the model are those out-of-fold figures, never scores on training rows.
Negatives are sub-sampled for speed (at most NEGATIVES_KEPT per fit); the threshold is chosen on scores of
every held-out row, so the sampling does not bias it. Without labels an IsolationForest plays the part.

Stacked (given `second`, the account features of features/account.py): a small first stage scores every
payment, its scores gathered per account become features of the second stage. The second stage is trained on
first-stage scores that are themselves out of fold, and validation is nested: inside each outer fold the
first stage is cross-validated on the outer training rows only, so no held-out label reaches either stage.

Cascade: the second stage is the expensive part of scoring, and the first stage already ranks every payment.
Payments whose first-stage score is below a cut-off skip the second stage and keep their first-stage score,
scaled far below any alert threshold. The cut-off is chosen on out-of-fold first-stage scores of the training
rows (CASCADE_POSITIVES_LOST of their positives may fall under it) and applied the same way out of fold, so the
validation figures are those of the cascade as it runs. The second stage is trained on the rows at or above the
cut-off only: it learns to tell apart what the first stage cannot, not to rank the easy negatives again.

Bagged: the detector that ships is the folds' own models, their scores averaged, not a refit on every row.
The threshold is chosen on the out-of-fold scores of exactly those models, so it means on new data what it
meant in validation; a refit on every row scores new data on another scale (on amlgentex-dev, a month held out
in time, three ways round: F1 at the validation threshold 0.632/0.728/0.698 refitted, 0.646/0.737/0.753 bagged).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from cbec.core.jsontypes import JsonObject
from cbec.monitoring.learned.features.compute import take_rows

if TYPE_CHECKING:  # lightgbm loads when a model is first fitted or read
    from lightgbm import Booster

FOLDS = 5
NEGATIVES_KEPT = 30_000  # as good out of fold as 60,000 on amlgentex-dev (3 draws), and fits twice as fast
ROUNDS = 300
LgbmParams = dict[str, int | float | str | bool]
LGBM_PARAMS: LgbmParams = {
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
# The first stage only has to rank accounts: fewer, smaller trees (its cost is paid on every payment read).
# 75 rounds at 0.2 against 150 at 0.1 on amlgentex-dev (3 nested draws): F1 0.793 ± 0.009 against
# 0.799 ± 0.009, recall higher in five of seven patterns, and half the prediction time.
FIRST_STAGE_ROUNDS = 75
FIRST_STAGE_PARAMS: LgbmParams = {**LGBM_PARAMS, "num_leaves": 15, "learning_rate": 0.2}
# Share of the training positives (out-of-fold first-stage scores) allowed under the cascade's cut-off, and how
# far under it the cut-off is then set: a margin for the unseen data the model will score.
CASCADE_POSITIVES_LOST = 0.01
CASCADE_MARGIN = 0.5
BELOW_CUTOFF_SCALE = 1e-3  # a skipped payment scores first-stage score x this: far below any F1-best threshold
UNSUPERVISED_ALERT_RATE = 0.001
# Prediction is one parallel loop over rows, not training's many small ones: every core helps (the first stage
# over amlgentex-dev: 1.03 s on one thread, 0.53 s on two, 0.84 s on two beside a busy core).
PREDICT_THREADS = os.cpu_count() or 1
PARALLEL_PREDICT_ROWS = 10_000
Matrix = npt.NDArray[np.float32]
Scores = npt.NDArray[np.float64]
Second = Callable[[Scores], Matrix]  # first-stage scores of every row -> the second stage's extra features


@dataclass(frozen=True)
class Member:
    """One fold's model: its booster and, stacked, the first stage before it and the cascade's cut-off."""

    model: Booster  # the second stage of a stacked detector, or the only stage
    first_stage: Booster | None = None
    cutoff: float = 0.0  # first-stage score below which the second stage is skipped (0: never skipped)


@dataclass
class Trained:
    """A fitted detector with its threshold and its out-of-fold validation figures.

    LightGBM: `members` are the folds' models, whose scores are averaged. IsolationForest: `model`.
    """

    kind: str  # lightgbm or isolation_forest
    model: Any  # the scikit-learn IsolationForest (untyped); None for LightGBM
    threshold: float
    validation: JsonObject
    params: JsonObject = field(default_factory=dict)
    fill: list[float] = field(default_factory=list)  # per-feature fill values for NaN (isolation forest)
    members: list[Member] = field(default_factory=list)

    @property
    def stacked(self) -> bool:
        return bool(self.members) and self.members[0].first_stage is not None


def stack(x: Matrix, extra: Matrix) -> Matrix:
    """Return the columns of x then extra, column-major."""
    out = np.empty((len(x), x.shape[1] + extra.shape[1]), np.float32, order="F")
    out[:, : x.shape[1]] = x
    out[:, x.shape[1] :] = extra
    return out


def _sample(rows: npt.NDArray[np.int64], y: npt.NDArray[np.int8], seed: int) -> npt.NDArray[np.int64]:
    """Keep every positive and at most NEGATIVES_KEPT negatives of `rows`."""
    negatives = rows[y[rows] == 0]
    if len(negatives) <= NEGATIVES_KEPT:
        return rows
    kept = np.random.default_rng(seed).choice(negatives, NEGATIVES_KEPT, replace=False)
    return np.sort(np.concatenate((rows[y[rows] == 1], kept)))


def _fit(x: Matrix, y: npt.NDArray[np.int8], rows: npt.NDArray[np.int64], seed: int, *, first: bool = False) -> Booster:
    import lightgbm as lgb

    kept = _sample(rows, y, seed)
    data = lgb.Dataset(take_rows(x, kept), y[kept], free_raw_data=True)
    if first:
        return lgb.train({**FIRST_STAGE_PARAMS, "seed": seed}, data, FIRST_STAGE_ROUNDS)
    return lgb.train({**LGBM_PARAMS, "seed": seed}, data, ROUNDS)


def _predict(booster: Booster, x: Matrix) -> Scores:
    threads = PREDICT_THREADS if len(x) >= PARALLEL_PREDICT_ROWS else 1
    return np.asarray(booster.predict(x, num_threads=threads), dtype=np.float64)


def _first_stage(
    x: Matrix,
    y: npt.NDArray[np.int8],
    groups: npt.NDArray[np.int64],
    train_rows: npt.NDArray[np.int64],
    folds: int,
    seed: int,
) -> tuple[Scores, Booster]:
    """Return first-stage scores of every row (out of fold on train_rows, from a fit on all of them elsewhere)."""
    from sklearn.model_selection import StratifiedGroupKFold

    scores = np.zeros(len(y))
    inner = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed + 100)
    for j, (fit, held) in enumerate(inner.split(train_rows, y[train_rows], groups[train_rows])):
        booster = _fit(x, y, train_rows[fit], seed + j, first=True)
        scores[train_rows[held]] = _predict(booster, take_rows(x, train_rows[held]))
    booster = _fit(x, y, train_rows, seed, first=True)
    rest = np.setdiff1d(np.arange(len(y), dtype=np.int64), train_rows)
    if len(rest):
        scores[rest] = _predict(booster, take_rows(x, rest))
    return scores, booster


def cascade_cutoff(y: npt.NDArray[np.int8], first_scores: Scores) -> float:
    """Return the first-stage cut-off of the cascade: a margin under all but CASCADE_POSITIVES_LOST positives."""
    positives = np.sort(first_scores[y == 1])
    if not len(positives):
        return 0.0
    return float(positives[int(CASCADE_POSITIVES_LOST * len(positives))]) * CASCADE_MARGIN


def cascaded(
    booster: Booster, first: Scores, cutoff: float, features: Callable[[npt.NDArray[np.int64]], Matrix]
) -> Scores:
    """Return the scores of rows with first-stage scores `first`: the second stage's at or above the cut-off.

    `features(positions)` returns the second stage's matrix of those rows only, so skipped rows cost nothing;
    below the cut-off a row keeps its first-stage score, scaled by BELOW_CUTOFF_SCALE.
    """
    passed = np.flatnonzero(first >= cutoff)
    scores = first * BELOW_CUTOFF_SCALE
    if len(passed):
        scores[passed] = _predict(booster, features(passed))
    return scores


def _picked(features: Matrix, rows: npt.NDArray[np.int64], at: npt.NDArray[np.int64]) -> Matrix:
    return take_rows(features, rows[at])


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
) -> JsonObject:
    """Return precision, recall, F1 and PR-AUC at a threshold, and recall per pattern when given."""
    from sklearn.metrics import average_precision_score

    flagged = scores >= threshold
    tp = int((flagged & (y == 1)).sum())
    precision = tp / int(flagged.sum()) if flagged.any() else 0.0
    recall = tp / int(y.sum()) if y.any() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    result: JsonObject = {
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
    x: Matrix,
    y: npt.NDArray[np.int8],
    groups: npt.NDArray[np.int64],
    *,
    folds: int = FOLDS,
    seed: int = 0,
    second: Second | None = None,
    cascade: bool = True,
    uncascaded: Scores | None = None,
    members: list[Member] | None = None,
) -> Scores:
    """Return every row's score from a model fitted on the other folds (folds grouped by account).

    Stacked, the rows under the fold's cascade cut-off (chosen on the fold's training rows) skip the second
    stage. Given `uncascaded` (an array as long as y), it receives the second stage's score of every row as well,
    to measure what the cascade loses. Given `members`, each fold's model is appended to it.
    """
    from sklearn.model_selection import StratifiedGroupKFold

    scores = np.zeros(len(y))
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    for k, (train, test) in enumerate(splitter.split(x, y, groups)):
        train_rows, test_rows = train.astype(np.int64), test.astype(np.int64)
        if second is None:
            booster = _fit(x, y, train_rows, seed + k)
            scores[test_rows] = _predict(booster, take_rows(x, test_rows))
            if members is not None:
                members.append(Member(booster))
            continue
        first_scores, first = _first_stage(x, y, groups, train_rows, folds, seed + k)
        cutoff = cascade_cutoff(y[train_rows], first_scores[train_rows]) if cascade else 0.0
        features = stack(x, second(first_scores))
        booster = _fit(features, y, train_rows[first_scores[train_rows] >= cutoff], seed + k)
        picked = partial(_picked, features, test_rows)
        scores[test_rows] = cascaded(booster, first_scores[test_rows], cutoff, picked)
        if uncascaded is not None:
            uncascaded[test_rows] = _predict(booster, take_rows(features, test_rows))
        if members is not None:
            members.append(Member(booster, first, cutoff))
    return scores


def train_supervised(
    x: Matrix,
    y: npt.NDArray[np.int8],
    groups: npt.NDArray[np.int64],
    *,
    patterns: npt.NDArray[np.object_] | None = None,
    folds: int = FOLDS,
    second: Second | None = None,
) -> tuple[Trained, Scores]:
    """Validate out of fold and pick the threshold there; the folds' models are the detector. Return it and the
    out-of-fold scores."""
    if int(y.sum()) < folds:
        raise ValueError(f"need at least {folds} laundering payments to validate in {folds} folds")
    members: list[Member] = []
    oof = out_of_fold(x, y, groups, folds=folds, second=second, members=members)
    threshold = best_threshold(y, oof)
    for member in members:  # never: a skipped payment must not alert
        if member.cutoff * BELOW_CUTOFF_SCALE >= threshold:
            raise ValueError(f"threshold {threshold} is below a fold's scaled cascade cut-off")
    nested = ", nested: first stage and cascade cut-off chosen inside each fold" if second is not None else ""
    validation = {
        "method": f"out-of-fold, {folds} folds grouped by payer account{nested}; the folds' models, averaged, "
        "are the detector",
        **figures(y, oof, threshold, patterns),
    }
    params: JsonObject = {
        **LGBM_PARAMS,
        "rounds": ROUNDS,
        "negatives_kept": NEGATIVES_KEPT,
        "folds": folds,
        "members": len(members),
    }
    if second is not None:
        params["first_stage"] = {**FIRST_STAGE_PARAMS, "rounds": FIRST_STAGE_ROUNDS}
        params["cascade"] = {
            "positives_lost": CASCADE_POSITIVES_LOST,
            "margin": CASCADE_MARGIN,
            "below_cutoff_scale": BELOW_CUTOFF_SCALE,
        }
    return Trained("lightgbm", None, threshold, validation, params, members=members), oof


def train_unsupervised(x: Matrix, *, alert_rate: float = UNSUPERVISED_ALERT_RATE, seed: int = 0) -> Trained:
    """Fit an IsolationForest; alert on the `alert_rate` most anomalous payments of the training data."""
    from sklearn.ensemble import IsolationForest

    fill = np.nan_to_num(np.nanmedian(x, axis=0), nan=0.0).astype(np.float32)
    filled = np.where(np.isnan(x), fill, x)
    forest = IsolationForest(n_estimators=100, max_samples=256, random_state=seed, n_jobs=1).fit(filled)
    scores = -forest.score_samples(filled)
    threshold = float(np.quantile(scores, 1 - alert_rate))
    validation = {
        "method": "none (no labels): threshold at the training alert rate",
        "payments": len(x),
        "alert_rate": alert_rate,
    }
    params = {"n_estimators": 100, "max_samples": 256, "seed": seed}
    return Trained("isolation_forest", forest, threshold, validation, params, [float(v) for v in fill])


def predict(trained: Trained, x: Matrix) -> npt.NDArray[np.float64]:
    """Return scores (higher is more suspicious): an unstacked detector's members averaged, or the forest's."""
    if trained.kind == "lightgbm":
        return np.asarray(np.mean([_predict(member.model, x) for member in trained.members], axis=0), np.float64)
    fill = np.asarray(trained.fill, dtype=np.float32)
    return np.asarray(-trained.model.score_samples(np.where(np.isnan(x), fill, x)), dtype=np.float64)


def first_stage_scores(member: Member, x: Matrix) -> Scores:
    """Return a stacked member's first-stage scores."""
    if member.first_stage is None:
        raise ValueError("a member without a first stage has no first-stage scores")
    return _predict(member.first_stage, x)


def _contrib(booster: Booster, x: Matrix) -> npt.NDArray[np.float64]:
    # SHAP values cost a whole tree walk per leaf and row: worth every core even for a few hundred rows.
    threads = PREDICT_THREADS if len(x) >= 100 else 1
    return np.asarray(booster.predict(x, pred_contrib=True, num_threads=threads), dtype=np.float64)[:, :-1]


def member_contributions(member: Member, x: Matrix) -> npt.NDArray[np.float64]:
    """Return a member's per-feature contributions to each row's score (SHAP values of its booster; behind a
    cascade, those of the second stage plus the first stage's on the features they share)."""
    values = _contrib(member.model, x)
    if member.first_stage is not None and member.cutoff > 0:
        # Behind a cascade the second stage compares a payment with the other suspicious ones only (its
        # mean is high); the first stage's contributions, against every payment, say why it got there.
        width = member.first_stage.num_feature()
        values[:, :width] += _contrib(member.first_stage, np.asfortranarray(x[:, :width]))
    return values


def contributions(trained: Trained, x: Matrix) -> npt.NDArray[np.float64]:
    """Return per-feature contributions to each row's score: the members' mean for LightGBM.

    An IsolationForest has none: its rows get each feature's distance from the training median, in
    units of the feature's spread, as a plain stand-in that still names what was unusual.
    """
    if trained.kind == "lightgbm":
        return np.asarray(np.mean([member_contributions(m, x) for m in trained.members], axis=0), np.float64)
    fill = np.asarray(trained.fill, dtype=np.float64)
    return np.nan_to_num(np.abs(x.astype(np.float64) - fill) / (np.abs(fill) + 1.0))
