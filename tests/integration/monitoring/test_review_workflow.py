"""The analyst's day on a review item: assign, start, comment, close with a disposition; maker-checker; audited."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from tests.integration.monitoring.triage_month import MONTH, load_rows, triage_with_model

from cbec.audit import service as audit
from cbec.auth.domain import Forbidden, NotVisible, Principal
from cbec.core.clock import SHANGHAI
from cbec.core.workflow import TransitionError
from cbec.monitoring import service
from cbec.storage.store import Store

ANALYST = Principal("wang", "regulator-analyst")
CHECKER = Principal("li", "regulator-admin")
PI_A = Principal("pi-a", "institution", "PI-A")
PI_B = Principal("pi-b", "institution", "PI-B")
NOW = datetime(2026, 11, 2, 10, tzinfo=SHANGHAI)


@pytest.fixture
def items(store: Store, tmp_path: Path) -> Iterator[tuple[Store, dict[str, dict[str, object]]]]:
    """Review items for P1 (PI-A) and Q1, Q2 (PI-B), opened by triage with a model's scores."""
    load_rows(store, tmp_path)
    service.run_month(store=store, month=MONTH, matching=False, graph=False, triage=False)
    triage_with_model(store, tmp_path, {"P1": 0.99, "Q1": 0.99, "Q2": 0.999})
    yield store, {i["payment_id"]: i for i in service.list_items(store=store, limit=None)}


def test_an_item_opens_assigned_by_the_rules_round_robin_with_a_deadline_by_severity(
    items: tuple[Store, dict[str, dict[str, object]]],
) -> None:
    store, by_payment = items
    assert set(by_payment) == {"P1", "Q1", "Q2"}
    assert all(i["status"] == "assigned" and i["due_at"] is not None for i in by_payment.values())
    assert {i["severity"] for i in by_payment.values()} == {"critical"}
    # Critical items go to the senior team (assignment.yaml), its two members in turn, in the order items opened.
    in_order = sorted(by_payment.values(), key=lambda i: int(str(i["id"])))
    assert [i["assignee"] for i in in_order] == ["zhou", "wu", "zhou"]
    first = service.item_steps(store=store, item_id=int(str(in_order[0]["id"])), principal=ANALYST)
    assert [(s["action"], s["from_state"], s["to_state"], s["actor"]) for s in first] == [
        ("assign", "new", "assigned", "system")
    ]
    assert "rule critical-to-senior" in first[0]["reason"]
    audited = audit.list_entries(store=store, entity="review_item", entity_id=str(in_order[0]["id"]))
    assert [e.action for e in audited] == ["review_item.assign"]


def test_assign_start_comment_close_as_true_positive_each_step_kept_and_audited(
    items: tuple[Store, dict[str, dict[str, object]]],
) -> None:
    store, by_payment = items
    item_id = int(str(by_payment["Q1"]["id"]))
    assert (
        service.assign_item(store=store, item_id=item_id, assignee="team-east", principal=ANALYST, now=NOW)["status"]
        == "assigned"
    )
    service.start_item(store=store, item_id=item_id, principal=ANALYST, now=NOW)
    service.comment_item(store=store, item_id=item_id, text="资金快进快出 / in and out within hours", principal=ANALYST)
    closed = service.close_item(
        store=store, item_id=item_id, disposition="true_positive", reason="chain confirmed", principal=ANALYST, now=NOW
    )
    assert (closed["status"], closed["disposition"], closed["assignee"], closed["due_at"]) == (
        "closed",
        "true_positive",
        "team-east",
        None,
    )
    steps = service.item_steps(store=store, item_id=item_id, principal=ANALYST)
    assert [(s["action"], s["to_state"]) for s in steps] == [
        ("assign", "assigned"),
        ("assign", "assigned"),
        ("start", "in_review"),
        ("comment", "in_review"),
        ("close", "closed"),
    ]
    assert steps[3]["reason"] == "资金快进快出 / in and out within hours" and steps[1]["actor"] == "wang"
    audited = [e.action for e in audit.list_entries(store=store, entity="review_item", entity_id=str(item_id))]
    assert audited == [
        "review_item.close",
        "review_item.comment",
        "review_item.start",
        "review_item.assign",
        "review_item.assign",
    ]
    assert [r["payment_id"] for r in service.export_queue(store=store) if r["payment_id"] == "Q1"] == ["Q1"]
    with pytest.raises(TransitionError):
        service.comment_item(store=store, item_id=item_id, text="too late", principal=ANALYST)


