"""Fit a scorecard: optimal binning per feature (optbinning), WOE, logistic regression (scikit-learn).

The fitted scorecard is plain numbers (bins, WOE, coefficients): scoring needs neither library.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from cbec.credit.domain import BinnedFeature, PointsScale, Scorecard, information_value, woe


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """How to bin one feature: numerical or categorical, and the risk trend where it is known."""

    name: str
    categorical: bool = False
    # optbinning's monotonic_trend of the event (bad) rate: "ascending" = more of it, more risk.
    trend: str | None = "auto_asc_desc"


@dataclass(frozen=True, slots=True)
class TrainingOptions:
    """Binning and selection settings."""

    max_n_bins: int = 6
    min_bin_size: float | None = 0.05
    min_prebin_size: float = 0.05
    min_iv: float = 0.02
    regularisation_c: float = 1.0
    smoothing: float = 0.5
    # Drop a feature whose coefficient says more WOE means more risk (points would fall as risk falls).
    drop_wrong_sign: bool = True


@dataclass(frozen=True, slots=True)
class FitReport:
    """What the fit kept and why the others were dropped."""

    information_values: dict[str, float]
    kept: tuple[str, ...]
    dropped: dict[str, str]


def _bin_one(
    spec: FeatureSpec, x: npt.NDArray[Any], y: npt.NDArray[np.int64], options: TrainingOptions
) -> tuple[BinnedFeature, float]:
    """Bin one feature with optbinning and compute its WOE per bin with the scorecard's own formula."""
    from optbinning import OptimalBinning

    kwargs: dict[str, Any] = {
        "name": spec.name,
        "dtype": "categorical" if spec.categorical else "numerical",
        "max_n_bins": options.max_n_bins,
        "min_bin_size": options.min_bin_size,
        "min_prebin_size": options.min_prebin_size,
        "solver": "cp",
    }
    if spec.trend and not spec.categorical:
        kwargs["monotonic_trend"] = spec.trend
    binning = OptimalBinning(**kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        binning.fit(x, y)
    if spec.categorical:
        groups = tuple(tuple(str(c) for c in group) for group in binning.splits)
        lookup = {c: i for i, g in enumerate(groups) for c in g}
        idx = np.fromiter((lookup.get(str(v), -1) for v in x), dtype=np.int64)
        splits: tuple[float, ...] = ()
        n_bins = len(groups)
    else:
        groups = ()
        splits = tuple(float(s) for s in binning.splits)
        xf = x.astype(np.float64)
        idx = np.searchsorted(np.asarray(splits), xf, side="right").astype(np.int64)
        idx[np.isnan(xf)] = -1
        n_bins = len(splits) + 1
    total_bad = float(y.sum())
    total_good = float(len(y) - total_bad)
    goods, bads = [], []
    for b in [*range(n_bins), -1]:
        in_bin = idx == b
        bad = float(y[in_bin].sum())
        goods.append(float(in_bin.sum()) - bad)
        bads.append(bad)
    woes = [woe(g, b, total_good, total_bad, options.smoothing) for g, b in zip(goods, bads, strict=True)]
    missing_woe = woes[-1] if goods[-1] + bads[-1] > 0 else 0.0
    keep = [i for i in range(n_bins + 1) if goods[i] + bads[i] > 0]
    iv = information_value([goods[i] for i in keep], [bads[i] for i in keep], options.smoothing)
    feature = BinnedFeature(
        name=spec.name,
        splits=splits,
        woe=tuple(woes[:-1]),
        missing_woe=missing_woe,
        coefficient=0.0,
        categories=groups,
    )
    return feature, iv


def fit_scorecard(
    columns: Mapping[str, npt.ArrayLike],
    bad: npt.ArrayLike,
    specs: Sequence[FeatureSpec],
    *,
    scale: PointsScale,
    version: str,
    options: TrainingOptions | None = None,
) -> tuple[Scorecard, FitReport]:
    """Bin every feature, keep those with enough information, fit the logistic regression on WOE.

    A feature whose coefficient comes out with the wrong sign (more WOE, more risk) is dropped and the
    regression refitted, so every kept feature's points rise with its WOE.
    """
    from sklearn.linear_model import LogisticRegression

    options = options or TrainingOptions()
    y = np.asarray(bad, dtype=np.int64)
    binned: dict[str, BinnedFeature] = {}
    ivs: dict[str, float] = {}
    dropped: dict[str, str] = {}
    for spec in specs:
        x = np.asarray(columns[spec.name], dtype=object if spec.categorical else np.float64)
        if not spec.categorical and np.isnan(x).all():
            ivs[spec.name] = 0.0
            dropped[spec.name] = "no values / 无数据"
            continue
        feature, iv = _bin_one(spec, x, y, options)
        ivs[spec.name] = round(iv, 4)
        if iv < options.min_iv:
            dropped[spec.name] = f"IV {iv:.4f} < {options.min_iv}"
        else:
            binned[spec.name] = feature
    kept = list(binned)
    woe_columns = {name: binned[name].woe_of(columns[name]) for name in kept}
    while kept:
        matrix = np.column_stack([woe_columns[n] for n in kept])
        model = LogisticRegression(C=options.regularisation_c, max_iter=1000)
        model.fit(matrix, y)
        coefs = model.coef_[0]
        wrong = [n for n, c in zip(kept, coefs, strict=True) if c >= 0]
        if not wrong or not options.drop_wrong_sign:
            break
        worst = kept[int(np.argmax(coefs))]
        dropped[worst] = "coefficient has the wrong sign"
        kept.remove(worst)
    if not kept:
        raise ValueError("no feature carries information about the outcome; nothing to fit")
    features = tuple(
        BinnedFeature(
            name=n,
            splits=binned[n].splits,
            woe=binned[n].woe,
            missing_woe=binned[n].missing_woe,
            coefficient=float(c),
            categories=binned[n].categories,
        )
        for n, c in zip(kept, coefs, strict=True)
    )
    card = Scorecard(version=version, intercept=float(model.intercept_[0]), features=features, scale=scale)
    return card, FitReport(information_values=ivs, kept=tuple(kept), dropped=dropped)
