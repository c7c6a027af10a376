"""What entry points, the monthly report and other contexts call for supervision of payment institutions."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from cbec.auth.domain import REGULATORS, SYSTEM, Principal
from cbec.casework import service as casework
from cbec.feeds.service import read_side
from cbec.storage.engine import transaction
from cbec.storage.store import Store
from cbec.supervision import measures, notices
from cbec.supervision.config import shipped_config
from cbec.supervision.domain import assess_incident
from cbec.supervision.lifecycle import KIND_TITLES, STATE_TITLES, WARNING
from cbec.supervision.models import NOTICES, Notice
from cbec.supervision.ratings import list_ratings, rate_month, round_hours
from cbec.supervision.schemas import (
    IncidentRead,
    NoticeCreate,
    NoticeRead,
    RatingRead,
    SettlementRead,
    TransitionRead,
)
from cbec.supervision.security.schemas import DEADLINE_COLUMNS as DEADLINE_COLUMNS
from cbec.supervision.security.schemas import FindingRead as FindingRead
from cbec.supervision.security.schemas import ScanImportRead as ScanImportRead
from cbec.supervision.security.schemas import SecuritySummaryRead as SecuritySummaryRead
from cbec.supervision.security.schemas import UpgradeRead as UpgradeRead
from cbec.supervision.security.service import advance_finding as advance_finding
from cbec.supervision.security.service import check as check_security
from cbec.supervision.security.service import get_finding as get_finding
from cbec.supervision.security.service import import_scan as import_scan
from cbec.supervision.security.service import list_findings as list_findings
from cbec.supervision.security.service import record_upgrade as record_upgrade
from cbec.supervision.security.service import security_summary as security_summary

__all__ = [
    "KIND_TITLES",
    "STATE_TITLES",
    "IncidentRead",
    "NoticeCreate",
    "NoticeRead",
    "RatingRead",
    "SettlementRead",
    "TransitionRead",
    "check_security",
    "list_ratings",
    "rate_month",
]


def rating_rules_version() -> int:
    """Return the version of the rating rules in force (the shipped supervision configuration)."""
    return shipped_config().version


def warn_risky(*, store: Store, month: str, actor: str, now: datetime | None = None) -> list[NoticeRead]:
    """Issue a risk warning to every institution rated in a warned class (once per institution and month)."""
    config = shipped_config()
    now = now or datetime.now(UTC)
    issued = []
    for r in list_ratings(store=store, month=month):
        if r.grade not in config.rating.warn_classes:
            continue
        weakest = sorted(r.modules, key=lambda m: m.score)[:2]
        body = (
            f"{month} 监管评级 {r.grade}（{r.total} 分），薄弱项："
            + "、".join(m.title_zh for m in weakest)
            + f" / {month} rating {r.grade} ({r.total}); weakest: "
            + "; ".join(m.title_en for m in weakest)
        )
        data = NoticeCreate(
            kind=WARNING,
            institution_id=r.institution_id,
            month=month,
            title=f"风险预警 / Risk warning {month}: {r.institution_id}",
            body=body,
            evidence={
                "rating": {"grade": r.grade, "total": str(r.total)},
                "weakest": [m.module for m in weakest],
            },
        )
        with transaction(store.factory) as session:
            notice, new = notices.issue(
                session,
                data,
                actor=actor,
                now=now,
                calendar=store.calendar(),
                config=config.notices,
                origin=f"rating:{month}:{r.institution_id}",
            )
            if new:
                issued.append(notices.read(notice, now=now, config=config.notices))
    return issued


def issue_notice(
    *,
    store: Store,
    data: NoticeCreate,
    actor: str,
    now: datetime | None = None,
    principal: Principal = SYSTEM,
) -> NoticeRead:
    """Issue a warning or rectification notice (regulators only); its deadline comes from the calendar."""
    principal.require(*REGULATORS)
    now, config = now or datetime.now(UTC), shipped_config().notices
    with transaction(store.factory) as session:
        notice, _ = notices.issue(session, data, actor=actor, now=now, calendar=store.calendar(), config=config)
        return notices.read(notice, now=now, config=config, history=notices.transitions(session, notice.id))


def advance_notice(
    *,
    store: Store,
    notice_id: int,
    action: str,
    actor: str,
    reason: str,
    now: datetime | None = None,
    principal: Principal = SYSTEM,
) -> NoticeRead:
    """Take one action on a notice: the institution answers (acknowledge, submit_plan, report_rectified),
    the regulator decides (verify, reject, withdraw, escalate)."""
    now, config = now or datetime.now(UTC), shipped_config().notices
    return casework.step_visible(
        store,
        NOTICES,
        notice_id,
        visible=lambda notice: principal.can_see("institution_id", notice.institution_id),
        missing=f"no notice {notice_id} / 通知 {notice_id} 不存在",
        lifecycle_of=lambda notice: notices.lifecycle_of(notice.kind, config),
        action=action,
        actor=actor,
        reason=reason,
        role=principal.role,
        read=lambda session, notice: notices.read(
            notice, now=now, config=config, history=notices.transitions(session, notice.id)
        ),
        now=now,
    )


def notice_actions(*, notice: NoticeRead, principal: Principal) -> list[str]:
    """Return the actions the principal may take on a notice now (what advance_notice would accept)."""
    if not principal.can_see("institution_id", notice.institution_id):
        return []
    lifecycle = notices.lifecycle_of(notice.kind, shipped_config().notices)
    # overdue is the scheduled check's step, not offered to a person
    return [a for a in lifecycle.actions_for(principal.role, notice.state) if a != "overdue"]


def check_deadlines(*, store: Store, now: datetime | None = None) -> list[NoticeRead]:
    """The scheduled check: mark notices overdue past their deadline and escalate the long overdue."""
    now, config = now or datetime.now(UTC), shipped_config().notices
    with transaction(store.factory) as session:
        steps = notices.check_deadlines(session, now=now, calendar=store.calendar(), config=config)
        moved = sorted({notice_id for notice_id, _ in steps})
        return [
            notices.read(session.get_one(Notice, i), now=now, config=config, history=notices.transitions(session, i))
            for i in moved
        ]


def list_notices(
    *,
    store: Store,
    institution_id: str | None = None,
    state: str | None = None,
    overdue: bool = False,
    now: datetime | None = None,
    principal: Principal = SYSTEM,
) -> list[NoticeRead]:
    """Return the notices the principal may see, newest first, optionally filtered."""
    now, config = now or datetime.now(UTC), shipped_config().notices
    institution_id = principal.scope("institution_id") or institution_id
    query = select(Notice).order_by(Notice.id.desc())
    if institution_id:
        query = query.where(Notice.institution_id == institution_id)
    if state:
        query = query.where(Notice.state == state)
    with store.factory() as session:
        found = [notices.read(n, now=now, config=config) for n in session.scalars(query)]
    return [n for n in found if n.overdue] if overdue else found


def get_notice(
    *, store: Store, notice_id: int, now: datetime | None = None, principal: Principal = SYSTEM
) -> NoticeRead | None:
    """Return one notice with its whole history; None when it does not exist for the principal."""
    with store.factory() as session:
        notice = session.get(Notice, notice_id)
        if notice is None or not principal.can_see("institution_id", notice.institution_id):
            return None
        return notices.read(
            notice,
            now=now or datetime.now(UTC),
            config=shipped_config().notices,
            history=notices.transitions(session, notice_id),
        )


def incidents(
    *, store: Store, month: str, now: datetime | None = None, principal: Principal = SYSTEM
) -> list[IncidentRead]:
    """Return the month's security incidents (the principal's own) against their 48 h and 7-working-day deadlines."""
    config, calendar = shipped_config(), store.calendar()
    now = now or datetime.now(UTC)
    con = read_side(store=store)
    try:
        rows = [
            r for r in measures.incident_rows(con, month) if principal.can_see("institution_id", r["institution_id"])
        ]
    finally:
        con.close()
    return [
        IncidentRead.model_validate(
            assess_incident(r, now=now, calendar=calendar, config=config.incidents), from_attributes=True
        )
        for r in rows
    ]


def settlement_kpi(*, store: Store, month: str, principal: Principal = SYSTEM) -> list[SettlementRead]:
    """Return confirmation time per institution and channel (the principal's own): median, p90, share < 24 h."""
    target = shipped_config().settlement
    con = read_side(store=store)
    try:
        rows = [
            r
            for r in measures.settlement_rows(con, month, target.target_hours)
            if principal.can_see("institution_id", r["institution_id"])
        ]
    finally:
        con.close()
    return [
        SettlementRead(
            institution_id=r["institution_id"],
            channel=r["channel"],
            payments=r["payments"],
            confirmed=r["confirmed"],
            median_hours=round_hours(r["median_hours"]),
            p90_hours=round_hours(r["p90_hours"]),
            share_within_target=r["within_target"] / r["payments"] if r["payments"] else None,
            target_hours=target.target_hours,
            baseline_hours=target.baseline_hours,
            median_vs_baseline=None
            if r["median_hours"] is None
            else round(float(r["median_hours"]) / target.baseline_hours, 3),
            from_messages=r["from_messages"],
            self_reported=r["self_reported"],
            source=_source(r["from_messages"], r["self_reported"]),
            self_reported_median_hours=round_hours(r["self_median_hours"]),
            self_reported_share_within_target=r["self_within_target"] / r["payments"] if r["payments"] else None,
            median_difference_hours=None
            if r["median_hours"] is None or r["self_median_hours"] is None
            else round(float(r["median_hours"]) - float(r["self_median_hours"]), 2),
        )
        for r in rows
    ]


def _source(from_messages: int, self_reported: int) -> str:
    """Name the source of a settlement figure: the messages, the feed's confirmed_at, or both."""
    if from_messages and self_reported:
        return "mixed"
    return "pacs.002" if from_messages else "confirmed_at"
