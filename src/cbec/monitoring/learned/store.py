"""A learned detector on disk: a versioned directory with the model and its metadata.

MODEL/model.json holds name, version (one more than the model it replaces in the same directory), kind,
feature list, threshold, the training data's hash, the out-of-fold validation figures, created_at and
library versions; MODEL/model.txt is the LightGBM text model (the second stage of a stacked detector, whose
first stage is MODEL/first_stage.txt), or MODEL/model.joblib the IsolationForest.
"""

from __future__ import annotations

import json
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from cbec.core.jsontypes import JsonObject
from cbec.monitoring.learned.train import Trained

# 2: person-to-person graph, stacked second stage; 3: pair-use and chain features, a cascade;
# 4: features ranked within their frame
FORMAT = 4


def _versions() -> dict[str, str]:
    names = ("cbec", "lightgbm", "scikit-learn", "numpy", "duckdb")
    found = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def previous_version(directory: Path) -> int:
    """Return the version of the model already in a directory (0 when there is none)."""
    path = directory / "model.json"
    if not path.exists():
        return 0
    return int(json.loads(path.read_text(encoding="utf-8")).get("version", 0))


def save(
    directory: Path,
    trained: Trained,
    *,
    name: str,
    features: list[str],
    second_features: list[str],
    data_hash: str,
    created_at: datetime,
    context_days: int,
    labels: JsonObject | None = None,
) -> JsonObject:
    """Write the model and its metadata (model.json last, so a half-written model is never read)."""
    directory.mkdir(parents=True, exist_ok=True)
    version = previous_version(directory) + 1
    if trained.kind == "lightgbm":
        trained.model.save_model(str(directory / "model.txt"))
        (directory / "model.joblib").unlink(missing_ok=True)
        if trained.first_stage is not None:
            trained.first_stage.save_model(str(directory / "first_stage.txt"))
        else:
            (directory / "first_stage.txt").unlink(missing_ok=True)
    else:
        import joblib

        joblib.dump(trained.model, directory / "model.joblib")
        (directory / "model.txt").unlink(missing_ok=True)
        (directory / "first_stage.txt").unlink(missing_ok=True)
    meta = {
        "format": FORMAT,
        "name": name,
        "version": version,
        "kind": trained.kind,
        "features": features,
        "second_stage_features": second_features,
        "threshold": trained.threshold,
        "cascade_cutoff": trained.cutoff,
        "fill": trained.fill,
        "context_days": context_days,
        "training_data_sha256": data_hash,
        "validation": trained.validation,
        "labels": labels,
        "params": trained.params,
        "created_at": created_at.isoformat(),
        "libraries": _versions(),
    }
    tmp = directory / "model.json.tmp"
    tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(directory / "model.json")
    return meta


def load(directory: Path) -> tuple[Trained, JsonObject]:
    """Read a model directory; refuse one without metadata or of an unknown format."""
    path = directory / "model.json"
    if not path.exists():
        raise FileNotFoundError(f"{directory}: no model.json (not a cbec model directory)")
    meta: JsonObject = json.loads(path.read_text(encoding="utf-8"))
    found = meta.get("format")
    if isinstance(found, int) and found < FORMAT:
        raise ValueError(
            f"{directory}: model format {found} was trained by an older cbec on other features "
            f"(this cbec reads format {FORMAT}); train it again with `cbec model train`"
        )
    if found != FORMAT:
        raise ValueError(f"{directory}: model format {found!r} is unknown (this cbec reads format {FORMAT})")
    first = None
    if meta["kind"] == "lightgbm":
        import lightgbm as lgb

        model: Any = lgb.Booster(model_file=str(directory / "model.txt"))  # or an IsolationForest below
        if meta.get("second_stage_features"):
            first = lgb.Booster(model_file=str(directory / "first_stage.txt"))
    else:
        import joblib

        model = joblib.load(directory / "model.joblib")
    trained = Trained(
        meta["kind"],
        model,
        float(meta["threshold"]),
        meta["validation"],
        meta["params"],
        list(meta.get("fill", [])),
        first,
        float(meta.get("cascade_cutoff", 0.0)),
    )
    return trained, meta
