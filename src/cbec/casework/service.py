"""What the five kinds of case call to open an item, take a step, run the deadline check and read the history.

Each kind passes its `CaseTables` (items, steps, audit name) and its `Lifecycle` (states, roles, deadlines);
everything happens in the caller's session and transaction. A step moves the item, keeps a row in the kind's
transitions table and writes the audit entry `<entity>.<action>` with the state and deadline before and after,
so the table and the audit log always tell the same story.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from cbec.audit import service as audit
from cbec.auth.domain import Forbidden, NotVisible, Principal
from cbec.core.calendar import WorkingCalendar
from cbec.core.workflow import Lifecycle, Step, advance, overdue_steps, refusal
from cbec.storage.cases import CaseTables, ItemT, StepT
from cbec.storage.engine import transaction
from cbec.storage.store import Store

ReadT = TypeVar("ReadT")

__all__ = [
    "check_deadlines",
    "history",
    "list_visible",
    "open_item",
    "record",
    "record_steps",
    "record_taken",
    "require",
    "run_deadline_check",
    "step_visible",
    "take_step",
]


def require(lifecycle: Lifecycle, *, role: str, action: str) -> None:
    """Raise Forbidden, in Chinese and English, unless the lifecycle lets the role take the action."""
    if not lifecycle.permits(role, action):
        raise Forbidden(refusal(role, action))


def open_item(
    session: Session,
    tables: CaseTables[ItemT, StepT],
    item: ItemT,
    *,
    actor: str,
    at: datetime,
    opening: str | None = None,
    reason: str = "",
    audit_action: str | None = None,
    after: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> None:
    """Store a new item (already in its initial state, with its deadline) and what its kind records of the opening.

    `opening` names the first step (from no state into the item's, e.g. "file"), kept with `reason` at `at`;
    `audit_action` the audit entry, with `after`, written at `now` (default `at`). A kind that keeps no
    opening step or no opening entry leaves the name None.
    """
    session.add(item)
    session.flush()
    if opening is not None:
        session.add(
            tables.steps(
                **{tables.link: item.id},
                action=opening,
                from_state=None,
                to_state=item.state,
                actor=actor,
                at=at,
                reason=reason,
                due_at=item.due_at,
            )
        )
    if audit_action is not None:
        audit.record(
            session,
            actor=actor,
            action=audit_action,
            entity=tables.entity,
            entity_id=item.id,
            after=after,
            now=now or at,
        )


def _kept(
    tables: CaseTables[ItemT, StepT], item_id: int, before: dict[str, Any], step: Step
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the row of a step taken on an item and its audit entry (`before`: the state and deadline it left)."""
    row = {
        tables.link: item_id,
        "action": step.action,
        "from_state": step.from_state,
        "to_state": step.to_state,
        "actor": step.actor,
        "at": step.at,
        "reason": step.reason,
        "due_at": step.due_at,
    }
    entry = {
        "actor": step.actor,
        "action": f"{tables.entity}.{step.action}",
        "entity": tables.entity,
        "entity_id": item_id,
        "before": before,
        "after": {"state": step.to_state, "due_at": step.due_at, "reason": step.reason},
        "now": step.at,
    }
    return row, entry


def _move(tables: CaseTables[ItemT, StepT], item: ItemT, step: Step) -> tuple[StepT, dict[str, Any]]:
    """Move an item to a step's state and deadline; return the step's row and its audit entry, to be kept."""
    row, entry = _kept(tables, item.id, {"state": item.state, "due_at": item.due_at}, step)
    item.state, item.due_at, item.updated_at = step.to_state, step.due_at, step.at
    return tables.steps(**row), entry


def record(session: Session, tables: CaseTables[ItemT, StepT], item: ItemT, step: Step) -> None:
    """Move an item to a step's state and deadline, keep the step and audit it."""
    record_steps(session, tables, [(item, step)])


def record_steps(session: Session, tables: CaseTables[ItemT, StepT], moves: Sequence[tuple[ItemT, Step]]) -> None:
    """Record many steps at once (each item moved, its step kept and audited), the audit chain locked once."""
    kept = [_move(tables, item, step) for item, step in moves]
    session.add_all([row for row, _ in kept])
    audit.record_many(session, [entry for _, entry in kept])


def record_taken(
    session: Session, tables: CaseTables[ItemT, StepT], taken: Sequence[tuple[int, datetime | None, Step]]
) -> None:
    """Keep and audit steps of items written already in the steps' states: (item id, deadline before, step).

    For items a service decides before it inserts them (triage opens its items assigned): the same step rows and
    audit entries as `record_steps`, each written in one executemany, with no UPDATE of the items.
    """
    kept = [
        _kept(tables, item_id, {"state": step.from_state, "due_at": due_before}, step)
        for item_id, due_before, step in taken
    ]
    if kept:
        session.execute(insert(tables.steps), [row for row, _ in kept])
        audit.record_many(session, [entry for _, entry in kept])


def take_step(
    session: Session,
    tables: CaseTables[ItemT, StepT],
    item: ItemT,
    *,
    lifecycle: Lifecycle,
    action: str,
    actor: str,
    reason: str,
    now: datetime,
    calendar: WorkingCalendar,
    role: str | None = None,
    due_at: datetime | None = None,
) -> Step:
    """Take one action on an item and record it: the role may take it, the state allows it, a reason is given.

    The new state's deadline is due_at when given, else the lifecycle's. role None: the caller has settled
    who may act (the system routing a case, a consumer known only by a tracking code).
    """
    if role is not None:
        require(lifecycle, role=role, action=action)
    step = advance(
        lifecycle,
        state=item.state,
        action=action,
        actor=actor,
        reason=reason,
        now=now,
        calendar=calendar,
        due_at=due_at,
    )
    record(session, tables, item, step)
    return step


def check_deadlines(
    session: Session,
    tables: CaseTables[ItemT, StepT],
    *,
    lifecycle_of: Callable[[ItemT], Lifecycle],
    now: datetime,
    calendar: WorkingCalendar,
) -> list[tuple[int, Step]]:
    """The scheduled check: move every item past its deadline; return (item id, step) in the order taken.

    An item late twice over is first marked overdue at its deadline, then escalated at the next; each step
    happens at the deadline it answers, so a check run late records what happened when it did.
    """
    taken: list[tuple[int, Step]] = []
    query = (
        select(tables.items)
        .where(tables.items.due_at.is_not(None), tables.items.due_at < now)
        .order_by(tables.items.id)
    )
    for item in session.scalars(query):
        for step in overdue_steps(
            lifecycle_of(item),
            state=item.state,
            due_at=item.due_at,
            updated_at=item.updated_at,
            now=now,
            calendar=calendar,
        ):
            record(session, tables, item, step)
            taken.append((item.id, step))
    return taken


def step_visible(
    store: Store,
    tables: CaseTables[ItemT, StepT],
    item_id: int,
    *,
    visible: Callable[[ItemT], bool],
    missing: str,
    lifecycle_of: Callable[[ItemT], Lifecycle],
    action: str,
    actor: str,
    reason: str,
    role: str,
    read: Callable[[Session, ItemT], ReadT],
    now: datetime | None = None,
) -> ReadT:
    """Take one step, in its own transaction, on an item the caller may see; return how it reads afterwards.

    An item that does not exist and one the caller may not see raise the same NotVisible(`missing`), so a
    tenant learns nothing about another's cases.
    """
    now = now or datetime.now(UTC)
    with transaction(store.factory) as session:
        item = session.get(tables.items, item_id)
        if item is None or not visible(item):
            raise NotVisible(missing)
        take_step(
            session,
            tables,
            item,
            lifecycle=lifecycle_of(item),
            action=action,
            actor=actor,
            reason=reason,
            now=now,
            calendar=store.calendar(),
            role=role,
        )
        session.flush()
        return read(session, item)


def run_deadline_check(
    store: Store,
    tables: CaseTables[ItemT, StepT],
    *,
    lifecycle_of: Callable[[ItemT], Lifecycle],
    now: datetime | None = None,
) -> list[int]:
    """Run `check_deadlines` in its own transaction on the store's calendar; return the ids of the items moved."""
    now = now or datetime.now(UTC)
    with transaction(store.factory) as session:
        steps = check_deadlines(session, tables, lifecycle_of=lifecycle_of, now=now, calendar=store.calendar())
    return list(dict.fromkeys(item_id for item_id, _ in steps))


def history(session: Session, tables: CaseTables[ItemT, StepT], item_id: int) -> list[StepT]:
    """Return an item's recorded steps in order."""
    link = getattr(tables.steps, tables.link)
    return list(session.scalars(select(tables.steps).where(link == item_id).order_by(tables.steps.id)))


def list_visible(
    store: Store,
    tables: CaseTables[ItemT, StepT],
    *,
    principal: Principal,
    read: Callable[[ItemT], ReadT],
    state: str | None = None,
    owner: str = "enterprise_id",
) -> list[ReadT]:
    """Return the items the principal may see (a tenant: those whose `owner` column is its own), newest first."""
    items = tables.items
    query = select(items).order_by(items.id.desc())
    if state:
        query = query.where(items.state == state)
    if (scope := principal.scope(owner)) is not None:
        query = query.where(getattr(items, owner) == scope)
    with store.factory() as session:
        return [read(item) for item in session.scalars(query)]
