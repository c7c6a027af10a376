"""What a complaint's category is: the categories, text normalisation and the decision on a model's probabilities.

Pure: the classifier that produces the probabilities (complaints/pipeline.py) and the files it learns from
(complaints/classifier.py) live apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from cbec.complaints.errors import EmptyComplaintError
from cbec.core.i18n import labels

Category = Literal[
    "quality",
    "counterfeit",
    "refund_return",
    "delivery",
    "near_expiry",
    "description_mismatch",
    "privacy",
    "payment",
    "other",
]
CATEGORIES: tuple[Category, ...] = get_args(Category)
CATEGORY_TITLES = labels.pairs("complaint_category")  # (zh, en) by code: the catalogs name each code once
FALLBACK = "other"
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class LabelledComplaint:
    """One row of the labelled set."""

    text: str
    language: str
    category: str


@dataclass(frozen=True)
class Prediction:
    """The model's answer for one text: the category kept, its probability, the model's own top choice."""

    category: str
    confidence: float
    predicted: str
    needs_review: bool


def normalise(text: str) -> str:
    """Return the text in NFKC (full-width to half-width), lower-cased, with runs of spaces collapsed."""
    cleaned = _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip().lower()
    if not cleaned:
        raise EmptyComplaintError("空投诉文本 / empty complaint text: nothing to classify")
    return cleaned


def decide(probabilities: Sequence[float], classes: Sequence[str], *, threshold: float) -> Prediction:
    """Keep the most probable class (the first on a tie); below the threshold fall back to `other`, for review."""
    best = max(range(len(probabilities)), key=probabilities.__getitem__)
    confidence = round(float(probabilities[best]), 4)
    low = confidence < threshold
    return Prediction(FALLBACK if low else str(classes[best]), confidence, str(classes[best]), low)
