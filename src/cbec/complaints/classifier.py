"""The complaint classifier: the shipped model, trained on first use and cached under models_dir.

scikit-learn (0.7 s to import) and the pipeline's module load on first use, not when the service is imported:
every `cbec` command imports the complaints service, few classify.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cbec.complaints.schemas import Category, Classification
from cbec.config import Settings

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

DEFAULT_THRESHOLD = 0.35


@dataclass(frozen=True)
class TrainedModel:
    """A fitted pipeline and the hash of what it was trained on."""

    pipeline: Pipeline
    data_sha256: str

    @property
    def version(self) -> str:
        """Return a short model version: the first 12 hex digits of the training inputs' hash."""
        return self.data_sha256[:12]


_MEMORY: dict[str, TrainedModel] = {}


def training_digest() -> str:
    """Return the SHA-256 of the shipped labelled set and lexicon."""
    from cbec.complaints import domain

    return domain.file_digest(domain.LABELLED_FILE, domain.LEXICON_FILE)


def _cache_path(models_dir: Path, digest: str) -> Path:
    import sklearn

    from cbec.complaints import domain

    versions = f"sklearn{sklearn.__version__}-use{domain.encoder_version()}"
    return models_dir / f"complaint-classifier-{digest[:16]}-{versions}.joblib"


def _train_fresh(digest: str) -> TrainedModel:
    from cbec.complaints import domain

    pipeline = domain.train(domain.read_labelled(), lexicon=domain.load_lexicon())
    return TrainedModel(pipeline, digest)


def load_model(*, settings: Settings | None = None) -> TrainedModel:
    """Return the model for the shipped data: from memory, the models_dir cache, or trained now."""
    import joblib

    digest = training_digest()
    if digest in _MEMORY:
        return _MEMORY[digest]
    path = _cache_path(settings.models_dir, digest) if settings is not None else None
    model: TrainedModel | None = None
    if path is not None and path.exists():
        stored: Any = joblib.load(path)  # our own file, named by the data hash and the sklearn version
        if isinstance(stored, TrainedModel) and stored.data_sha256 == digest:
            model = stored
    if model is None:
        model = _train_fresh(digest)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            os.close(handle)
            joblib.dump(model, tmp, compress=3)
            os.replace(tmp, path)  # atomic: a concurrent reader never sees half a file
    _MEMORY[digest] = model
    return model


def review_threshold(settings: Settings | None) -> float:
    """Return the confidence below which a classification falls back to `other` for human review."""
    return settings.complaint_review_threshold if settings is not None else DEFAULT_THRESHOLD


def classify_texts(
    texts: list[str], *, settings: Settings | None = None, threshold: float | None = None
) -> list[Classification]:
    """Classify complaint texts (Chinese, English or mixed); an empty text raises EmptyComplaintError."""
    from cbec.complaints import domain

    model = load_model(settings=settings)
    limit = review_threshold(settings) if threshold is None else threshold
    predictions = domain.predict(model.pipeline, texts, threshold=limit)
    return [
        Classification(
            text=text,
            category=p.category,  # type: ignore[arg-type]
            confidence=p.confidence,
            predicted=p.predicted,  # type: ignore[arg-type]
            needs_review=p.needs_review,
            model_version=model.version,
        )
        for text, p in zip(texts, predictions, strict=True)
    ]


def override(classification: Classification, *, category: Category, actor: str) -> Classification:
    """Return the classification as decided by a person: their category, confidence 1, no review needed."""
    return classification.model_copy(
        update={
            "category": category,
            "confidence": 1.0,
            "needs_review": False,
            "source": "human",
            "decided_by": actor,
        }
    )
