"""Takedown cases under E-Commerce Law arts. 42-45: the notice, the platform's action, counter-notice, restoration."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from cbec.auth.domain import PLATFORM, SYSTEM, Principal
from cbec.casework import service as casework
from cbec.core.workflow import is_overdue
from cbec.ip.evidence import can_see_case, visible_case
from cbec.ip.lifecycle import takedown_lifecycle
from cbec.ip.models import TAKEDOWNS, TakedownCase
from cbec.ip.schemas import TakedownRead
from cbec.storage.engine import transaction
from cbec.storage.store import Store


def open_takedown(
    *,
    store: Store,
    listing_id: str,
    platform_id: str,
    enterprise_id: str,
    mark_id: str,
    rights_holder: str,
    evidence: str,
    actor: str,
    now: datetime | None = None,
) -> TakedownRead:
    """Record a rights holder's notice (art. 42); the platform's time to act starts."""
    now = now or datetime.now(UTC)
    lifecycle = takedown_lifecycle()
    with transaction(store.factory) as session:
        case = TakedownCase(
            listing_id=listing_id,
            platform_id=platform_id,
            enterprise_id=enterprise_id,
            mark_id=mark_id,
            rights_holder=rights_holder,
            evidence=evidence[:2000],
            state=lifecycle.initial,
            due_at=lifecycle.due(lifecycle.initial, now, store.calendar()),
            opened_at=now,
            updated_at=now,
        )
        casework.open_item(
            session,
            TAKEDOWNS,
            case,
            actor=actor,
            at=now,
            audit_action="takedown.notify",
            after={"listing_id": listing_id, "mark_id": mark_id, "due_at": case.due_at},
        )
        return TakedownRead.model_validate(case)


def advance_takedown(
    *,
    store: Store,
    case_id: int,
    action: str,
    actor: str,
    reason: str,
    principal: Principal = SYSTEM,
    now: datetime | None = None,
) -> TakedownRead:
    """The platform acts (take_down, reject, restore, close), the seller counter-notifies, the regulator records
    the rights holder's complaint or suit (complain_or_sue)."""
    return casework.step_visible(
        store,
        TAKEDOWNS,
        case_id,
        visible=lambda case: can_see_case(principal, case),
        missing=f"no takedown case {case_id} / 下架案件 {case_id} 不存在",
        lifecycle_of=lambda _case: takedown_lifecycle(),
        action=action,
        actor=actor,
        reason=reason,
        role=principal.role,
        read=lambda _session, case: TakedownRead.model_validate(case),
        now=now,
    )


def check_takedown_deadlines(*, store: Store, now: datetime | None = None) -> list[int]:
    """The scheduled check: a platform late to act is flagged; 15 days without a complaint or suit restore."""
    lifecycle = takedown_lifecycle()
    return casework.run_deadline_check(store, TAKEDOWNS, lifecycle_of=lambda _case: lifecycle, now=now)


def list_takedowns(*, store: Store, principal: Principal = SYSTEM, state: str | None = None) -> list[TakedownRead]:
    """Return the takedown cases the principal may see (a platform its own, a seller those against it)."""
    query = select(TakedownCase).order_by(TakedownCase.id.desc())
    if state:
        query = query.where(TakedownCase.state == state)
    if principal.role == PLATFORM:
        query = query.where(TakedownCase.platform_id == principal.tenant_id)
    elif (scope := principal.scope("enterprise_id")) is not None:
        query = query.where(TakedownCase.enterprise_id == scope)
    with store.factory() as session:
        return [TakedownRead.model_validate(c) for c in session.scalars(query)]


def takedown_overdue(*, case: TakedownRead, now: datetime) -> bool:
    """Tell whether a takedown case shows as overdue (past its deadline and not finished)."""
    return is_overdue(takedown_lifecycle(), state=case.state, due_at=case.due_at, now=now)


def get_takedown(*, store: Store, case_id: int, principal: Principal = SYSTEM) -> TakedownRead:
    """Return one takedown case the principal may see."""
    with store.factory() as session:
        return TakedownRead.model_validate(visible_case(session, case_id, principal))