def test_a_high_false_positive_needs_a_second_person(items: tuple[Store, dict[str, dict[str, object]]]) -> None:
    store, by_payment = items
    item = by_payment["Q2"]
    assert item["severity"] in ("high", "critical")
    item_id = int(str(item["id"]))
    service.assign_item(store=store, item_id=item_id, assignee="wang", principal=ANALYST)
    service.start_item(store=store, item_id=item_id, principal=ANALYST)
    with pytest.raises(ValueError, match="needs its reason"):
        service.close_item(store=store, item_id=item_id, disposition="false_positive", reason=" ", principal=ANALYST)
    proposed = service.close_item(
        store=store, item_id=item_id, disposition="false_positive", reason="salary batch", principal=ANALYST
    )
    assert (proposed["status"], proposed["proposed_by"]) == ("pending_check", "wang")
    with pytest.raises(Forbidden, match="second person"):
        service.check_close(store=store, item_id=item_id, approve=True, reason="ok", principal=ANALYST)
    back = service.check_close(store=store, item_id=item_id, approve=False, reason="look again", principal=CHECKER)
    assert (back["status"], back["disposition"]) == ("in_review", None)
    service.close_item(store=store, item_id=item_id, disposition="false_positive", reason="payroll", principal=ANALYST)
    done = service.check_close(store=store, item_id=item_id, approve=True, reason="agreed", principal=CHECKER)
    assert (done["status"], done["disposition"], done["disposition_reason"]) == ("closed", "false_positive", "payroll")
    assert all(r["payment_id"] != "Q2" for r in service.export_queue(store=store))  # a false positive leaves it


def test_an_institution_answers_only_its_own_items_and_only_by_comment(
    items: tuple[Store, dict[str, dict[str, object]]],
) -> None:
    store, by_payment = items
    own, other = int(str(by_payment["P1"]["id"])), int(str(by_payment["Q1"]["id"]))
    service.comment_item(store=store, item_id=own, text="客户为留学缴费 / tuition abroad", principal=PI_A)
    with pytest.raises(Forbidden):
        service.assign_item(store=store, item_id=own, assignee="me", principal=PI_A)
    with pytest.raises(NotVisible):
        service.comment_item(store=store, item_id=other, text="hello", principal=PI_A)
    assert service.get_item(store=store, item_id=other, principal=PI_A) is None
    assert service.get_item(store=store, item_id=other, principal=PI_B) is not None
    with pytest.raises(NotVisible):
        service.item_steps(store=store, item_id=own, principal=PI_B)


def test_the_queue_counts_its_items_and_a_capped_count_stops_one_past_the_cap(
    items: tuple[Store, dict[str, dict[str, object]]],
) -> None:
    store, _ = items
    assert service.count_items(store=store) == 3
    assert service.count_items(store=store, cap=1) == 2  # "1+" on a page: more than it shows, not how many
    assert service.count_items(store=store, cap=5) == 3
    assert service.count_items(store=store, principal=PI_B, cap=1) == 2
    assert service.count_items(store=store, principal=PI_A, cap=1) == 1


def test_the_queue_lists_by_due_date_with_undated_items_last(items: tuple[Store, dict[str, dict[str, object]]]) -> None:
    store, by_payment = items
    first = int(str(by_payment["P1"]["id"]))
    service.start_item(store=store, item_id=first, principal=ANALYST, now=NOW)
    service.close_item(
        store=store, item_id=first, disposition="no_action", reason="ordinary", principal=ANALYST, now=NOW
    )
    listed = service.list_items(store=store, sort="due_at", limit=None)
    assert [i["payment_id"] for i in listed][-1] == "P1"  # closed: no deadline, listed after every dated item
    assert [i["due_at"] is None for i in listed] == [False, False, True]
