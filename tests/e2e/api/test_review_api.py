"""The review queue and the report register through the API: roles, tenants, the analyst's steps, maker-checker."""

from __future__ import annotations

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
