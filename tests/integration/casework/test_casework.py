"""The store side of the one lifecycle: an item opens, steps are refused or kept, deadlines pass, all audited.

Driven through the notices' tables and the warning lifecycle; every kind of case calls the same functions.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cbec.audit import service as audit
from cbec.auth.domain import SYSTEM, Forbidden, Principal
from cbec.casework import service as casework
from cbec.core.clock import SHANGHAI
from cbec.core.workflow import TransitionError
from cbec.storage.engine import transaction
from cbec.storage.store import Store
from cbec.supervision.config import shipped_config
from cbec.supervision.lifecycle import warning_lifecycle
from cbec.supervision.models import NOTICES, Notice

WARNING = warning_lifecycle(shipped_config().notices)
ISSUED = datetime(2026, 9, 29, 10, 0, tzinfo=SHANGHAI)  # Tue, the day before the National Day holiday


def _open(store: Store, institution: str, at: datetime) -> int:
    with transaction(store.factory) as session:
        notice = Notice(
            kind="warning",
            institution_id=institution,
            state=WARNING.initial,
            title="预警",
            body="评级 D",
            evidence={},
            issued_by="analyst",
            issued_at=at,
            due_at=WARNING.due(WARNING.initial, at, store.calendar()),
            updated_at=at,
        )
        casework.open_item(
            session,
            NOTICES,
            notice,
            actor="analyst",
            at=at,
            opening="issue",
            reason="评级 D",
            audit_action="notice.issue",
            after={"state": notice.state},
        )
        return notice.id


def _take(store: Store, notice_id: int, action: str, role: str, at: datetime) -> None:
    with transaction(store.factory) as session:
        casework.take_step(
            session,
            NOTICES,
            session.get_one(Notice, notice_id),
            lifecycle=WARNING,
            action=action,
            actor=role,
            reason="已收到",
            now=at,
            calendar=store.calendar(),
            role=role,
        )


def test_an_opened_item_keeps_its_first_step_and_its_audit_entry(store: Store) -> None:
    notice_id = _open(store, "PI-A", ISSUED)
    with store.factory() as session:
        (step,) = casework.history(session, NOTICES, notice_id)
        notice = session.get_one(Notice, notice_id)
    # 3 working days: Wed 30 Sep, then (1-7 Oct off) Thu 8 and Fri 9 Oct, end of day in Beijing.
    assert notice.due_at == datetime(2026, 10, 9, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    assert (step.action, step.from_state, step.to_state, step.actor, step.due_at) == (
        "issue",
        None,
        "issued",
        "analyst",
        notice.due_at,
    )
    (entry,) = audit.list_entries(store=store, entity="notice", entity_id=str(notice_id))
    assert (entry.action, entry.actor, entry.after) == ("notice.issue", "analyst", {"state": "issued"})


def test_a_role_refused_an_action_is_told_in_both_languages_and_nothing_moves(store: Store) -> None:
    notice_id = _open(store, "PI-A", ISSUED)
    with pytest.raises(Forbidden) as refused:
        _take(store, notice_id, "withdraw", "institution", ISSUED)
    assert str(refused.value) == "角色 institution 不能执行 withdraw / role institution may not withdraw"
    with pytest.raises(Forbidden, match="role auditor may not acknowledge"):
        _take(store, notice_id, "acknowledge", "auditor", ISSUED)
    with pytest.raises(TransitionError, match="state issued does not allow escalate"):
        _take(store, notice_id, "escalate", "regulator-admin", ISSUED)
    with store.factory() as session:
        assert session.get_one(Notice, notice_id).state == "issued"
        assert [s.action for s in casework.history(session, NOTICES, notice_id)] == ["issue"]


def test_a_step_moves_the_item_and_audits_the_state_and_deadline_before_and_after(store: Store) -> None:
    notice_id = _open(store, "PI-A", ISSUED)
    _take(store, notice_id, "acknowledge", "institution", datetime(2026, 9, 30, 9, 0, tzinfo=SHANGHAI))
    with store.factory() as session:
        notice = session.get_one(Notice, notice_id)
        steps = casework.history(session, NOTICES, notice_id)
    assert (notice.state, notice.due_at) == ("acknowledged", None)
    assert [(s.action, s.from_state, s.to_state) for s in steps] == [
        ("issue", None, "issued"),
        ("acknowledge", "issued", "acknowledged"),
    ]
    latest = audit.list_entries(store=store, entity="notice", entity_id=str(notice_id))[0]
    assert latest.action == "notice.acknowledge"
    assert latest.before == {"state": "issued", "due_at": "2026-10-09T15:59:59.999999+00:00"}
    assert latest.after == {"state": "acknowledged", "due_at": None, "reason": "已收到"}


def test_the_deadline_check_moves_only_items_past_their_deadline_each_step_at_its_deadline(store: Store) -> None:
    late = _open(store, "PI-A", ISSUED)
    answered = _open(store, "PI-B", ISSUED)
    fresh = _open(store, "PI-C", datetime(2026, 10, 12, 9, 0, tzinfo=SHANGHAI))
    _take(store, answered, "acknowledge", "institution", datetime(2026, 10, 9, 17, 0, tzinfo=SHANGHAI))
    now = datetime(2026, 10, 14, 9, 0, tzinfo=SHANGHAI)
    with transaction(store.factory) as session:
        taken = casework.check_deadlines(
            session, NOTICES, lifecycle_of=lambda _notice: WARNING, now=now, calendar=store.calendar()
        )
    assert [(i, s.action, s.at.astimezone(UTC)) for i, s in taken] == [
        (late, "overdue", datetime(2026, 10, 9, 15, 59, 59, 999999, tzinfo=UTC)),
        # 2 working days after Fri 9 Oct: Sat 10 Oct (an adjusted working day) and Mon 12 Oct.
        (late, "escalate", datetime(2026, 10, 12, 15, 59, 59, 999999, tzinfo=UTC)),
    ]
    with store.factory() as session:
        states = {i: session.get_one(Notice, i).state for i in (late, answered, fresh)}
    assert states == {late: "escalated", answered: "acknowledged", fresh: "issued"}


def test_a_tenant_lists_only_its_own_items_newest_first_and_a_state_narrows_the_list(store: Store) -> None:
    first, other, second = (_open(store, i, ISSUED) for i in ("PI-A", "PI-B", "PI-A"))
    _take(store, first, "acknowledge", "institution", ISSUED)
    institution = Principal(username="pi-a", role="institution", tenant_id="PI-A")
    enterprise = Principal(username="e", role="enterprise", tenant_id="91330100MA27XK0Q2B")

    def listed(principal: Principal, state: str | None = None) -> list[int]:
        return casework.list_visible(
            store, NOTICES, principal=principal, read=lambda n: n.id, state=state, owner="institution_id"
        )

    assert listed(SYSTEM) == [second, other, first]
    assert listed(institution) == [second, first]
    assert listed(institution, state="acknowledged") == [first]
    assert listed(enterprise) == []  # another kind of tenant: notices are keyed by institution
