"""The scorecard's arithmetic: WOE, points scaled by PDO, reason codes, grades and hard-rule caps. Pure."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def woe(good: float, bad: float, total_good: float, total_bad: float, smoothing: float = 0.5) -> float:
    """Return ln((good / total good) / (bad / total bad)); a bin with more goods than average is positive.

    `smoothing` is added to both counts so that a bin with no bads (or no goods) has a finite weight.
    """
    g = (good + smoothing) / (total_good + smoothing)
    b = (bad + smoothing) / (total_bad + smoothing)
    return math.log(g / b)


def information_value(goods: Sequence[float], bads: Sequence[float], smoothing: float = 0.5) -> float:
    """Return Σ (good share − bad share) × WOE over the bins."""
    total_good, total_bad = float(sum(goods)), float(sum(bads))
    iv = 0.0
    for g, b in zip(goods, bads, strict=True):
        gs = (g + smoothing) / (total_good + smoothing)
        bs = (b + smoothing) / (total_bad + smoothing)
        iv += (gs - bs) * math.log(gs / bs)
    return iv


@dataclass(frozen=True, slots=True)
class PointsScale:
    """Points = offset + factor × ln(odds good:bad); `pdo` points double the odds; base_points at base_odds."""

    base_points: float
    base_odds: float
    pdo: float

    @property
    def factor(self) -> float:
        """Return points per unit of log-odds."""
        return self.pdo / math.log(2)

    @property
    def offset(self) -> float:
        """Return the points at even odds (1:1)."""
        return self.base_points - self.factor * math.log(self.base_odds)

    def points(self, odds_good: float) -> float:
        """Return the score of a given good:bad odds."""
        return self.offset + self.factor * math.log(odds_good)

    def odds(self, points: float) -> float:
        """Return the good:bad odds a score stands for."""
        return math.exp((points - self.offset) / self.factor)


@dataclass(frozen=True, slots=True)
class BinnedFeature:
    """One feature of a scorecard: its bins, the WOE of each, the missing bin's WOE and its coefficient.

    Numerical bins follow optbinning: bin 0 is (-inf, s0), bin i is [s(i-1), s(i)), the last [s(n-1), inf).
    Categorical bins list the categories each holds; an unseen category scores as missing.
    """

    name: str
    splits: tuple[float, ...]
    woe: tuple[float, ...]
    missing_woe: float
    coefficient: float
    categories: tuple[tuple[str, ...], ...] = ()
    labels: tuple[str, ...] = ()

    @property
    def categorical(self) -> bool:
        """Tell whether the bins hold categories."""
        return bool(self.categories)

    def bin_index(self, values: npt.ArrayLike) -> IntArray:
        """Return each value's bin; -1 marks the missing bin."""
        if self.categorical:
            lookup = {c: i for i, group in enumerate(self.categories) for c in group}
            return np.fromiter((lookup.get(str(v), -1) for v in np.asarray(values)), dtype=np.int64)
        x = np.asarray(values, dtype=np.float64)
        idx = np.searchsorted(np.asarray(self.splits, dtype=np.float64), x, side="right").astype(np.int64)
        idx[np.isnan(x)] = -1
        return idx

    def woe_of(self, values: npt.ArrayLike) -> FloatArray:
        """Return the WOE of each value."""
        table = np.append(np.asarray(self.woe, dtype=np.float64), self.missing_woe)
        return table[self.bin_index(values)]  # index -1 is the missing WOE appended last

    def bin_label(self, index: int) -> str:
        """Return a bin's readable range (or its categories)."""
        if index < 0:
            return "missing"
        if self.labels:
            return self.labels[index]
        if self.categorical:
            return ", ".join(self.categories[index])
        low = "-inf" if index == 0 else f"{self.splits[index - 1]:g}"
        high = "inf" if index == len(self.splits) else f"{self.splits[index]:g}"
        return f"[{low}, {high})"


