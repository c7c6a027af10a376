"""Credit shared: ratings with reasons, lists and history for regulators, registered partners and the enterprise.

Regulators and partners (platforms, banks, logistics firms registered under the partner role) read every
enterprise; an enterprise reads only its own file (another's reads as missing); other roles are refused.
Each partner query of an enterprise is audited (who asked about whom), as credit-information sharing asks.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from cbec.audit.service import record
from cbec.auth.domain import AUDITOR, ENTERPRISE, PARTNER, REGULATORS, NotVisible, Principal
from cbec.credit.config import shipped_config
from cbec.credit.models import CreditListEntry, CreditScore
from cbec.credit.schemas import CreditHistoryRead, CreditRatingRead, ListEntryRead, MeasureRead
from cbec.storage.engine import transaction
from cbec.storage.store import Store

READERS = (*sorted(REGULATORS), AUDITOR, PARTNER, ENTERPRISE)


def _visible(principal: Principal, enterprise_id: str) -> None:
    principal.require(*READERS)
    if principal.role == ENTERPRISE and principal.tenant_id != enterprise_id:
        raise NotVisible(f"no credit file for {enterprise_id} / {enterprise_id} 无信用档案")


def _latest_ids(period: str | None) -> Select[int]:
    """Select the id of each enterprise's latest score (of a period, or its latest period)."""
    query = select(func.max(CreditScore.id)).group_by(CreditScore.enterprise_id)
    if period:
        query = query.where(CreditScore.period == period)
    else:
        newest = (
            select(CreditScore.enterprise_id, func.max(CreditScore.period).label("period"))
            .group_by(CreditScore.enterprise_id)
            .subquery()
        )
        query = query.join(
            newest,
            (newest.c.enterprise_id == CreditScore.enterprise_id) & (newest.c.period == CreditScore.period),
        )
    return query


def _read(session: Session, score: CreditScore, with_lists: bool) -> CreditRatingRead:
    config = shipped_config()
    band = next(g for g in config.grades if g.grade == score.grade)
    lists = []
    if with_lists:
        query = select(CreditListEntry).where(CreditListEntry.enterprise_id == score.enterprise_id)
        lists = [ListEntryRead.model_validate(e) for e in session.scalars(query.order_by(CreditListEntry.id))]
    return CreditRatingRead(
        enterprise_id=score.enterprise_id,
        period=score.period,
        grade=score.grade,
        grade_title_zh=band.title_zh,
        grade_title_en=band.title_en,
        score=score.score,
        model_version=score.model_version,
        reasons=score.reasons,
        hard_rules=list(score.hard_rules),
        measures=MeasureRead.model_validate(config.measures[score.grade].model_dump()),
        lists=lists,
        computed_at=score.computed_at,
    )


def rating(*, store: Store, enterprise_id: str, principal: Principal, period: str | None = None) -> CreditRatingRead:
    """Return an enterprise's latest rating (or a period's) with its reasons, measures and list entries."""
    _visible(principal, enterprise_id)
    with transaction(store.factory) as session:
        query = select(CreditScore).where(CreditScore.id.in_(_latest_ids(period)))
        score = session.scalar(query.where(CreditScore.enterprise_id == enterprise_id))
        if score is None:
            raise NotVisible(f"no credit file for {enterprise_id} / {enterprise_id} 无信用档案")
        if principal.role == PARTNER:
            record(
                session,
                actor=principal.username,
                action="credit.shared",
                entity="credit_rating",
                entity_id=enterprise_id,
                after={"partner": principal.tenant_id, "period": score.period, "grade": score.grade},
                now=datetime.now(UTC),
            )
        return _read(session, score, with_lists=True)


def ratings(
    *,
    store: Store,
    principal: Principal,
    period: str | None = None,
    grade: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[CreditRatingRead], int]:
    """Return one page of current ratings (an enterprise: its own only) and the total, by enterprise id."""
    principal.require(*READERS)
    query = select(CreditScore).where(CreditScore.id.in_(_latest_ids(period)))
    if grade:
        query = query.where(CreditScore.grade == grade)
    if principal.role == ENTERPRISE:
        query = query.where(CreditScore.enterprise_id == principal.tenant_id)
    with store.factory() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        page = session.scalars(query.order_by(CreditScore.enterprise_id).limit(limit).offset(offset))
        return [_read(session, s, with_lists=False) for s in page], total


def history(*, store: Store, enterprise_id: str, principal: Principal) -> list[CreditHistoryRead]:
    """Return every period's rating of an enterprise, oldest first (the latest run of each period)."""
    _visible(principal, enterprise_id)
    latest = select(func.max(CreditScore.id)).where(CreditScore.enterprise_id == enterprise_id)
    query = select(CreditScore).where(CreditScore.id.in_(latest.group_by(CreditScore.period)))
    with store.factory() as session:
        found = [CreditHistoryRead.model_validate(s) for s in session.scalars(query.order_by(CreditScore.period))]
    if not found:
        raise NotVisible(f"no credit file for {enterprise_id} / {enterprise_id} 无信用档案")
    return found


def list_entries(*, store: Store, principal: Principal, kind: str | None = None) -> list[ListEntryRead]:
    """Return the current red and black list entries (an enterprise: its own), newest first."""
    principal.require(*READERS)
    query = select(CreditListEntry).where(CreditListEntry.exited_on.is_(None)).order_by(CreditListEntry.id.desc())
    if kind:
        query = query.where(CreditListEntry.list_kind == kind)
    if principal.role == ENTERPRISE:
        query = query.where(CreditListEntry.enterprise_id == principal.tenant_id)
    with store.factory() as session:
        return [ListEntryRead.model_validate(e) for e in session.scalars(query)]
