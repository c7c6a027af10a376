"""The review queue and the report register through the API: roles, tenants, the analyst's steps, maker-checker."""

from __future__ import annotations

import hashlib

from .world import MONTH, World, as_user

API = "/api/v1"


def _items(world: World, user: str) -> list[dict[str, object]]:
    reply = world.client.get(f"{API}/review-items", params={"limit": 500}, headers=as_user(world, user))
    assert reply.status_code == 200, reply.text
    return list(reply.json())


def test_an_institution_sees_only_its_own_items_and_reports(world: World) -> None:
    everyone = _items(world, "analyst")
    assert everyone and all(i["score"] >= everyone[-1]["score"] for i in everyone)
    mine = _items(world, "pi-a")
    assert {i["institution_id"] for i in mine} <= {world.mine}
    assert len(mine) == sum(1 for i in everyone if i["institution_id"] == world.mine)
    assert _items(world, "firm") == []
    severity = everyone[0]["severity"]
    narrowed = world.client.get(
        f"{API}/review-items", params={"severity": severity, "sort": "due_at"}, headers=as_user(world, "analyst")
    ).json()
    assert narrowed and {i["severity"] for i in narrowed} == {severity}
    assert [i["due_at"] for i in narrowed] == sorted(i["due_at"] for i in narrowed)
    theirs = next((i for i in everyone if i["institution_id"] != world.mine), None)
    if theirs is not None:
        reply = world.client.get(f"{API}/review-items/{theirs['id']}", headers=as_user(world, "pi-a"))
        assert reply.status_code == 404
    reports = world.client.get(f"{API}/large-value-reports", params={"month": MONTH}, headers=as_user(world, "pi-a"))
    assert reports.status_code == 200 and {r["institution_id"] for r in reports.json()} <= {world.mine}
    every = world.client.get(f"{API}/large-value-reports", params={"month": MONTH}, headers=as_user(world, "analyst"))
    assert len(every.json()) >= len(reports.json()) and all(r["due_on"] > r["trade_date"] for r in every.json())


def test_the_analysts_steps_through_the_api_with_maker_checker(world: World) -> None:
    items = _items(world, "analyst")
    item = next(i for i in items if i["status"] == "assigned" and i["severity"] in ("high", "critical"))
    path = f"{API}/review-items/{item['id']}"
    analyst, admin = as_user(world, "analyst"), as_user(world, "admin")
    refused = world.client.post(f"{path}/assign", json={"assignee": "me"}, headers=as_user(world, "auditor"))
    assert refused.status_code == 403
    assert world.client.post(f"{path}/assign", json={"assignee": "analyst"}, headers=analyst).json()["status"] == (
        "assigned"
    )
    assert world.client.post(f"{path}/start", headers=analyst).json()["status"] == "in_review"
    comment = world.client.post(f"{path}/comments", json={"text": "资金回流 / money came back"}, headers=analyst)
    assert comment.status_code == 200
    unreasoned = world.client.post(f"{path}/close", json={"disposition": "false_positive"}, headers=analyst)
    assert unreasoned.status_code == 422
    proposed = world.client.post(
        f"{path}/close", json={"disposition": "false_positive", "reason": "refund loop"}, headers=analyst
    )
    assert proposed.json()["status"] == "pending_check"
    own_check = world.client.post(f"{path}/check", json={"approve": True}, headers=analyst)
    assert own_check.status_code == 403 and "second person" in own_check.text
    done = world.client.post(f"{path}/check", json={"approve": True, "reason": "agreed"}, headers=admin).json()
    assert (done["status"], done["disposition"]) == ("closed", "false_positive")
    steps = world.client.get(f"{path}/steps", headers=analyst).json()
    assert [s["action"] for s in steps] == ["assign", "assign", "start", "comment", "propose_close", "confirm_close"]
    again = world.client.post(f"{path}/start", headers=analyst)
    assert again.status_code == 409


def test_cases_files_bulk_and_the_report_draft_through_the_api(world: World) -> None:
    analyst, mine = as_user(world, "analyst"), as_user(world, "pi-a")
    cases = world.client.get(f"{API}/review-cases", params={"limit": 500}, headers=analyst).json()
    assert cases and all(c["score"] >= cases[-1]["score"] for c in cases)
    case = world.client.get(f"{API}/review-cases/{cases[0]['id']}", headers=analyst).json()
    assert case["item_count"] == len(case["items"]) and max(i["score"] for i in case["items"]) == case["score"]
    own_cases = world.client.get(f"{API}/review-cases", params={"limit": 500}, headers=mine).json()
    assert {c["institution_id"] for c in own_cases} <= {world.mine}
    theirs = next(c for c in cases if c["institution_id"] != world.mine)
    assert world.client.get(f"{API}/review-cases/{theirs['id']}", headers=mine).status_code == 404

    open_items = [i for i in _items(world, "analyst") if i["status"] == "assigned"]
    first, second, third = (i["id"] for i in open_items[:3])
    path = f"{API}/review-items/{first}/attachments"
    pdf = b"%PDF-1.4\n%%EOF\n"
    added = world.client.post(path, files={"file": ("a/../证据.pdf", pdf, "application/pdf")}, headers=analyst)
    assert added.status_code == 201, added.text
    assert (added.json()["name"], added.json()["sha256"]) == ("证据.pdf", hashlib.sha256(pdf).hexdigest())
    refused = world.client.post(path, files={"file": ("x.exe", b"MZ", "application/x-msdownload")}, headers=analyst)
    assert refused.status_code == 422 and "not allowed" in refused.text
    got = world.client.get(f"{path}/{added.json()['id']}", headers=analyst)
    assert got.content == pdf and got.headers["x-content-sha256"] == hashlib.sha256(pdf).hexdigest()

    bulk = world.client.post(
        f"{API}/review-items/bulk-assign", json={"item_ids": [second, third], "assignee": "team-x"}, headers=analyst
    )
    assert [i["assignee"] for i in bulk.json()] == ["team-x", "team-x"]
    by_institution = world.client.post(
        f"{API}/review-items/bulk-close", json={"item_ids": [second], "disposition": "no_action"}, headers=mine
    )
    assert by_institution.status_code in (403, 404)
    closed = world.client.post(
        f"{API}/review-items/bulk-close", json={"item_ids": [second], "disposition": "no_action"}, headers=analyst
    )
    assert closed.json()[0]["status"] == "closed"
    whole = world.client.post(
        f"{API}/review-items/bulk-close",
        json={"item_ids": [third, second], "disposition": "no_action"},
        headers=analyst,
    )
    assert whole.status_code == 422 and f"#{second}" in whole.text
    assert world.client.get(f"{API}/review-items/{third}", headers=analyst).json()["status"] == "assigned"

    item = f"{API}/review-items/{first}"
    assert world.client.get(f"{item}/report-draft", headers=analyst).status_code == 404
    world.client.post(f"{item}/start", headers=analyst)
    world.client.post(f"{item}/close", json={"disposition": "true_positive", "reason": "confirmed"}, headers=analyst)
    draft = world.client.get(f"{item}/report-draft", headers=analyst)
    assert draft.status_code == 200 and draft.json()["analyst"] == "analyst"
    assert all(isinstance(t["amount"], str) and t["currency"] for t in draft.json()["totals"])
    text = world.client.get(f"{item}/report-draft", params={"format": "text"}, headers=analyst)
    assert text.headers["content-type"].startswith("text/plain") and "可疑交易报告" in text.text
