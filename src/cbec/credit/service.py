"""What entry points and other contexts call for enterprise credit: files, scores, lists, repair, models."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select

from cbec.auth.domain import SYSTEM, Principal
from cbec.casework import service as casework
from cbec.core.clock import SHANGHAI
from cbec.core.workflow import is_overdue
from cbec.credit import lists
from cbec.credit.catalog import BY_NAME, FEATURES
from cbec.credit.config import shipped_config
from cbec.credit.customs import CUSTOMS_EXPORT_COLUMNS as CUSTOMS_EXPORT_COLUMNS  # the customs file's header
from cbec.credit.customs import CustomsGradeError as CustomsGradeError  # a refused grade file: callers say why
from cbec.credit.customs import load_schemes, parse_grade_file
from cbec.credit.features import CreditFiles as CreditFiles
from cbec.credit.features import credit_files as credit_files
from cbec.credit.lifecycle import STATE_TITLES as REPAIR_STATE_TITLES  # the repair states in words
from cbec.credit.lifecycle import repair_lifecycle
from cbec.credit.measures import apply_monitoring_tightening, customs_export, monitoring_tolerances
from cbec.credit.measures import inspection_sample as draw_inspection_sample
from cbec.credit.models import REPAIRS, CreditListEntry, CreditScore, CustomsGrade, RepairApplication
from cbec.credit.schemas import (
    CreditHistoryRead,
    CreditRatingRead,
    FeatureRead,
    InspectionSample,
    ListEntryRead,
    MeasureRead,
    RepairRead,
    ScoreRead,
    ScoreSummary,
    TighteningRead,
    TransitionRead,
)
from cbec.credit.scoring import score_batch
from cbec.credit.sharing import history, rating, ratings
from cbec.credit.sharing import list_entries as shared_list_entries
from cbec.credit.versions import compare as compare
from cbec.credit.versions import list_models as list_models
from cbec.credit.versions import model_in_force
from cbec.credit.versions import promote as promote
from cbec.credit.versions import retraining_due as retraining_due
from cbec.credit.versions import scorecard as scorecard
from cbec.credit.versions import train as train
from cbec.storage.engine import transaction
from cbec.storage.store import Store

__all__ = [
    "REPAIR_STATE_TITLES",
    "CreditHistoryRead",
    "CreditRatingRead",
    "InspectionSample",
    "TighteningRead",
    "apply_monitoring_tightening",
    "customs_export",
    "draw_inspection_sample",
    "history",
    "monitoring_tolerances",
    "rating",
    "ratings",
    "shared_list_entries",
]


def load_customs_grades(*, store: Store, path: Path, now: datetime | None = None) -> tuple[int, int]:
    """Load a customs grade file as a new input version; return (input version, rows). Nothing is replaced."""
    rows = parse_grade_file(path.read_text(encoding="utf-8"), str(path), load_schemes())
    now = now or datetime.now(UTC)
    with transaction(store.factory) as session:
        version = (session.scalar(select(func.max(CustomsGrade.input_version))) or 0) + 1
        session.execute(
            insert(CustomsGrade),
            [
                {
                    "input_version": version,
                    "enterprise_id": r.enterprise_id,
                    "grade": r.grade,
                    "rank": r.rank,
                    "effective_from": r.effective_from,
                    "source": r.source[:200],
                    "loaded_from": str(path)[:500],
                    "loaded_at": now,
                }
                for r in rows
            ],
        )
    return version, len(rows)


def score_month(
    *, store: Store, month: str, model_version: str | None = None, now: datetime | None = None
) -> ScoreSummary:
    """Score every enterprise for a period with the champion (or a named model), then update the lists.

    A rerun for the same period and model replaces that run's scores; other models' scores stay.
    """
    config, now = shipped_config(), now or datetime.now(UTC)
    model, card = model_in_force(store, model_version)
    files = credit_files(store=store, month=month, config=config)
    results = score_batch(card, files.enterprise_ids, files.columns, files.facts, config)
    grades: dict[str, int] = {g: 0 for g in config.grade_order}
    for r in results:
        grades[r.grade] += 1
    as_of = {v["source"]: v["as_of"] for v in files.sources.values()}  # the data each source is current to
    with transaction(store.factory) as session:
        session.execute(
            delete(CreditScore).where(CreditScore.period == month, CreditScore.model_version == model.version)
        )
        if results:
            session.execute(
                insert(CreditScore),
                [
                    {
                        "period": month,
                        "enterprise_id": r.enterprise_id,
                        "model_version": model.version,
                        "config_version": config.version,
                        "score": Decimal(f"{r.score:.2f}"),
                        "score_grade": r.score_grade,
                        "grade": r.grade,
                        "hard_rules": list(r.hard_rules),
                        "reasons": r.reasons,
                        "features": files.row(i) | {"customs_grade": files.facts["customs_grade"][i], "_as_of": as_of},
                        "computed_at": now,
                    }
                    for i, r in enumerate(results)
                ],
            )
        customs = dict(zip(files.enterprise_ids, files.facts["customs_grade"], strict=True))
        red, black, exited = lists.update_lists(
            session, month, results, customs, today=now.astimezone(SHANGHAI).date(), config=config
        )
    return ScoreSummary(
        period=month,
        model_version=model.version,
        scored=len(results),
        grades=grades,
        capped=sum(1 for r in results if r.grade != r.score_grade),
        ruled=sum(1 for r in results if r.hard_rules),
        red_entered=red,
        black_entered=black,
        exited=exited,
    )


def _entries(session: Any, enterprise_id: str) -> list[ListEntryRead]:
    query = select(CreditListEntry).where(CreditListEntry.enterprise_id == enterprise_id).order_by(CreditListEntry.id)
    return [ListEntryRead.model_validate(e, from_attributes=True) for e in session.scalars(query)]


def _repair_read(session: Any, application: RepairApplication) -> RepairRead:
    out = RepairRead.model_validate(application, from_attributes=True)
    out.history = [
        TransitionRead.model_validate(t, from_attributes=True) for t in lists.history(session, application.id)
    ]
    return out


def explain(*, store: Store, enterprise_id: str, period: str | None = None) -> ScoreRead | None:
    """Explain an enterprise's latest (or a period's) score: features, points, reasons, measures, lists."""
    config = shipped_config()
    with store.factory() as session:
        query = select(CreditScore).where(CreditScore.enterprise_id == enterprise_id)
        if period:
            query = query.where(CreditScore.period == period)
        record = session.scalar(query.order_by(CreditScore.period.desc(), CreditScore.id.desc()).limit(1))
        if record is None:
            return None
        entries = _entries(session, enterprise_id)
        repairs = [
            _repair_read(session, a)
            for a in session.scalars(select(RepairApplication).where(RepairApplication.enterprise_id == enterprise_id))
        ]
    _model, card = model_in_force(store, record.model_version)
    as_of = record.features.get("_as_of") or {}
    values = {k: (float("nan") if v is None else v) for k, v in record.features.items() if k in BY_NAME}
    _, points = card.score({k: [v] for k, v in values.items()})
    per_feature = {
        f.name: (round(float(points[0, j]), 2), f.bin_label(int(f.bin_index([values[f.name]])[0])))
        for j, f in enumerate(card.features)
    }
    rules = {r.rule_id: r for r in config.hard_rules}
    return ScoreRead(
        enterprise_id=enterprise_id,
        period=record.period,
        model_version=record.model_version,
        score=record.score,
        score_grade=record.score_grade,
        grade=record.grade,
        hard_rules=[
            {"rule_id": r, "title_zh": rules[r].title_zh, "title_en": rules[r].title_en, "source": rules[r].source}
            for r in record.hard_rules
            if r in rules
        ],
        reasons=record.reasons,
        features=[
            FeatureRead(
                name=f.name,
                title_zh=f.title_zh,
                title_en=f.title_en,
                value=record.features.get(f.name),
                source=f.source,
                as_of=as_of.get(f.source),
                note=f.placeholder,
                points=per_feature.get(f.name, (None, None))[0],
                bin=per_feature.get(f.name, (None, None))[1],
            )
            for f in FEATURES
        ],
        measures=MeasureRead.model_validate(config.measures[record.grade].model_dump()),
        lists=entries,
        repairs=repairs,
    )


def export_scores(*, store: Store, period: str, model_version: str | None = None) -> list[dict[str, Any]]:
    """Return a period's scores as flat rows (one per enterprise) for export."""
    query = select(CreditScore).where(CreditScore.period == period).order_by(CreditScore.enterprise_id)
    if model_version:
        query = query.where(CreditScore.model_version == model_version)
    with store.factory() as session:
        return [
            {
                "period": s.period,
                "enterprise_id": s.enterprise_id,
                "model_version": s.model_version,
                "score": str(s.score),
                "score_grade": s.score_grade,
                "grade": s.grade,
                "hard_rules": ";".join(s.hard_rules),
                "reasons_zh": "；".join(r["text_zh"] for r in s.reasons),
                "reasons_en": "; ".join(r["text_en"] for r in s.reasons),
            }
            for s in session.scalars(query)
        ]


