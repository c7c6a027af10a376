"""Train, compare and promote scorecards: files under models_dir, rows in credit_models and promotions."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session

from cbec.credit import artefacts
from cbec.credit.catalog import FEATURES
from cbec.credit.config import CreditConfig
from cbec.credit.domain import Scorecard
from cbec.credit.features import CreditFiles
from cbec.credit.metrics import auc, ks, psi
from cbec.credit.models import CreditModel, ModelPromotion
from cbec.credit.training import FeatureSpec, TrainingOptions, fit_scorecard

OUTCOME_COLUMNS = ("enterprise_id", "as_of_month", "bad")


def read_outcomes(paths: Sequence[Path]) -> dict[tuple[str, str], int]:
    """Read outcome files (enterprise_id, as_of_month, bad, …): the label of each credit file."""
    labels: dict[tuple[str, str], int] = {}
    for path in paths:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in OUTCOME_COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                raise ValueError(f"{path}: outcome file lacks columns {', '.join(missing)}")
            for row in reader:
                if row["bad"] not in ("0", "1"):
                    raise ValueError(f"{path}: line {reader.line_num}: bad must be 0 or 1, not {row['bad']!r}")
                labels[(row["enterprise_id"], row["as_of_month"])] = int(row["bad"])
    return labels


@dataclass(frozen=True)
class Sample:
    """Feature columns and labels of the labelled rows of one or more credit files."""

    columns: dict[str, npt.NDArray[np.float64]]
    bad: npt.NDArray[np.int64]


def labelled(files: Sequence[CreditFiles], labels: dict[tuple[str, str], int]) -> Sample:
    """Stack the labelled rows of credit files."""
    parts: dict[str, list[npt.NDArray[np.float64]]] = {f.name: [] for f in FEATURES}
    bad: list[int] = []
    for file in files:
        rows = [i for i, e in enumerate(file.enterprise_ids) if (e, file.as_of_month) in labels]
        for name in parts:
            parts[name].append(file.columns[name][rows])
        bad.extend(labels[(file.enterprise_ids[i], file.as_of_month)] for i in rows)
    return Sample(
        {n: np.concatenate(p) if p else np.array([]) for n, p in parts.items()}, np.array(bad, dtype=np.int64)
    )


def specs() -> list[FeatureSpec]:
    """Return the binning spec of every feature (monotonic where the direction is known)."""
    return [FeatureSpec(f.name, trend=f.trend or "auto_asc_desc") for f in FEATURES]


def evaluate(card: Scorecard, sample: Sample) -> dict[str, float | None]:
    """Return AUC and KS of a scorecard on a labelled sample (None when one class is absent)."""
    if len(set(sample.bad.tolist())) < 2:
        return {"auc": None, "ks": None, "rows": float(len(sample.bad)), "bad_rate": None}
    scores, _ = card.score(sample.columns)
    return {
        "auc": round(auc(sample.bad, -scores), 4),
        "ks": round(ks(sample.bad, -scores), 4),
        "rows": float(len(sample.bad)),
        "bad_rate": round(float(sample.bad.mean()), 4),
    }


def fit(
    sample: Sample, *, version: str, config: CreditConfig, options: TrainingOptions | None = None
) -> tuple[Scorecard, dict[str, Any]]:
    """Fit a scorecard on a labelled sample; return it and its fit report."""
    card, report = fit_scorecard(
        sample.columns, sample.bad, specs(), scale=config.points_scale(), version=version, options=options
    )
    return card, {
        "information_values": report.information_values,
        "kept": list(report.kept),
        "dropped": report.dropped,
    }


def register(
    session: Session, models_dir: Path, card: Scorecard, metadata: dict[str, Any], *, now: datetime
) -> CreditModel:
    """Save the artefact and register it; the first model becomes champion, later ones challengers."""
    folder = artefacts.save(models_dir, card, metadata)
    has_champion = session.scalar(select(CreditModel).where(CreditModel.status == "champion")) is not None
    model = CreditModel(
        version=card.version,
        path=str(folder),
        status="challenger" if has_champion else "champion",
        trained_on=list(metadata.get("trained_on", [])),
        metrics=metadata.get("metrics", {}),
        created_at=now,
    )
    session.add(model)
    if not has_champion:
        session.add(
            ModelPromotion(
                version=card.version,
                previous_version=None,
                actor="system",
                at=now,
                comparison={},
                reason="首个模型自动成为冠军模型 / the first model becomes champion",
            )
        )
    return model


def champion(session: Session) -> CreditModel | None:
    """Return the champion model."""
    return session.scalar(select(CreditModel).where(CreditModel.status == "champion"))


def score_psi(card: Scorecard, reference: Sample | CreditFiles, current: CreditFiles) -> float:
    """Return the PSI of a scorecard's scores between a reference sample and a period."""
    ref_scores, _ = card.score(reference.columns)
    cur_scores, _ = card.score(current.columns)
    return round(psi(ref_scores, cur_scores), 4)


def feature_psi(reference: Sample | CreditFiles, current: CreditFiles) -> dict[str, float]:
    """Return each feature's PSI between a reference sample and a period."""
    return {f.name: round(psi(reference.columns[f.name], current.columns[f.name]), 4) for f in FEATURES}


def promote(
    session: Session, *, version: str, reason: str, actor: str, comparison: dict[str, Any], now: datetime
) -> ModelPromotion:
    """Make a model the champion and retire the previous one; the reason is recorded."""
    if not reason.strip():
        raise ValueError("a promotion needs a reason / 晋升需说明理由")
    model = session.scalar(select(CreditModel).where(CreditModel.version == version))
    if model is None:
        raise LookupError(f"no model {version} / 模型 {version} 不存在")
    if model.status == "champion":
        raise ValueError(f"{version} is already the champion / 已是冠军模型")
    previous = champion(session)
    if previous is not None:
        previous.status = "retired"
    model.status = "champion"
    promotion = ModelPromotion(
        version=version,
        previous_version=previous.version if previous else None,
        reason=reason,
        actor=actor,
        comparison=comparison,
        at=now,
    )
    session.add(promotion)
    return promotion
