"""Score a batch of credit files: points, reason codes, grade, hard-rule caps. Pure (no I/O)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from cbec.credit.catalog import BY_NAME
from cbec.credit.config import CreditConfig
from cbec.credit.domain import Scorecard, apply_hard_rules, reason_codes


@dataclass(frozen=True, slots=True)
class Scored:
    """One enterprise's result."""

    enterprise_id: str
    score: float
    score_grade: str
    grade: str
    hard_rules: tuple[str, ...]
    reasons: list[dict[str, Any]]


def reason_text(feature: str, lost: float) -> dict[str, Any]:
    """Return a reason code with its Chinese and English text."""
    f = BY_NAME.get(feature)
    zh, en = (f.title_zh, f.title_en) if f else (feature, feature)
    return {
        "feature": feature,
        "points_lost": lost,
        "text_zh": f"{zh}（扣 {lost:.0f} 分）",
        "text_en": f"{en} (−{lost:.0f} points)",
    }


def score_batch(
    card: Scorecard,
    enterprise_ids: Sequence[str],
    columns: Mapping[str, npt.ArrayLike],
    facts: Mapping[str, Sequence[Any]],
    config: CreditConfig,
) -> list[Scored]:
    """Score every row, give each its top reason codes and its grade after the hard rules.

    Grades and the hard rules' conditions are computed over whole columns; only the rows a rule holds for
    go through the per-row cap (same result as domain.apply_hard_rules row by row).
    """
    scores, points = card.score(columns)
    names = [f.name for f in card.features]
    reasons = reason_codes(points, card.best_points(), names, top=config.reason_codes)
    bands, rules, order = config.bands(), config.rules(), config.grade_order
    rounded = np.round(scores, 2)
    # Bands run from best (highest minimum) to worst: count the minimums a score falls short of.
    minimums = np.array([b.min_score for b in bands])
    band_index = np.minimum((rounded[:, np.newaxis] < minimums[np.newaxis, :]).sum(axis=1), len(bands) - 1)
    score_grades = [bands[j].grade for j in band_index.tolist()]
    fired = np.zeros(len(rounded), dtype=np.bool_)
    for rule in rules:
        values = facts.get(rule.feature)
        if values is not None:
            fired |= np.fromiter((rule.holds(v) for v in values), dtype=np.bool_, count=len(rounded))
    texts: dict[tuple[str, float], dict[str, Any]] = {}
    out = []
    for i, enterprise in enumerate(enterprise_ids):
        grade, applied = score_grades[i], cast(tuple[str, ...], ())
        if fired[i]:
            graded = apply_hard_rules(
                grade, {r.feature: facts[r.feature][i] for r in rules if r.feature in facts}, rules, order
            )
            grade, applied = graded.grade, graded.rules
        row_reasons = []
        for key in reasons[i]:
            text = texts.get(key)
            if text is None:
                text = texts[key] = reason_text(*key)
            row_reasons.append(text)
        out.append(Scored(enterprise, float(rounded[i]), score_grades[i], grade, applied, row_reasons))
    return out