def list_entries(*, store: Store, kind: str | None = None, current: bool = True) -> list[ListEntryRead]:
    """Return red or black list entries (only those not exited by default), newest first."""
    query = select(CreditListEntry).order_by(CreditListEntry.id.desc())
    if kind:
        query = query.where(CreditListEntry.list_kind == kind)
    if current:
        query = query.where(CreditListEntry.exited_on.is_(None))
    with store.factory() as session:
        return [ListEntryRead.model_validate(e, from_attributes=True) for e in session.scalars(query)]


def apply_repair(
    *, store: Store, enterprise_id: str, statement: str, actor: str, now: datetime | None = None
) -> RepairRead:
    """File a credit repair application (allowed once the severity's minimum period has passed)."""
    with transaction(store.factory) as session:
        application = lists.apply(
            session,
            enterprise_id=enterprise_id,
            statement=statement,
            actor=actor,
            now=now or datetime.now(UTC),
            calendar=store.calendar(),
            config=shipped_config(),
        )
        return _repair_read(session, application)


def advance_repair(
    *, store: Store, application_id: int, action: str, actor: str, reason: str, now: datetime | None = None
) -> RepairRead:
    """Take one action on a repair application (accept, approve, reject, withdraw)."""
    with transaction(store.factory) as session:
        application = session.get(RepairApplication, application_id)
        if application is None:
            raise LookupError(f"no repair application {application_id} / 修复申请 {application_id} 不存在")
        lists.move(
            session,
            application,
            action=action,
            actor=actor,
            reason=reason,
            now=now or datetime.now(UTC),
            calendar=store.calendar(),
            config=shipped_config(),
        )
        return _repair_read(session, application)


def check_repair_deadlines(*, store: Store, now: datetime | None = None) -> list[RepairRead]:
    """The scheduled check: mark repair applications overdue when the regulator has not answered in time."""
    with transaction(store.factory) as session:
        steps = lists.check_deadlines(
            session, now=now or datetime.now(UTC), calendar=store.calendar(), config=shipped_config()
        )
        return [_repair_read(session, session.get_one(RepairApplication, i)) for i in sorted({i for i, _ in steps})]


def list_repairs(*, store: Store, principal: Principal = SYSTEM, state: str | None = None) -> list[RepairRead]:
    """Return the repair applications the principal may see (an enterprise: its own), newest first."""
    return casework.list_visible(
        store,
        REPAIRS,
        principal=principal,
        read=lambda a: RepairRead.model_validate(a, from_attributes=True),
        state=state,
    )


def repair_overdue(*, repair: RepairRead, now: datetime) -> bool:
    """Tell whether a repair application shows as overdue (its review late, or past its deadline and open)."""
    return is_overdue(repair_lifecycle(shipped_config().repair), state=repair.state, due_at=repair.due_at, now=now)
