"""The case board: every kind of case the principal may see, from each context's own service, in one list.

Each context keeps its lifecycle and its tenant rules; this module only reads through their services, so a
tenant sees here exactly what it sees on each kind's own page (a platform its complaints and takedowns, an
enterprise its complaints, takedowns, quality cases and repairs, an institution its notices).
"""

from __future__ import annotations

from datetime import UTC, datetime

from cbec.auth.domain import SYSTEM, Principal
from cbec.cases.schemas import CaseKind, CaseRow
from cbec.complaints import service as complaints
from cbec.credit import service as credit
from cbec.ip import service as ip
from cbec.quality import service as quality
from cbec.storage.store import Store
from cbec.supervision import service as supervision

__all__ = ["CASE_KINDS", "CaseKind", "CaseRow", "case_board"]
CASE_KINDS: tuple[CaseKind, ...] = ("complaint", "takedown", "quality_case", "notice", "credit_repair")
# The takedown and quality lifecycles name their states in code only; the board says them in words.
TAKEDOWN_STATES = {
    "notified": ("已通知平台", "platform notified"),
    "platform_late": ("平台逾期未处理", "platform late"),
    "removed": ("已下架", "taken down"),
    "rejected": ("不予下架", "not taken down"),
    "counter_noticed": ("已反通知", "counter-noticed"),
    "closed_removed": ("下架办结", "closed, taken down"),
    "upheld": ("维持下架", "upheld"),
    "restored": ("已恢复", "restored"),
}
QUALITY_STATES = {
    "opened": ("已立案", "opened"),
    "overdue": ("整改逾期", "overdue"),
    "done_reported": ("已报整改", "done, reported"),
    "verified": ("核验通过", "verified"),
    "escalated": ("已升级", "escalated"),
}
COMPLAINT_LIMIT = 500  # the board shows the newest; the complaints page pages through them all


def _state(titles: dict[str, tuple[str, str]], state: str) -> tuple[str, str]:
    return titles.get(state, (state, state))


def _complaints(store: Store, principal: Principal, now: datetime) -> list[CaseRow]:
    return [
        CaseRow(
            kind="complaint",
            id=c.id,
            title=c.text[:60],
            subject_kind="platform" if c.respondent_kind == "platform" else "enterprise",
            subject_id=c.respondent_id,
            state=c.state,
            state_title=_state(complaints.STATE_TITLES, c.state),
            due_at=c.due_at,
            overdue=c.overdue,
            opened_at=c.received_at,
        )
        for c in complaints.list_complaints(store=store, principal=principal, limit=COMPLAINT_LIMIT, now=now)
    ]


def _takedowns(store: Store, principal: Principal, now: datetime) -> list[CaseRow]:
    return [
        CaseRow(
            kind="takedown",
            id=t.id,
            title=f"{t.listing_id} · {t.mark_id}",
            subject_kind="enterprise",
            subject_id=t.enterprise_id,
            state=t.state,
            state_title=_state(TAKEDOWN_STATES, t.state),
            due_at=t.due_at,
            overdue=ip.takedown_overdue(case=t, now=now),
            opened_at=t.opened_at,
        )
        for t in ip.list_takedowns(store=store, principal=principal)
    ]


def _quality(store: Store, principal: Principal, now: datetime) -> list[CaseRow]:
    return [
        CaseRow(
            kind="quality_case",
            id=q.id,
            title=f"{q.product_name}" + (f" · {q.defect}" if q.defect else ""),
            subject_kind="enterprise",
            subject_id=q.enterprise_id,
            state=q.state,
            state_title=_state(QUALITY_STATES, q.state),
            due_at=q.due_at,
            overdue=quality.case_overdue(case=q, now=now),
            opened_at=q.opened_at,
        )
        for q in quality.list_cases(store=store, principal=principal)
    ]


def _notices(store: Store, principal: Principal, now: datetime) -> list[CaseRow]:
    if principal.tenant_column not in (None, "institution_id"):
        return []  # notices go to institutions: a platform or an enterprise has none
    return [
        CaseRow(
            kind="notice",
            id=n.id,
            title=n.title,
            subject_kind="institution",
            subject_id=n.institution_id,
            state=n.state,
            state_title=_state(supervision.STATE_TITLES, n.state),
            due_at=n.due_at,
            overdue=n.overdue,
            opened_at=n.issued_at,
        )
        for n in supervision.list_notices(store=store, principal=principal, now=now)
    ]


def _repairs(store: Store, principal: Principal, now: datetime) -> list[CaseRow]:
    return [
        CaseRow(
            kind="credit_repair",
            id=r.id,
            title=r.statement[:60],
            subject_kind="enterprise",
            subject_id=r.enterprise_id,
            state=r.state,
            state_title=_state(credit.REPAIR_STATE_TITLES, r.state),
            due_at=r.due_at,
            overdue=credit.repair_overdue(repair=r, now=now),
            opened_at=r.applied_at,
        )
        for r in credit.list_repairs(store=store, principal=principal)
    ]


READERS = {
    "complaint": _complaints,
    "takedown": _takedowns,
    "quality_case": _quality,
    "notice": _notices,
    "credit_repair": _repairs,
}


def case_board(
    *,
    store: Store,
    principal: Principal = SYSTEM,
    kind: CaseKind | None = None,
    overdue_only: bool = False,
    now: datetime | None = None,
) -> list[CaseRow]:
    """Return the cases the principal may see: overdue first, then by deadline (none last), then newest."""
    now = now or datetime.now(UTC)
    rows = [row for k in CASE_KINDS if kind in (None, k) for row in READERS[k](store, principal, now)]
    if overdue_only:
        rows = [r for r in rows if r.overdue]
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(rows, key=lambda r: (not r.overdue, r.due_at or far, -(r.opened_at or now).timestamp()))
