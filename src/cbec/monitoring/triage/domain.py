"""One risk score per payment from its evidence, and why: pure arithmetic over signal columns, no I/O.

The score is a logistic combination (as Tazama's typology processor weighs rule results):
score = 1 / (1 + exp(-(intercept + sum of weight x signal))). A payment opens a review item when its score is
at or above the profile's threshold; its contributions are weight x signal, the largest positive first.
The payer account's score rolls its payments up: the largest payment score of the account in the month.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cbec.core.jsontypes import JsonObject

Floats = npt.NDArray[np.float64]

# The evidence a payment can carry, in the order of the signal matrix's columns.
SIGNALS: tuple[str, ...] = (
    "model_margin",  # logit(model score) - logit(model threshold), clipped to +-MARGIN_LIMIT; 0 without a model
    "rule_high",  # 1 when a suspicion rule of high or critical severity names the payment
    "rule_count",  # distinct suspicion rules naming it, at most RULE_COUNT_CAP
    "graph",  # 1 when a fund-flow graph pattern names it
    "documents",  # distinct three-document findings naming it, at most RULE_COUNT_CAP
    "account_evidence",  # log(1 + the payer account's other payments with evidence this month)
    "account_history",  # log(1 + review items on the payer account in earlier months)
)
MARGIN_LIMIT = 8.0
RULE_COUNT_CAP = 3
SHOWN_CONTRIBUTIONS = 3


@dataclass(frozen=True, slots=True)
class Weight:
    """One signal's weight in a profile, and why it has that weight."""

    signal: str
    weight: float
    why: str


@dataclass(frozen=True, slots=True)
class Profile:
    """Weights, intercept and queue threshold for one kind of run (with a learned model, or rules only)."""

    name: str
    intercept: float
    threshold: float
    weights: tuple[Weight, ...]
    why: str

    def vector(self) -> Floats:
        """Return the weights in SIGNALS order (0 for a signal the profile leaves out)."""
        given = {w.signal: w.weight for w in self.weights}
        return np.array([given.get(name, 0.0) for name in SIGNALS], dtype=np.float64)


@dataclass(frozen=True, slots=True)
class SignalText:
    """How a signal explains itself to a person, in Chinese and English ({value} is the signal's value)."""

    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class TriageConfig:
    """A versioned triage configuration: profiles, severity bands of the score, and the signals' texts."""

    version: str
    profiles: Mapping[str, Profile]
    severity_bands: tuple[tuple[str, float], ...]  # (severity, lowest score), most severe first
    texts: Mapping[str, SignalText]

    def profile(self, with_model: bool) -> Profile:
        """Return the profile of a run with or without learned-model scores."""
        return self.profiles["with_model" if with_model else "rules_only"]


def logit(p: Floats) -> Floats:
    """Return log(p / (1 - p)), p clipped away from 0 and 1."""
    q: Floats = np.clip(p, 1e-9, 1 - 1e-9)
    result: Floats = np.log(q / (1 - q))
    return result


def model_margin(scores: Floats, threshold: float) -> Floats:
    """Return how far each model score sits above its own alert threshold, in log-odds, clipped."""
    at = logit(np.array([threshold], dtype=np.float64))[0]
    clipped: Floats = np.clip(logit(scores) - at, -MARGIN_LIMIT, MARGIN_LIMIT)
    return clipped


def combine(signals: Floats, profile: Profile) -> tuple[Floats, Floats]:
    """Return each row's score and its contributions (weight x signal, one column per signal)."""
    contributions = signals * profile.vector()
    z = profile.intercept + contributions.sum(axis=1)
    return 1.0 / (1.0 + np.exp(-z)), contributions


def account_rollup(accounts: npt.NDArray[np.int64], scores: Floats) -> Floats:
    """Return, for each row, the largest score of any row of its account (numbered from 0; -1 keeps its own)."""
    if not len(scores):
        return scores.copy()
    known = accounts >= 0
    best = np.full(int(accounts.max()) + 1 if known.any() else 1, -np.inf)
    np.maximum.at(best, accounts[known], scores[known])
    return np.where(known, best[np.where(known, accounts, 0)], scores)


def severity_of(score: float, bands: tuple[tuple[str, float], ...]) -> str:
    """Return the severity band a score falls in (the last band's when below all)."""
    for severity, lowest in bands:
        if score >= lowest:
            return severity
    return bands[-1][0]


@dataclass(frozen=True, slots=True)
class Reason:
    """One contribution to an item's score, explained."""

    signal: str
    value: float
    contribution: float
    zh: str
    en: str


def reasons(row_signals: Floats, row_contributions: Floats, texts: Mapping[str, SignalText]) -> list[Reason]:
    """Return the largest positive contributions of one row, at most SHOWN_CONTRIBUTIONS, with their texts."""
    order = np.argsort(-row_contributions, kind="stable")
    found: list[Reason] = []
    for j in order[:SHOWN_CONTRIBUTIONS]:
        if row_contributions[j] <= 0:
            break
        name, value = SIGNALS[int(j)], float(row_signals[j])
        text = texts[name]
        shown = f"{value:.2f}" if name in ("model_margin", "account_evidence", "account_history") else f"{value:g}"
        found.append(
            Reason(
                signal=name,
                value=round(value, 4),
                contribution=round(float(row_contributions[j]), 4),
                zh=text.zh.format(value=shown),
                en=text.en.format(value=shown),
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class NewItem:
    """A payment that passed the threshold, as the queue will hold it."""

    month: str
    institution_id: str
    payment_id: str
    account_id: str | None
    score: float
    account_score: float
    severity: str
    config_version: str
    contributions: list[JsonObject]
    reason_zh: str
    reason_en: str
