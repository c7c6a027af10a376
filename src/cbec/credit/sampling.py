"""Inspection sampling by credit grade: each enterprise drawn with the base rate times its grade's multiplier. Pure."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

UNGRADED = "-"  # an enterprise without a score is sampled at the routine rate (multiplier 1)


@dataclass(frozen=True, slots=True)
class Draw:
    """One enterprise's draw: its grade, the rate that applied, the uniform number drawn, and the outcome."""

    enterprise_id: str
    grade: str
    rate: float
    uniform: float
    drawn: bool


def uniform(key: str, enterprise_id: str) -> float:
    """Return a number in [0, 1) fixed by the key and the enterprise: the same sample on every rerun."""
    digest = hashlib.sha256(f"{key}:{enterprise_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def draw_sample(grades: dict[str, str | None], multipliers: dict[str, float], base_rate: float, key: str) -> list[Draw]:
    """Draw each enterprise with probability min(1, base_rate × its grade's multiplier), in id order."""
    out = []
    for enterprise_id in sorted(grades):
        grade = grades[enterprise_id] or UNGRADED
        rate = min(1.0, base_rate * multipliers.get(grade, 1.0))
        u = uniform(key, enterprise_id)
        out.append(Draw(enterprise_id, grade, rate, u, u < rate))
    return out


def counts_by_grade(draws: list[Draw], order: tuple[str, ...]) -> dict[str, tuple[int, int, float]]:
    """Return per grade (enterprises, drawn, rate), grades in the given order, then the ungraded."""
    out: dict[str, tuple[int, int, float]] = {}
    for grade in (*order, UNGRADED):
        mine = [d for d in draws if d.grade == grade]
        if mine:
            out[grade] = (len(mine), sum(d.drawn for d in mine), mine[0].rate)
    return out
