"""Takedown cases (E-Commerce Law arts. 42-45): the platform acts, the seller answers, 15 days restore."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from cbec.auth.domain import Forbidden, NotVisible, Principal
from cbec.core.clock import SHANGHAI
from cbec.ip import service as ip
from cbec.storage.store import Store

T0 = datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)
PLATFORM = Principal(username="pf", role="platform", tenant_id="PF-1")
SELLER = Principal(username="s", role="enterprise", tenant_id="91330100MA27XK0Q2B")


def _open(store: Store) -> ip.TakedownRead:
    return ip.open_takedown(
        store=store,
        listing_id="LS1",
        platform_id="PF-1",
        enterprise_id=SELLER.tenant_id or "",
        mark_id="TM1",
        rights_holder="Nike, Inc.",
        evidence="商标注册证及比对截图",
        actor="rights-holder",
        now=T0,
    )


def test_a_counter_notice_unanswered_for_15_days_restores_the_listing(store: Store) -> None:
    case = _open(store)
    assert case.state == "notified" and case.due_at == T0 + timedelta(hours=24)
    case = ip.advance_takedown(
        store=store,
        case_id=case.id,
        action="take_down",
        actor="pf",
        reason="已下架",
        principal=PLATFORM,
        now=T0 + timedelta(hours=3),
    )
    assert case.state == "removed"
    case = ip.advance_takedown(
        store=store,
        case_id=case.id,
        action="counter_notice",
        actor="s",
        reason="不侵权声明",
        principal=SELLER,
        now=T0 + timedelta(days=2),
    )
    # 15 calendar days, through the National Day holiday
    assert case.state == "counter_noticed" and case.due_at == T0 + timedelta(days=17)
    assert ip.check_takedown_deadlines(store=store, now=T0 + timedelta(days=16)) == []
    assert ip.check_takedown_deadlines(store=store, now=T0 + timedelta(days=17, minutes=1)) == [case.id]
    assert ip.list_takedowns(store=store, principal=PLATFORM)[0].state == "restored"
    steps = ip.takedown_steps(store=store, case_id=case.id, principal=SELLER)
    assert [(s.action, s.to_state, s.due_at) for s in steps] == [
        ("take_down", "removed", None),
        ("counter_notice", "counter_noticed", T0 + timedelta(days=17)),
        ("restore", "restored", None),
    ]


def test_a_complaint_in_time_keeps_the_listing_removed_and_roles_are_enforced(store: Store) -> None:
    case = _open(store)
    with pytest.raises(Forbidden):
        ip.advance_takedown(store=store, case_id=case.id, action="take_down", actor="s", reason="x", principal=SELLER)
    with pytest.raises(NotVisible):
        ip.advance_takedown(
            store=store,
            case_id=case.id,
            action="take_down",
            actor="o",
            reason="x",
            principal=Principal(username="o", role="platform", tenant_id="PF-OTHER"),
        )
    ip.advance_takedown(
        store=store,
        case_id=case.id,
        action="take_down",
        actor="pf",
        reason="下架",
        principal=PLATFORM,
        now=T0,
    )
    ip.advance_takedown(
        store=store,
        case_id=case.id,
        action="counter_notice",
        actor="s",
        reason="声明",
        principal=SELLER,
        now=T0 + timedelta(days=1),
    )
    upheld = ip.advance_takedown(
        store=store,
        case_id=case.id,
        action="complain_or_sue",
        actor="regulator",
        reason="权利人已起诉",
        now=T0 + timedelta(days=10),
    )
    assert upheld.state == "upheld" and upheld.due_at is None
    assert ip.list_takedowns(store=store, principal=SELLER)[0].id == case.id


def test_a_platform_that_does_not_act_in_time_is_flagged(store: Store) -> None:
    case = _open(store)
    assert ip.check_takedown_deadlines(store=store, now=T0 + timedelta(hours=25)) == [case.id]
    assert ip.list_takedowns(store=store)[0].state == "platform_late"
