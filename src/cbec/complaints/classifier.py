"""The complaint classifier: the shipped model, trained on first use and cached under models_dir.

scikit-learn (0.7 s to import) and the pipeline's module (complaints/pipeline.py) load on first use, not when the
service is imported: every `cbec` command imports the complaints service, few classify.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from cbec.complaints.domain import CATEGORIES, Category, LabelledComplaint
from cbec.complaints.schemas import Classification
from cbec.config import Settings

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

log = logging.getLogger(__name__)
DEFAULT_THRESHOLD = 0.35
DATA_DIR = Path(__file__).resolve().parent / "data"
LABELLED_FILE = DATA_DIR / "labelled_complaints.csv"
LEXICON_FILE = Path(__file__).resolve().parent / "lexicon.yaml"
# Part of the cache file's name: raised whenever a pickled class moves, so that an older file is never read.
# 2: the pipeline's own classes live in cbec.complaints.pipeline (1: cbec.complaints.domain).
CACHE_FORMAT = 2


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
    return file_digest(LABELLED_FILE, LEXICON_FILE)


def cache_path(models_dir: Path, digest: str) -> Path:
    """Return where the model for these training inputs, library versions and cache format is kept."""
    import sklearn

    from cbec.complaints.pipeline import encoder_version

    versions = f"sklearn{sklearn.__version__}-use{encoder_version()}"
    return models_dir / f"complaint-classifier-{digest[:16]}-{versions}-f{CACHE_FORMAT}.joblib"


def _train_fresh(digest: str) -> TrainedModel:
    from cbec.complaints.pipeline import train

    pipeline = train(read_labelled(), lexicon=load_lexicon())
    return TrainedModel(pipeline, digest)


def _read_cache(path: Path, digest: str) -> TrainedModel | None:
    import joblib

    try:
        stored: Any = joblib.load(path)  # our own file, named by the data hash, the library versions, the format
    except Exception as exc:  # a file this code cannot read (a class moved, a torn write) is trained again
        log.warning("complaint classifier cache %s unreadable (%s: %s): training again", path, type(exc).__name__, exc)
        return None
    return stored if isinstance(stored, TrainedModel) and stored.data_sha256 == digest else None


def load_model(*, settings: Settings | None = None) -> TrainedModel:
    """Return the model for the shipped data: from memory, the models_dir cache, or trained now."""
    import joblib

    digest = training_digest()
    if digest in _MEMORY:
        return _MEMORY[digest]
    path = cache_path(settings.models_dir, digest) if settings is not None else None
    model = _read_cache(path, digest) if path is not None and path.exists() else None
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
    from cbec.complaints.pipeline import predict

    model = load_model(settings=settings)
    limit = review_threshold(settings) if threshold is None else threshold
    predictions = predict(model.pipeline, texts, threshold=limit)
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
