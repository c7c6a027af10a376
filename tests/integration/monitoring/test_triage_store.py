"""Triage writes its new items once, already assigned in their cases, each with its assign step and audit entry."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from cbec.audit import service as audit
from cbec.core.clock import SHANGHAI
from cbec.monitoring.triage.assignment import parse_assignment
from cbec.monitoring.triage.domain import NewItem
from cbec.monitoring.triage.models import ReviewCase, ReviewItem, ReviewItemTransition
from cbec.monitoring.triage.store import save_items
from cbec.storage.engine import transaction
from cbec.storage.store import Store

NOW = datetime(2026, 11, 2, 10, tzinfo=SHANGHAI)
# wu is in both teams: the general team's turn continues from what wu was given a moment ago by the senior team.
SHARED_MEMBER = {
    "version": "t1",
    "teams": {
        "senior": {"members": ["zhou", "wu"], "why": "critical"},
        "general": {"members": ["wu", "li"], "why": "the rest"},
    },
    "rules": [{"id": "critical", "when": {"severity": ["critical"]}, "team": "senior", "why": "due in a day"}],
    "default_team": "general",
}


def _item(payment: str, severity: str, account: str | None, score: float) -> NewItem:
    lead = [{"signal": "rule_count", "value": 2.0, "contribution": 1.5, "zh": "规则", "en": "rules"}]
    return NewItem("2026-10", "PI-A", payment, account, score, score, severity, "t/rules_only", lead, "规则", "rules")


def test_new_items_are_inserted_assigned_in_their_cases_with_one_step_and_one_audit_entry_each(store: Store) -> None:
    items = [
        _item("P1", "critical", "ACC-1", 0.9),
        _item("P2", "critical", "ACC-1", 0.5),
        _item("P3", "medium", None, 0.4),
        _item("P4", "medium", "ACC-2", 0.3),
        _item("P5", "medium", None, 0.2),
    ]
    with transaction(store.factory) as session:
        opened = save_items(
            session, items, now=NOW, calendar=store.calendar(), assignment=parse_assignment(SHARED_MEMBER)
        )
    assert [i.payment_id for _, i in opened] == ["P1", "P2", "P3", "P4", "P5"]
    ids = [item_id for item_id, _ in opened]
    with store.factory() as session:
        rows = {r.id: r for r in session.scalars(select(ReviewItem))}
        cases = {c.id: c for c in session.scalars(select(ReviewCase))}
        steps = list(session.scalars(select(ReviewItemTransition).order_by(ReviewItemTransition.id)))
    assert [rows[i].payment_id for i in ids] == ["P1", "P2", "P3", "P4", "P5"]
    assert [(rows[i].state, rows[i].assignee) for i in ids] == [
        ("assigned", "zhou"),
        ("assigned", "wu"),
        ("assigned", "li"),  # general's count starts at 1: wu holds P2
        ("assigned", "wu"),
        ("assigned", "li"),
    ]
    assert [rows[i].updated_at for i in ids] == [NOW] * 5
    # Critical: one working day (Tuesday's end), medium: five (the next Monday's end), Shanghai time.
    assert [rows[i].due_at for i in (ids[0], ids[2])] == [
        datetime(2026, 11, 3, 23, 59, 59, 999999, tzinfo=SHANGHAI),
        datetime(2026, 11, 9, 23, 59, 59, 999999, tzinfo=SHANGHAI),
    ]
    subjects = {i: cases[rows[i].case_id].subject_key for i in ids if rows[i].case_id is not None}
    assert [subjects[i] for i in ids] == [
        "account:ACC-1",
        "account:ACC-1",
        "pattern:rule_count",
        "account:ACC-2",
        "pattern:rule_count",
    ]
    shared = cases[rows[ids[0]].case_id]  # type: ignore[index]
    assert (shared.item_count, shared.score, shared.combined_score) == (2, 0.9, 0.95)
    assert [(s.item_id, s.action, s.from_state, s.to_state, s.actor, s.due_at) for s in steps] == [
        (i, "assign", "new", "assigned", "system", rows[i].due_at) for i in ids
    ]
    assert "(rule critical, vt1)" in steps[0].reason and "default" in steps[2].reason
    for item_id, step in zip(ids, steps, strict=True):
        (entry,) = audit.list_entries(store=store, entity="review_item", entity_id=str(item_id))
        assert entry.action == "review_item.assign" and entry.actor == "system"
        assert entry.before is not None and entry.after is not None
        assert (entry.before["state"], entry.after["state"], entry.after["reason"]) == ("new", "assigned", step.reason)
        assert entry.before["due_at"] == entry.after["due_at"] is not None
    result = audit.verify(store=store)
    assert (result.ok, result.entries) == (True, 5)


def test_a_payment_already_in_the_queue_opens_nothing_and_records_nothing(store: Store) -> None:
    config = parse_assignment(SHARED_MEMBER)
    with transaction(store.factory) as session:
        save_items(
            session, [_item("P1", "critical", "ACC-1", 0.9)], now=NOW, calendar=store.calendar(), assignment=config
        )
    with transaction(store.factory) as session:
        again = [_item("P1", "critical", "ACC-1", 0.9), _item("P2", "low", "ACC-1", 0.1)]
        opened = save_items(session, again, now=NOW, calendar=store.calendar(), assignment=config)
    assert [i.payment_id for _, i in opened] == ["P2"]
    with store.factory() as session:
        (case,) = session.scalars(select(ReviewCase))
    assert (case.item_count, case.score, case.combined_score) == (2, 0.9, 0.91)  # P2 joined P1's open case
    assert audit.verify(store=store).entries == 2