@dataclass(frozen=True, slots=True)
class Scorecard:
    """A fitted WOE logistic scorecard: log-odds(bad) = intercept + Σ coefficient × WOE."""

    version: str
    intercept: float
    features: tuple[BinnedFeature, ...]
    scale: PointsScale

    def _points_per_woe(self) -> FloatArray:
        return np.array([-self.scale.factor * f.coefficient for f in self.features], dtype=np.float64)

    @property
    def base_points(self) -> float:
        """Return the points every enterprise starts from (offset and intercept)."""
        return self.scale.offset - self.scale.factor * self.intercept

    def points(self, columns: Mapping[str, npt.ArrayLike]) -> FloatArray:
        """Return an (n, features) matrix of the points each feature gives each row."""
        woes = np.column_stack([f.woe_of(columns[f.name]) for f in self.features])
        out: FloatArray = woes * self._points_per_woe()
        return out

    def best_points(self) -> FloatArray:
        """Return the most points each feature can give."""
        per = self._points_per_woe()
        return np.array([max(p * w for w in (*f.woe, f.missing_woe)) for f, p in zip(self.features, per, strict=True)])

    def score(self, columns: Mapping[str, npt.ArrayLike]) -> tuple[FloatArray, FloatArray]:
        """Return (scores, points matrix) of a batch of rows."""
        pts = self.points(columns)
        return self.base_points + pts.sum(axis=1), pts

    def probability_bad(self, scores: npt.ArrayLike) -> FloatArray:
        """Return the probability of a bad outcome that each score stands for."""
        log_odds_good = (np.asarray(scores, dtype=np.float64) - self.scale.offset) / self.scale.factor
        out: FloatArray = 1.0 / (1.0 + np.exp(log_odds_good))
        return out


def reason_codes(
    points: FloatArray, best: FloatArray, names: Sequence[str], top: int = 3
) -> list[list[tuple[str, float]]]:
    """Return per row the features that cost it the most points below their best, largest first."""
    lost = best[np.newaxis, :] - points
    k = min(top, lost.shape[1])
    order = np.argsort(-lost, axis=1, kind="stable")[:, :k]
    picked = np.round(np.take_along_axis(lost, order, axis=1), 2)
    named = np.asarray(names, dtype=object)[order]
    return [
        [(n, v) for n, v in zip(row_names, row_lost, strict=True) if v > 0]
        for row_names, row_lost in zip(named.tolist(), picked.tolist(), strict=True)
    ]


@dataclass(frozen=True, slots=True)
class GradeBand:
    """A grade and the lowest score that earns it."""

    grade: str
    min_score: float


def grade_of(score: float, bands: Sequence[GradeBand]) -> str:
    """Return the best grade whose lower bound the score reaches (bands from best to worst)."""
    for band in bands:
        if score >= band.min_score:
            return band.grade
    return bands[-1].grade


def worse(a: str, b: str, order: Sequence[str]) -> str:
    """Return the worse of two grades in an order from best to worst."""
    return a if order.index(a) >= order.index(b) else b


@dataclass(frozen=True, slots=True)
class HardRule:
    """A legal rule that caps the grade whatever the score: when `feature` is in `values` (or ≥ `at_least`)."""

    rule_id: str
    feature: str
    cap: str
    title_zh: str
    title_en: str
    source: str
    values: tuple[str, ...] = ()
    at_least: float | None = None

    def holds(self, value: Any) -> bool:
        """Tell whether the rule applies to a feature value."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return False
        if self.values:
            return str(value) in self.values
        return self.at_least is not None and float(value) >= self.at_least


@dataclass(frozen=True, slots=True)
class Graded:
    """The grade an enterprise gets: from the score, then capped by any hard rule that holds."""

    score_grade: str
    grade: str
    rules: tuple[str, ...] = field(default=())


def apply_hard_rules(
    score_grade: str, facts: Mapping[str, Any], rules: Sequence[HardRule], order: Sequence[str]
) -> Graded:
    """Cap a score's grade by every hard rule that holds for the enterprise's facts."""
    grade, fired = score_grade, []
    for rule in rules:
        if rule.holds(facts.get(rule.feature)):
            fired.append(rule.rule_id)
            grade = worse(grade, rule.cap, order)
    return Graded(score_grade=score_grade, grade=grade, rules=tuple(fired))
