"""Scorecard versions: train, compare a challenger with the champion, promote with a reason, the half-yearly due."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from cbec.core.clock import SHANGHAI
from cbec.credit import artefacts, modelling
from cbec.credit.config import shipped_config
from cbec.credit.domain import Scorecard
from cbec.credit.features import credit_files
from cbec.credit.models import CreditModel
from cbec.credit.schemas import ComparisonRead, ModelRead
from cbec.storage.engine import transaction
from cbec.storage.store import Store


def _model_read(m: CreditModel) -> ModelRead:
    return ModelRead.model_validate(m, from_attributes=True)


def train(
    *,
    store: Store,
    months: Sequence[str],
    outcomes: Sequence[Path],
    validate_month: str | None = None,
    version: str | None = None,
    now: datetime | None = None,
) -> ModelRead:
    """Fit a scorecard on the credit files of `months` labelled by later outcomes, save and register it."""
    config, now = shipped_config(), now or datetime.now(UTC)
    labels = modelling.read_outcomes(outcomes)
    files = [credit_files(store=store, month=m, config=config) for m in months]
    sample = modelling.labelled(files, labels)
    if len(set(sample.bad.tolist())) < 2:
        raise ValueError("training needs labelled goods and bads / 训练需要有好坏标签的样本")
    version = version or f"credit-{now.astimezone(SHANGHAI):%Y%m%d-%H%M%S}"
    card, report = modelling.fit(sample, version=version, config=config)
    metrics: dict[str, Any] = {"train": modelling.evaluate(card, sample)}
    if validate_month:
        held = credit_files(store=store, month=validate_month, config=config)
        metrics["validation"] = modelling.evaluate(card, modelling.labelled([held], labels)) | {
            "month": validate_month,
            "score_psi": modelling.score_psi(card, sample, held),
        }
    metadata = {
        "version": version,
        "trained_on": list(months),
        "validate_month": validate_month,
        "label": "bad = became dishonest or a serious violation within 12 months of the as-of month",
        "outcome_files": [str(p) for p in outcomes],
        "config_version": config.version,
        "created_at": now.isoformat(),
        "metrics": metrics,
        **report,
    }
    with transaction(store.factory) as session:
        return _model_read(modelling.register(session, store.settings.models_dir, card, metadata, now=now))


def list_models(*, store: Store) -> list[ModelRead]:
    """Return every registered model, newest first."""
    with store.factory() as session:
        return [_model_read(m) for m in session.scalars(select(CreditModel).order_by(CreditModel.id.desc()))]


def model_in_force(store: Store, version: str | None) -> tuple[CreditModel, Scorecard]:
    """Return a registered model and its scorecard: the champion, or the named version."""
    with store.factory() as session:
        model = (
            modelling.champion(session)
            if version is None
            else session.scalar(select(CreditModel).where(CreditModel.version == version))
        )
    if model is None:
        raise LookupError("no such model; train one with `cbec credit train` / 无可用模型，请先训练")
    return model, artefacts.load(Path(model.path))


def scorecard(*, store: Store, version: str | None = None) -> Scorecard:
    """Return a registered model's scorecard (the champion by default)."""
    return model_in_force(store, version)[1]


def compare(*, store: Store, challenger: str, month: str, outcomes: Sequence[Path] = ()) -> ComparisonRead:
    """Compare a challenger with the champion on a period: AUC, KS, score PSI and each feature's PSI."""
    config = shipped_config()
    current = credit_files(store=store, month=month, config=config)
    labels = modelling.read_outcomes(outcomes)
    held = modelling.labelled([current], labels)
    out: dict[str, dict[str, float | None]] = {}
    champion_model: CreditModel | None
    with store.factory() as session:
        champion_model = modelling.champion(session)
    feature_psi: dict[str, float] = {}
    for role, version in (
        ("champion", champion_model.version if champion_model else None),
        ("challenger", challenger),
    ):
        if version is None:
            continue
        model, card = model_in_force(store, version)
        reference = credit_files(store=store, month=model.trained_on[-1], config=config)
        out[role] = modelling.evaluate(card, held) | {"score_psi": modelling.score_psi(card, reference, current)}
        if role == "champion" or not feature_psi:
            feature_psi = modelling.feature_psi(reference, current)
    gain = (out["challenger"].get("auc") or 0) - (out.get("champion", {}).get("auc") or 0)
    better = "champion" not in out or gain > config.retraining.min_auc_gain
    return ComparisonRead(
        month=month,
        champion=champion_model.version if champion_model else None,
        challenger=challenger,
        metrics=out,
        feature_psi=feature_psi,
        recommendation=(
            f"promote: AUC +{gain:.4f} / 建议晋升" if better else f"keep the champion: AUC {gain:+.4f} / 保留冠军模型"
        ),
    )


def promote(
    *,
    store: Store,
    version: str,
    reason: str,
    actor: str,
    comparison: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> ModelRead:
    """Make a model the champion with a recorded reason; the previous champion is retired."""
    with transaction(store.factory) as session:
        modelling.promote(
            session,
            version=version,
            reason=reason,
            actor=actor,
            comparison=comparison or {},
            now=now or datetime.now(UTC),
        )
        model = session.scalar(select(CreditModel).where(CreditModel.version == version))
        assert model is not None
        return _model_read(model)


def retraining_due(*, store: Store, now: datetime | None = None) -> bool:
    """Tell whether the half-yearly retraining is due: a retraining month and no model trained in it yet."""
    local = (now or datetime.now(UTC)).astimezone(SHANGHAI)
    if local.month not in shipped_config().retraining.months:
        return False
    start = datetime(local.year, local.month, 1, tzinfo=SHANGHAI)
    with store.factory() as session:
        return session.scalar(select(func.count()).select_from(CreditModel).where(CreditModel.created_at >= start)) == 0
