"""Scorecards as files: <models_dir>/credit/<version>/scorecard.json (the numbers) and metadata.json."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from cbec.credit.domain import BinnedFeature, PointsScale, Scorecard


def _finite(value: float) -> float | str:
    return value if math.isfinite(value) else str(value)


def scorecard_json(card: Scorecard) -> dict[str, Any]:
    """Return a scorecard as JSON-ready data."""
    return {
        "version": card.version,
        "intercept": card.intercept,
        "scale": {
            "base_points": card.scale.base_points,
            "base_odds": card.scale.base_odds,
            "pdo": card.scale.pdo,
        },
        "features": [
            {
                "name": f.name,
                "splits": [_finite(s) for s in f.splits],
                "woe": list(f.woe),
                "missing_woe": f.missing_woe,
                "coefficient": f.coefficient,
                "categories": [list(c) for c in f.categories],
            }
            for f in card.features
        ],
    }


def scorecard_from_json(data: dict[str, Any]) -> Scorecard:
    """Rebuild a scorecard from its JSON data."""
    return Scorecard(
        version=data["version"],
        intercept=float(data["intercept"]),
        scale=PointsScale(**data["scale"]),
        features=tuple(
            BinnedFeature(
                name=f["name"],
                splits=tuple(float(s) for s in f["splits"]),
                woe=tuple(float(w) for w in f["woe"]),
                missing_woe=float(f["missing_woe"]),
                coefficient=float(f["coefficient"]),
                categories=tuple(tuple(c) for c in f["categories"]),
            )
            for f in data["features"]
        ),
    )


def save(models_dir: Path, card: Scorecard, metadata: dict[str, Any]) -> Path:
    """Write a scorecard and its metadata; return the folder. A version is written once."""
    folder = models_dir / "credit" / card.version
    if folder.exists():
        raise FileExistsError(f"model {card.version} already exists / 模型版本已存在: {folder}")
    folder.mkdir(parents=True)
    (folder / "scorecard.json").write_text(
        json.dumps(scorecard_json(card), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    (folder / "metadata.json").write_text(json.dumps(metadata, ensure_ascii=False, indent=1), encoding="utf-8")
    return folder


def load(folder: Path) -> Scorecard:
    """Read a scorecard from its folder."""
    return scorecard_from_json(json.loads((folder / "scorecard.json").read_text(encoding="utf-8")))
