"""What entry points call to file, follow and decide complaints, and to keep consumers' personal data safe."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select

from cbec.audit import service as audit
from cbec.auth.domain import AUDITOR, REGULATORS, SYSTEM, NotVisible, Principal
from cbec.casework import service as casework
from cbec.complaints.bulk import file_case, import_feed, month_summary, resolution_by_enterprise
from cbec.complaints.classifier import classify_texts, load_model, override
from cbec.complaints.config import shipped_config
from cbec.complaints.domain import CATEGORIES, CATEGORY_TITLES
from cbec.complaints.errors import EmptyComplaintError
from cbec.complaints.keys import add_key, drop_retired, load_keyring
from cbec.complaints.lifecycle import (
    CONSUMER,
    CONSUMER_ACTIONS,
    STATE_TITLES,
    complaint_lifecycle,
)
from cbec.complaints.models import COMPLAINTS, ComplaintCase, ComplaintTransition
from cbec.complaints.personal import (
    PERSONAL,
    erase_personal,
    purge_expired,
    reveal_personal,
    rotate_keys,
    seal_text,
)
from cbec.complaints.schemas import Classification, ComplaintCreate, ComplaintRead, ComplaintStep
from cbec.core.privacy import (
    KeyRing,
    mask_address,
    mask_id_number,
    mask_name,
    mask_phone,
    seal,
    unseal,
)
from cbec.core.workflow import SYSTEM_ACTOR, is_overdue
from cbec.feeds.service import register_row
from cbec.storage.engine import transaction
from cbec.storage.store import Store

__all__ = [
    "CATEGORIES",
    "CATEGORY_TITLES",
    "STATE_TITLES",
    "Classification",
    "ComplaintCreate",
    "ComplaintRead",
    "EmptyComplaintError",
    "classify_texts",
    "erase_personal",
    "import_feed",
    "load_model",
    "month_summary",
    "override",
    "purge_expired",
    "resolution_by_enterprise",
    "reveal_personal",
    "rotate_keys",
]
MASKS = {
    "consumer_name": mask_name,
    "consumer_phone": mask_phone,
    "consumer_id_number": mask_id_number,
    "consumer_address": mask_address,
}
# What a complaint shows not as stored: its personal fields (masked), its lateness and its history.
SHOWN_APART = frozenset({*PERSONAL, "overdue", "history"})
# A classifier takes a text and returns (category, confidence, model version).
Classifier = Callable[[str], tuple[str, Decimal | None, str]]


def _model(store: Store) -> Classifier:
    """Return the shipped classifier as a Classifier: category, confidence, `model:<version>`."""

    def classify(text: str) -> tuple[str, Decimal | None, str]:
        (found,) = classify_texts([text], settings=store.settings)
        return found.category, Decimal(str(round(found.confidence, 4))), f"model:{found.model_version}"

    return classify


def _read(
    case: ComplaintCase, ring: KeyRing, now: datetime, history: list[ComplaintTransition] | None = None
) -> ComplaintRead:
    """Show a case: its stored columns, every personal field masked (opened only to be masked, never returned whole)."""
    shown: dict[str, Any] = {f: getattr(case, f) for f in ComplaintRead.model_fields.keys() - SHOWN_APART}
    shown |= {f: (None if getattr(case, f) is None else MASKS[f](unseal(getattr(case, f), ring, f))) for f in PERSONAL}
    lifecycle = complaint_lifecycle(shipped_config().deadlines)
    overdue = is_overdue(lifecycle, state=case.state, due_at=case.due_at, now=now)
    return ComplaintRead(
        **shown,
        overdue=overdue,
        history=[ComplaintStep.model_validate(t) for t in history or []],
    )


def _visible(principal: Principal, case: ComplaintCase) -> bool:
    if principal.is_regulator or principal.role == AUDITOR:
        return True
    column = principal.tenant_column
    return (
        column in ("enterprise_id", "platform_id")
        and case.respondent_id == principal.tenant_id
        and (case.respondent_kind == column.removesuffix("_id"))
    )


def file_complaint(
    *,
    store: Store,
    data: ComplaintCreate,
    source: str = "web",
    now: datetime | None = None,
    classifier: Classifier | None = None,
) -> ComplaintRead:
    """File a complaint (no login): classify it, seal the personal data, start the 7-working-day acceptance clock."""
    now = now or datetime.now(UTC)
    ring, lifecycle = load_keyring(store.settings), complaint_lifecycle(shipped_config().deadlines)
    category, confidence, model = (classifier or _model(store))(data.text)
    sealed = {f: (None if getattr(data, f) is None else seal(getattr(data, f), ring, f)) for f in PERSONAL}
    text, sealed["text_personal"] = seal_text(data.text, ring)
    as_given = data.model_dump(exclude={"text", *PERSONAL})  # the rest of the form is stored as the consumer gave it
    with transaction(store.factory) as session:
        case = file_case(
            session,
            lifecycle,
            store.calendar(),
            received_at=now,
            now=now,
            actor=CONSUMER,
            reason=source,
            audit_action="complaint.file",
            after={"state": lifecycle.initial, "category": category, "source": source},
            source=source,
            text=text,
            category=category,
            confidence=confidence,
            category_by=model,
            **as_given,
            **sealed,
        )
        return _read(case, ring, now)


def track(*, store: Store, tracking_code: str, now: datetime | None = None) -> ComplaintRead | None:
    """Return a complaint by its public tracking code (masked), for the consumer who filed it."""
    with store.factory() as session:
        case = session.scalar(select(ComplaintCase).where(ComplaintCase.tracking_code == tracking_code))
        if case is None:
            return None
        history = casework.history(session, COMPLAINTS, case.id)
        return _read(case, load_keyring(store.settings), now or datetime.now(UTC), history)


def _route(store: Store, case: ComplaintCase) -> tuple[str, str] | None:
    """The enterprise when it is registered (reachable), else the platform, else nobody."""
    if case.enterprise_id and register_row(store=store, feed="enterprises", key={"enterprise_id": case.enterprise_id}):
        return "enterprise", case.enterprise_id
    if case.platform_id:
        return "platform", case.platform_id
    return None


def advance_complaint(
    *,
    store: Store,
    case_id: int,
    action: str,
    actor: str,
    reason: str,
    principal: Principal = SYSTEM,
    now: datetime | None = None,
    satisfaction: int | None = None,
) -> ComplaintRead:
    """Take one step: the regulator accepts (and routes), the business answers or settles, the consumer closes."""
    now = now or datetime.now(UTC)
    ring, calendar = load_keyring(store.settings), store.calendar()
    lifecycle = complaint_lifecycle(shipped_config().deadlines)
    with transaction(store.factory) as session:
        case = session.get(ComplaintCase, case_id)
        if case is None or not _visible(principal, case):
            raise NotVisible(f"no complaint {case_id} / 投诉 {case_id} 不存在")
        # The business's answer does not restart its clock: the settlement deadline still runs.
        keep_due = case.due_at if (case.state, action) == ("with_respondent", "answer") else None
        casework.take_step(
            session,
            COMPLAINTS,
            case,
            lifecycle=lifecycle,
            action=action,
            actor=actor,
            reason=reason,
            now=now,
            calendar=calendar,
            role=principal.role,
            due_at=keep_due,
        )
        if action in ("accept",) and (target := _route(store, case)) is not None:
            case.respondent_kind, case.respondent_id = target
            casework.take_step(
                session,
                COMPLAINTS,
                case,
                lifecycle=lifecycle,
                action="route",
                actor=SYSTEM_ACTOR,
                reason=f"routed to {target[0]} {target[1]}",  # a note the dashboard reads back (web.render.ROUTED)
                now=now,
                calendar=calendar,
            )
        if action == "close":
            if satisfaction is None or not 1 <= satisfaction <= 5:
                raise ValueError("关闭时请评价满意度 1–5 / closing asks for satisfaction 1-5")
            case.satisfaction, case.closed_at = satisfaction, now
        return _read(case, ring, now, casework.history(session, COMPLAINTS, case.id))


def check_deadlines(*, store: Store, now: datetime | None = None) -> list[int]:
    """The scheduled check: complaints past a deadline escalate; return the ids moved."""
    lifecycle = complaint_lifecycle(shipped_config().deadlines)
    return casework.run_deadline_check(store, COMPLAINTS, lifecycle_of=lambda _case: lifecycle, now=now)


def _listing(principal: Principal, state: str | None, category: str | None) -> Select[ComplaintCase]:
    query = select(ComplaintCase)
    if state:
        query = query.where(ComplaintCase.state == state)
    if category:
        query = query.where(ComplaintCase.category == category)
    if principal.tenant_column is not None:
        kind = principal.tenant_column.removesuffix("_id")
        query = query.where(ComplaintCase.respondent_kind == kind, ComplaintCase.respondent_id == principal.tenant_id)
    return query


def list_complaints(
    *,
    store: Store,
    principal: Principal = SYSTEM,
    state: str | None = None,
    category: str | None = None,
    limit: int = 100,
    offset: int = 0,
    now: datetime | None = None,
) -> list[ComplaintRead]:
    """Return the complaints the principal may see (a business: those routed to it), newest first, masked."""
    query = _listing(principal, state, category).order_by(ComplaintCase.id.desc())
    ring, now = load_keyring(store.settings), now or datetime.now(UTC)
    with store.factory() as session:
        return [_read(c, ring, now) for c in session.scalars(query.limit(limit).offset(offset))]


def count_complaints(
    *, store: Store, principal: Principal = SYSTEM, state: str | None = None, category: str | None = None
) -> int:
    """Return how many complaints list_complaints would give without a limit (for paging)."""
    query = select(func.count()).select_from(_listing(principal, state, category).subquery())
    with store.factory() as session:
        return int(session.scalar(query) or 0)


def get_complaint(
    *, store: Store, case_id: int, principal: Principal = SYSTEM, now: datetime | None = None
) -> ComplaintRead:
    """Return one complaint with its history, masked; NotVisible when missing or routed to another business."""
    with store.factory() as session:
        case = session.get(ComplaintCase, case_id)
        if case is None or not _visible(principal, case):
            raise NotVisible(f"no complaint {case_id} / 投诉 {case_id} 不存在")
        history = casework.history(session, COMPLAINTS, case.id)
        return _read(case, load_keyring(store.settings), now or datetime.now(UTC), history)


def actions_for(*, role: str, state: str) -> list[str]:
    """Return the steps a role may take on a complaint in this state (none for a reader such as the auditor)."""
    steps = complaint_lifecycle(shipped_config().deadlines).actions_for(role, state)
    # route and overdue are the system's own steps; close and dispute are the consumer's, by tracking code.
    return [a for a in steps if a not in ("route", "overdue") and (role == CONSUMER or a not in CONSUMER_ACTIONS)]


def override_category(*, store: Store, case_id: int, category: str, actor: str, principal: Principal = SYSTEM) -> None:
    """A person corrects the classifier; the model's guess stays in the audit log."""
    principal.require(*REGULATORS)
    if category not in CATEGORIES:
        raise ValueError(f"category must be one of {', '.join(CATEGORIES)}")
    with transaction(store.factory) as session:
        case = session.get_one(ComplaintCase, case_id)
        audit.record(
            session,
            actor=actor,
            action="complaint.reclassify",
            entity="complaint",
            entity_id=case_id,
            before={"category": case.category, "by": case.category_by},
            after={"category": category},
        )
        case.category, case.confidence, case.category_by = category, None, actor


