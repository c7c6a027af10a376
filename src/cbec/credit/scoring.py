"""Score a batch of credit files: points, reason codes, grade, hard-rule caps. Pure (no I/O)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from cbec.credit.catalog import BY_NAME
from cbec.credit.config import CreditConfig
from cbec.credit.domain import Scorecard, apply_hard_rules, grade_of, reason_codes


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
    """Score every row, give each its top reason codes and its grade after the hard rules."""
    scores, points = card.score(columns)
    names = [f.name for f in card.features]
    reasons = reason_codes(points, card.best_points(), names, top=config.reason_codes)
    bands, rules, order = config.bands(), config.rules(), config.grade_order
    fact_names = sorted({r.feature for r in rules})
    out = []
    rounded = np.round(scores, 2)
    for i, enterprise in enumerate(enterprise_ids):
        score = float(rounded[i])
        graded = apply_hard_rules(
            grade_of(score, bands), {k: facts[k][i] if k in facts else None for k in fact_names}, rules, order
        )
        out.append(
            Scored(
                enterprise_id=enterprise,
                score=score,
                score_grade=graded.score_grade,
                grade=graded.grade,
                hard_rules=graded.rules,
                reasons=[reason_text(f, lost) for f, lost in reasons[i]],
            )
        )
    return out
