"""How well a score separates and how far it drifts: AUC, KS and PSI. Pure numpy."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def auc(bad: npt.ArrayLike, risk: npt.ArrayLike) -> float:
    """Return the area under the ROC curve of a risk measure (higher = riskier) against 0/1 bad labels."""
    y = np.asarray(bad, dtype=np.int64)
    r = np.asarray(risk, dtype=np.float64)
    n_bad, n_good = int(y.sum()), int(len(y) - y.sum())
    if not n_bad or not n_good:
        raise ValueError("AUC needs both goods and bads")
    # Mann-Whitney with mid-ranks for ties.
    order = np.argsort(r, kind="mergesort")
    ranks = np.empty(len(r), dtype=np.float64)
    sorted_r = r[order]
    boundaries = np.flatnonzero(np.diff(sorted_r)) + 1
    starts = np.concatenate(([0], boundaries))
    ends = np.concatenate((boundaries, [len(r)]))
    for s, e in zip(starts, ends, strict=True):
        ranks[order[s:e]] = (s + e + 1) / 2.0
    return float((ranks[y == 1].sum() - n_bad * (n_bad + 1) / 2.0) / (n_bad * n_good))


def ks(bad: npt.ArrayLike, risk: npt.ArrayLike) -> float:
    """Return the largest gap between the cumulative shares of bads and goods over the risk measure."""
    y = np.asarray(bad, dtype=np.int64)
    r = np.asarray(risk, dtype=np.float64)
    order = np.argsort(-r, kind="mergesort")
    y_sorted, r_sorted = y[order], r[order]
    last_of_value = np.append(np.diff(r_sorted) != 0, True)  # cut only between distinct values
    cum_bad = np.cumsum(y_sorted)[last_of_value] / max(1, y.sum())
    cum_good = np.cumsum(1 - y_sorted)[last_of_value] / max(1, len(y) - y.sum())
    return float(np.max(np.abs(cum_bad - cum_good)))


def psi(expected: npt.ArrayLike, actual: npt.ArrayLike, bins: int = 10, floor: float = 1e-4) -> float:
    """Return the population stability index of `actual` against deciles of `expected`.

    Missing values form a bin of their own; empty shares are floored so the index stays finite.
    """
    e = np.asarray(expected, dtype=np.float64)
    a = np.asarray(actual, dtype=np.float64)
    finite = e[~np.isnan(e)]
    cuts = np.unique(np.quantile(finite, np.linspace(0, 1, bins + 1)[1:-1])) if len(finite) else np.array([])

    def shares(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        idx = np.where(np.isnan(x), len(cuts) + 1, np.searchsorted(cuts, x, side="right"))
        counts = np.bincount(idx.astype(np.int64), minlength=len(cuts) + 2).astype(np.float64)
        return np.maximum(counts / max(1, len(x)), floor)

    pe, pa = shares(e), shares(a)
    return float(np.sum((pa - pe) * np.log(pa / pe)))


def psi_of_categories(expected: npt.ArrayLike, actual: npt.ArrayLike, floor: float = 1e-4) -> float:
    """Return the PSI of two samples of a discrete value (e.g. grades or bins)."""
    e, a = np.asarray(expected).astype(str), np.asarray(actual).astype(str)
    values = sorted(set(e) | set(a))
    pe = np.array([max(np.mean(e == v), floor) for v in values])
    pa = np.array([max(np.mean(a == v), floor) for v in values])
    return float(np.sum((pa - pe) * np.log(pa / pe)))
