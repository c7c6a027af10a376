"""What entry points call to file, follow and decide complaints, and to keep consumers' personal data safe."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from cbec.audit import service as audit
from cbec.auth.domain import AUDITOR, REGULATOR_ADMIN, REGULATORS, SYSTEM, Forbidden, NotVisible, Principal
from cbec.complaints.classifier import classify_texts, load_model, override
from cbec.complaints.config import shipped_config
from cbec.complaints.keys import load_keyring
from cbec.complaints.lifecycle import CONSUMER_ACTIONS, RESPONDENT_ACTIONS, complaint_lifecycle
from cbec.complaints.models import ComplaintCase, ComplaintTransition
from cbec.complaints.schemas import CATEGORIES, Classification, ComplaintCreate, ComplaintRead, ComplaintStep
from cbec.core.calendar import WorkingCalendar
from cbec.core.clock import SHANGHAI
from cbec.core.privacy import (
    KeyRing,
    mask_address,
    mask_id_number,
    mask_name,
    mask_phone,
    rewrap,
    seal,
    unseal,
)
from cbec.core.workflow import SYSTEM_ACTOR, Step, advance, expired
from cbec.feeds.service import read_side, register_row
from cbec.storage.engine import transaction
from cbec.storage.store import Store

__all__ = ["Classification", "ComplaintCreate", "ComplaintRead", "classify_texts", "load_model", "override"]
PERSONAL = ("consumer_name", "consumer_phone", "consumer_id_number", "consumer_address")
MASKS = {
    "consumer_name": mask_name,
    "consumer_phone": mask_phone,
    "consumer_id_number": mask_id_number,
    "consumer_address": mask_address,
}
# A classifier takes a text and returns (category, confidence, model version).
Classifier = Callable[[str], tuple[str, Decimal | None, str]]


def _model(store: Store) -> Classifier:
    """Return the shipped classifier as a Classifier: category, confidence, `model:<version>`."""

    def classify(text: str) -> tuple[str, Decimal | None, str]:
        (found,) = classify_texts([text], settings=store.settings)
        return found.category, Decimal(str(round(found.confidence, 4))), f"model:{found.model_version}"

    return classify


def _calendar(store: Store) -> WorkingCalendar:
    return WorkingCalendar.from_file(store.settings.holiday_file)


def _read(
    case: ComplaintCase, ring: KeyRing, now: datetime, history: list[ComplaintTransition] | None = None
) -> ComplaintRead:
    """Show a case with every personal field masked (opened only to be masked, never returned whole)."""
    masked = {
        f: (None if getattr(case, f) is None else MASKS[f](unseal(getattr(case, f), ring, f)))
        for f in PERSONAL
    }
    overdue = (
        case.due_at is not None
        and case.due_at < now
        and case.state not in ("closed", "rejected", "closed_unresolved")
    )
    return ComplaintRead(
        id=case.id,
        tracking_code=case.tracking_code,
        received_at=case.received_at,
        language=case.language,
        text=case.text,
        category=case.category,
        confidence=case.confidence,
        category_by=case.category_by,
        enterprise_id=case.enterprise_id,
        platform_id=case.platform_id,
        order_id=case.order_id,
        respondent_kind=case.respondent_kind,
        respondent_id=case.respondent_id,
        state=case.state,
        due_at=case.due_at,
        overdue=overdue,
        satisfaction=case.satisfaction,
        **masked,
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


def _record(session: Session, case: ComplaintCase, step: Step) -> None:
    audit.record_step(
        session,
        item=case,
        step=step,
        transition=ComplaintTransition,
        link={"case_id": case.id},
        entity="complaint",
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
    due = lifecycle.due("received", now.astimezone(SHANGHAI), _calendar(store))
    with transaction(store.factory) as session:
        case = ComplaintCase(
            tracking_code=f"TS{secrets.token_hex(6).upper()}",
            source=source,
            received_at=now,
            language=data.language,
            text=data.text,
            category=category,
            confidence=confidence,
            category_by=model,
            enterprise_id=data.enterprise_id,
            platform_id=data.platform_id,
            order_id=data.order_id,
            amount_claimed=data.amount_claimed,
            currency=data.currency,
            state="received",
            due_at=due,
            updated_at=now,
            **sealed,
        )
        session.add(case)
        session.flush()
        session.add(
            ComplaintTransition(
                case_id=case.id,
                action="file",
                from_state=None,
                to_state="received",
                actor="consumer",
                at=now,
                reason=source,
                due_at=due,
            )
        )
        audit.record(
            session,
            actor="consumer",
            action="complaint.file",
            entity="complaint",
            entity_id=case.id,
            after={"state": "received", "category": category, "source": source},
            now=now,
        )
        return _read(case, ring, now)


def track(*, store: Store, tracking_code: str, now: datetime | None = None) -> ComplaintRead | None:
    """Return a complaint by its public tracking code (masked), for the consumer who filed it."""
    with store.factory() as session:
        case = session.scalar(select(ComplaintCase).where(ComplaintCase.tracking_code == tracking_code))
        if case is None:
            return None
        history = list(
            session.scalars(
                select(ComplaintTransition)
                .where(ComplaintTransition.case_id == case.id)
                .order_by(ComplaintTransition.id)
            )
        )
        return _read(case, load_keyring(store.settings), now or datetime.now(UTC), history)


def _route(store: Store, case: ComplaintCase) -> tuple[str, str] | None:
    """The enterprise when it is registered (reachable), else the platform, else nobody."""
    if case.enterprise_id and register_row(
        store=store, feed="enterprises", key={"enterprise_id": case.enterprise_id}
    ):
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
    ring, calendar = load_keyring(store.settings), _calendar(store)
    lifecycle = complaint_lifecycle(shipped_config().deadlines)
    with transaction(store.factory) as session:
        case = session.get(ComplaintCase, case_id)
        if case is None or not _visible(principal, case):
            raise NotVisible(f"no complaint {case_id} / 投诉 {case_id} 不存在")
        tenant = principal.tenant_column is not None
        if principal.role == AUDITOR or (tenant and action not in RESPONDENT_ACTIONS):
            raise Forbidden(
                f"角色 {principal.role} 不能执行 {action} / role {principal.role} may not {action}"
            )
        if not tenant and principal.role not in REGULATORS and action not in CONSUMER_ACTIONS:
            raise Forbidden(f"{action} is the regulator's")
        keep_due = case.due_at if (case.state, action) == ("with_respondent", "answer") else None
        _record(
            session,
            case,
            advance(
                lifecycle,
                state=case.state,
                action=action,
                actor=actor,
                reason=reason,
                now=now,
                calendar=calendar,
                due_at=keep_due,
            ),
        )
        if action in ("accept",) and (target := _route(store, case)) is not None:
            case.respondent_kind, case.respondent_id = target
            _record(
                session,
                case,
                advance(
                    lifecycle,
                    state=case.state,
                    action="route",
                    actor=SYSTEM_ACTOR,
                    reason=f"routed to {target[0]} {target[1]}",
                    now=now,
                    calendar=calendar,
                ),
            )
        if action == "close":
            if satisfaction is None or not 1 <= satisfaction <= 5:
                raise ValueError("关闭时请评价满意度 1–5 / closing asks for satisfaction 1-5")
            case.satisfaction, case.closed_at = satisfaction, now
        history = list(
            session.scalars(
                select(ComplaintTransition)
                .where(ComplaintTransition.case_id == case.id)
                .order_by(ComplaintTransition.id)
            )
        )
        return _read(case, ring, now, history)


def check_deadlines(*, store: Store, now: datetime | None = None) -> list[int]:
    """The scheduled check: complaints past a deadline escalate; return the ids moved."""
    now = now or datetime.now(UTC)
    lifecycle, calendar = complaint_lifecycle(shipped_config().deadlines), _calendar(store)
    moved = []
    with transaction(store.factory) as session:
        query = select(ComplaintCase).where(ComplaintCase.due_at.is_not(None), ComplaintCase.due_at < now)
        for case in session.scalars(query):
            action = expired(lifecycle, state=case.state, due_at=case.due_at, now=now)
            if action is not None and case.due_at is not None:
                _record(
                    session,
                    case,
                    advance(
                        lifecycle,
                        state=case.state,
                        action=action,
                        actor=SYSTEM_ACTOR,
                        reason="期限已过 / deadline passed",
                        now=case.due_at,
                        calendar=calendar,
                    ),
                )
                moved.append(case.id)
    return moved


def list_complaints(
    *,
    store: Store,
    principal: Principal = SYSTEM,
    state: str | None = None,
    limit: int = 100,
    offset: int = 0,
    now: datetime | None = None,
) -> list[ComplaintRead]:
    """Return the complaints the principal may see (a business: those routed to it), newest first, masked."""
    query = select(ComplaintCase).order_by(ComplaintCase.id.desc())
    if state:
        query = query.where(ComplaintCase.state == state)
    if principal.tenant_column is not None:
        kind = principal.tenant_column.removesuffix("_id")
        query = query.where(
            ComplaintCase.respondent_kind == kind, ComplaintCase.respondent_id == principal.tenant_id
        )
    ring, now = load_keyring(store.settings), now or datetime.now(UTC)
    with store.factory() as session:
        return [_read(c, ring, now) for c in session.scalars(query.limit(limit).offset(offset))]


def override_category(
    *, store: Store, case_id: int, category: str, actor: str, principal: Principal = SYSTEM
) -> None:
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


def reveal_personal(
    *, store: Store, case_id: int, principal: Principal, reason: str
) -> dict[str, str | None]:
    """Open a case's personal data for a regulator's admin who states why; the access itself is audited."""
    principal.require(REGULATOR_ADMIN)
    ring = load_keyring(store.settings)
    with transaction(store.factory) as session:
        case = session.get_one(ComplaintCase, case_id)
        audit.record(
            session,
            actor=principal.username,
            action="complaint.reveal_personal",
            entity="complaint",
            entity_id=case_id,
            after={"reason": reason},
        )
        return {
            f: (None if getattr(case, f) is None else unseal(getattr(case, f), ring, f)) for f in PERSONAL
        }


def erase_personal(
    *, store: Store, case_id: int, actor: str, reason: str, now: datetime | None = None
) -> None:
    """Erase a case's personal data (on the consumer's request or at the end of retention); the case stays."""
    now = now or datetime.now(UTC)
    with transaction(store.factory) as session:
        case = session.get_one(ComplaintCase, case_id)
        for f in PERSONAL:
            setattr(case, f, None)
        case.personal_erased_at = now
        audit.record(
            session,
            actor=actor,
            action="complaint.erase_personal",
            entity="complaint",
            entity_id=case_id,
            after={"reason": reason},
            now=now,
        )


def purge_expired(*, store: Store, now: datetime | None = None) -> int:
    """Erase the personal data of complaints closed longer ago than the retention period; return how many."""
    now = now or datetime.now(UTC)
    years = shipped_config().retention.years_after_closure
    cutoff = now.replace(year=now.year - years)
    with store.factory() as session:
        ids = list(
            session.scalars(
                select(ComplaintCase.id).where(
                    ComplaintCase.closed_at.is_not(None),
                    ComplaintCase.closed_at < cutoff,
                    ComplaintCase.personal_erased_at.is_(None),
                )
            )
        )
    for case_id in ids:
        erase_personal(
            store=store, case_id=case_id, actor=SYSTEM_ACTOR, reason=f"retention {years} years", now=now
        )
    return len(ids)


def rotate_keys(*, store: Store, actor: str = "system") -> int:
    """Re-wrap every sealed value's data key under the current master key; return the values re-wrapped."""
    ring = load_keyring(store.settings)
    count = 0
    with transaction(store.factory) as session:
        for case in session.scalars(select(ComplaintCase)):
            for f in PERSONAL:
                value = getattr(case, f)
                if value is not None and (new := rewrap(value, ring, f)) != value:
                    setattr(case, f, new)
                    count += 1
        audit.record(
            session,
            actor=actor,
            action="privacy.rotate",
            entity="key_ring",
            entity_id=ring.current[0],
            after={"rewrapped": count},
        )
    return count


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
    if action not in CONSUMER_ACTIONS:
        raise Forbidden(
            f"消费者只能 {'/'.join(sorted(CONSUMER_ACTIONS))} / a consumer may only dispute or close"
        )
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


