"""A learned detector on disk: a versioned directory with the model and its metadata.

MODEL/model.json holds name, version (one more than the model it replaces in the same directory), kind,
feature list, threshold, the training data's hash, the out-of-fold validation figures, created_at and
library versions, and per member (one per fold) its cascade cut-off; MODEL/member-K.txt is member K's LightGBM
text model (the second stage of a stacked detector, whose first stage is MODEL/member-K-first.txt), or
MODEL/model.joblib the IsolationForest.
"""

from __future__ import annotations

import json
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from cbec.core.jsontypes import JsonObject
from cbec.monitoring.learned.train import Member, Trained

# 2: person-to-person graph, stacked second stage; 3: pair-use and chain features, a cascade;
# 4: features ranked within their frame; 5: the folds' models, averaged (members), not one refit
FORMAT = 5


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
    for old in [*directory.glob("member-*.txt"), directory / "model.joblib"]:
        old.unlink(missing_ok=True)
    members: list[JsonObject] = []
    if trained.kind == "lightgbm":
        for k, member in enumerate(trained.members):
            member.model.save_model(str(directory / f"member-{k}.txt"))
            if member.first_stage is not None:
                member.first_stage.save_model(str(directory / f"member-{k}-first.txt"))
            members.append({"cascade_cutoff": member.cutoff, "stacked": member.first_stage is not None})
    else:
        import joblib

        joblib.dump(trained.model, directory / "model.joblib")
    meta = {
        "format": FORMAT,
        "name": name,
        "version": version,
        "kind": trained.kind,
        "features": features,
        "second_stage_features": second_features,
        "threshold": trained.threshold,
        "members": members,
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
            f"{directory}: model format {found} was written by an older cbec "
            f"(this cbec reads format {FORMAT}); train it again with `cbec model train`"
        )
    if found != FORMAT:
        raise ValueError(f"{directory}: model format {found!r} is unknown (this cbec reads format {FORMAT})")
    model: Any = None  # an IsolationForest (untyped), or the members below
    members: list[Member] = []
    if meta["kind"] == "lightgbm":
        import lightgbm as lgb

        for k, member in enumerate(meta["members"]):
            first = lgb.Booster(model_file=str(directory / f"member-{k}-first.txt")) if member["stacked"] else None
            second = lgb.Booster(model_file=str(directory / f"member-{k}.txt"))
            members.append(Member(second, first, float(member["cascade_cutoff"])))
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
        members,
    )
    return trained, meta