def consumer_step(
    *,
    store: Store,
    tracking_code: str,
    action: str,
    reason: str,
    satisfaction: int | None = None,
    now: datetime | None = None,
) -> ComplaintRead:
    """The consumer, known only by the tracking code, disputes an answer or closes with a satisfaction score."""
    casework.require(complaint_lifecycle(shipped_config().deadlines), role=CONSUMER, action=action)
    with store.factory() as session:
        case_id = session.scalar(select(ComplaintCase.id).where(ComplaintCase.tracking_code == tracking_code))
    if case_id is None:
        raise NotVisible("no complaint with this tracking code / 查无此投诉")
    return advance_complaint(
        store=store,
        case_id=case_id,
        action=action,
        actor="consumer",
        reason=reason,
        principal=SYSTEM,
        now=now,
        satisfaction=satisfaction,
    )


def rotate_master_key(
    *, store: Store, actor: str, new_key_id: str | None = None, drop_old: bool = False
) -> tuple[int, str]:
    """Rotate the master key of personal data; return how many values were re-wrapped and the current key's id.

    With new_key_id a new current key goes in front of the key file first; every data key is re-wrapped under
    the current key; with drop_old only that key stays in the file afterwards.
    """
    if new_key_id:
        add_key(store.settings, new_key_id)
    count = rotate_keys(store=store, actor=actor)
    if drop_old:
        drop_retired(store.settings, load_keyring(store.settings))
    return count, load_keyring(store.settings).current[0]