def resolution_by_enterprise(*, store: Store) -> dict[str, tuple[int, int]]:
    """Return per enterprise the complaints routed to it and how many of them were settled or closed."""
    resolved_states = ("settled", "closed")
    found: dict[str, tuple[int, int]] = {}
    with store.factory() as session:
        rows = session.execute(
            select(ComplaintCase.respondent_id, ComplaintCase.state).where(
                ComplaintCase.respondent_kind == "enterprise"
            )
        )
        for enterprise_id, state in rows:
            if enterprise_id is None:
                continue
            handled, resolved = found.get(enterprise_id, (0, 0))
            found[enterprise_id] = (handled + 1, resolved + (state in resolved_states))
    return found


def month_summary(*, store: Store, month: str) -> dict[str, object]:
    """Return the month's complaints by category and by state, the overdue ones and mean satisfaction."""
    start = datetime.fromisoformat(f"{month}-01T00:00:00+08:00")
    end = datetime(start.year + start.month // 12, start.month % 12 + 1, 1, tzinfo=start.tzinfo)
    now = datetime.now(UTC)
    with store.factory() as session:
        rows = list(
            session.execute(
                select(
                    ComplaintCase.category,
                    ComplaintCase.state,
                    ComplaintCase.due_at,
                    ComplaintCase.satisfaction,
                ).where(ComplaintCase.received_at >= start, ComplaintCase.received_at < end)
            )
        )
    categories: dict[str, int] = {}
    states: dict[str, int] = {}
    for category, state, _, _ in rows:
        categories[category] = categories.get(category, 0) + 1
        states[state] = states.get(state, 0) + 1
    final = ("closed", "rejected", "closed_unresolved")
    scores = [s for *_, s in rows if s is not None]
    return {
        "total": len(rows),
        "by_category": dict(sorted(categories.items(), key=lambda kv: -kv[1])),
        "by_state": states,
        "overdue": sum(
            1 for _, state, due, _ in rows if due is not None and due < now and state not in final
        ),
        "satisfaction": round(sum(scores) / len(scores), 2) if scores else None,
    }


def import_feed(*, store: Store, month: str, now: datetime | None = None) -> int:
    """Open a case for every complaint of the month's `complaints` feed not yet imported; return how many.

    Feed rows carry no name or phone (the consumer is a keyed pseudonym in the lake); each is classified with
    the shipped model unless the platform sent a category, and starts the 7-working-day acceptance clock at
    its own received time.
    """
    now = now or datetime.now(UTC)
    con = read_side(store=store)
    try:
        if "complaints" not in {r[0] for r in con.execute("SELECT view_name FROM duckdb_views()").fetchall()}:
            return 0
        cursor = con.execute(
            "SELECT complaint_id, received_at, language, text, category, enterprise_id, platform_id, order_id, "
            "amount_claimed, currency FROM complaints WHERE month = ? ORDER BY received_at, complaint_id",
            [month],
        )
        names = [c[0] for c in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    finally:
        con.close()
    with store.factory() as session:
        known = set(
            session.scalars(select(ComplaintCase.complaint_id).where(ComplaintCase.complaint_id.is_not(None)))
        )
    fresh = [r for r in rows if r["complaint_id"] not in known]
    if not fresh:
        return 0
    found = classify_texts([r["text"] for r in fresh], settings=store.settings)
    lifecycle, calendar = complaint_lifecycle(shipped_config().deadlines), _calendar(store)
    with transaction(store.factory) as session:
        for row, guess in zip(fresh, found, strict=True):
            given = row["category"] if row["category"] in CATEGORIES else None
            received = row["received_at"]
            due = lifecycle.due("received", received.astimezone(SHANGHAI), calendar)
            case = ComplaintCase(
                tracking_code=f"TS{secrets.token_hex(6).upper()}",
                source="feed",
                complaint_id=row["complaint_id"],
                received_at=received,
                language=(row["language"] or "zh")[:8],
                text=row["text"],
                category=given or guess.category,
                confidence=None if given else Decimal(str(round(guess.confidence, 4))),
                category_by="platform" if given else f"model:{guess.model_version}",
                enterprise_id=row["enterprise_id"],
                platform_id=row["platform_id"],
                order_id=row["order_id"],
                amount_claimed=row["amount_claimed"],
                currency=row["currency"],
                state="received",
                due_at=due,
                updated_at=now,
            )
            session.add(case)
            session.flush()
            session.add(
                ComplaintTransition(
                    case_id=case.id,
                    action="file",
                    from_state=None,
                    to_state="received",
                    actor="feed",
                    at=received,
                    reason="complaints feed",
                    due_at=due,
                )
            )
            audit.record(
                session,
                actor="feed",
                action="complaint.import",
                entity="complaint",
                entity_id=case.id,
                after={"complaint_id": row["complaint_id"], "category": case.category},
                now=now,
            )
    return len(fresh)
