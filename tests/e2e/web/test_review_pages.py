"""The review queue pages: linked from the alert queue, filtered and paged, tenants' items apart, forms that act."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from cbec.auth.domain import Principal
from cbec.monitoring import service as monitoring
from cbec.storage.store import Store

from .world import World


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_the_alert_queue_links_the_review_queue_which_lists_filters_and_pages(
    login: Callable[[str], TestClient], store: Store
) -> None:
    analyst = login("analyst")
    alerts = analyst.get("/alerts").text
    assert 'href="/review" data-testid="review-queue-link"' in alerts and "待审队列" in alerts
    queue = analyst.get("/review")
    assert queue.status_code == 200 and 'data-testid="review-table"' in queue.text
    total = monitoring.count_items(store=store)
    assert total > 0 and f"共 {total:,} 条" in queue.text
    first_page = re.findall(r'href="/review/(\d+)" data-testid="review-link"', queue.text)
    by_score = [i["id"] for i in monitoring.list_items(store=store, limit=25)]
    assert [int(i) for i in first_page] == by_score
    severity = str(monitoring.list_items(store=store, limit=1)[0]["severity"])
    narrowed = analyst.get("/review", params={"severity": severity}, headers={"hx-request": "true"}).text
    assert "<html" not in narrowed  # htmx gets the table alone
    assert set(re.findall(r'<tr class="sev-([a-z]+)"', narrowed)) == {severity}
    english = analyst.get("/review", cookies={"cbec_lang": "en"}, params={"sort": "due_at"}).text
    assert "Review queue" in english and "by due date" in english


def test_an_institution_sees_only_its_own_items_and_may_only_comment(
    login: Callable[[str], TestClient], store: Store, world: World
) -> None:
    mine = monitoring.list_items(store=store, principal=Principal("pi-a", "institution", world.mine), limit=None)
    others = [i for i in monitoring.list_items(store=store, limit=None) if i["institution_id"] != world.mine]
    page = login("pi-a").get("/review", params={"status": ""}).text
    ids = {int(i) for i in re.findall(r'href="/review/(\d+)" data-testid="review-link"', page)}
    assert mine and others and ids == {int(str(i["id"])) for i in mine[:25]}
    assert login("pi-a").get(f"/review/{others[0]['id']}").status_code == 404
    # An open item (the browser test, sharing this world, may have closed the first ones): a closed one has no forms.
    open_id = next(i["id"] for i in mine if i["status"] != "closed")
    own = login("pi-a").get(f"/review/{open_id}").text
    assert 'data-testid="comment-form"' in own and 'data-testid="assign-form"' not in own
    refused = login("pi-a").post(f"/review/{open_id}/step/assign", data={"assignee": "me", "csrf": _csrf(own)})
    assert refused.status_code == 403


def test_a_comment_is_escaped_and_a_form_without_the_token_is_refused(
    login: Callable[[str], TestClient], store: Store
) -> None:
    item = next(i for i in monitoring.list_items(store=store, limit=None) if i["status"] != "closed")
    analyst = login("analyst")
    detail = analyst.get(f"/review/{item['id']}").text
    without = analyst.post(f"/review/{item['id']}/step/comment", data={"text": "x", "csrf": "wrong"})
    assert without.status_code in (400, 403)
    posted = analyst.post(
        f"/review/{item['id']}/step/comment", data={"text": "<script>alert(1)</script> 资金回流", "csrf": _csrf(detail)}
    )
    assert posted.status_code == 303
    shown = analyst.get(f"/review/{item['id']}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 资金回流" in shown and "<script>alert(1)" not in shown
    assert "<td>评论</td>" in shown  # the step's name in the page's language
    assert "<td>comment</td>" in analyst.get(f"/review/{item['id']}", cookies={"cbec_lang": "en"}).text
    assert "script-src" in analyst.get(f"/review/{item['id']}").headers["content-security-policy"]


def test_the_systems_assignment_note_reads_in_the_pages_language(
    login: Callable[[str], TestClient], store: Store
) -> None:
    item = next(i for i in monitoring.list_items(store=store, limit=None) if i["assignee"])
    analyst_principal = Principal("analyst", "regulator-analyst")
    steps = monitoring.item_steps(store=store, item_id=int(str(item["id"])), principal=analyst_principal)
    note = next(s for s in steps if s["actor"] == "system" and s["action"] == "assign")
    assert note["reason"].startswith("自动分派 / auto-assigned: aml-")
    team = {"aml-senior": "反洗钱高级组", "aml-network": "资金网络分析组", "aml-general": "反洗钱综合组"}
    team_en = {"aml-senior": "AML senior team", "aml-network": "AML fund-flow team", "aml-general": "AML general team"}
    code, _, member = note["reason"].split(": ")[1].split(" ")[:3]
    analyst = login("analyst")
    chinese = analyst.get(f"/review/{item['id']}").text
    english = analyst.get(f"/review/{item['id']}", cookies={"cbec_lang": "en"}).text
    assert f"自动分派给 {team[code]} → {member}" in chinese and "auto-assigned" not in chinese
    assert f"Auto-assigned to {team_en[code]} → {member}" in english


def _open(store: Store, severities: tuple[str, ...], count: int) -> list[int]:
    """Return the ids of the lowest-scored open items of the severities (the browser test takes the highest)."""
    found = [
        int(str(i["id"]))
        for i in reversed(monitoring.list_items(store=store, limit=None))
        if i["severity"] in severities and i["status"] in ("new", "assigned")
    ]
    assert len(found) >= count
    return found[:count]


def test_the_queue_assigns_and_closes_ticked_items_all_or_none(
    login: Callable[[str], TestClient], store: Store, world: World
) -> None:
    analyst = login("analyst")
    queue = analyst.get("/review").text
    assert 'data-testid="bulk-form"' in queue and "批量操作" not in queue and "分派所选" in queue
    ticks = re.findall(r'<input type="checkbox" name="item" value="(\d+)" form="review-bulk"', queue)
    assert ticks == re.findall(r'href="/review/(\d+)" data-testid="review-link"', queue)
    first, second, third = _open(store, ("low", "medium", "high", "critical"), 3)
    token = _csrf(queue)

    assigned = analyst.post(
        "/review/bulk", data={"csrf": token, "action": "assign", "item": [first, second], "assignee": "团队-x"}
    )
    # post, redirect, get: the queue after the redirect says what was done, read from the store
    assert (assigned.status_code, assigned.headers["location"]) == (303, f"/review?bulk=assign&ids={first},{second}")
    assigned = analyst.get(assigned.headers["location"])
    assert assigned.status_code == 200
    assert f'已分派事项：2 → 团队-x · <a href="/review/{first}">#{first}</a>, <a href="/review/{second}">' in (
        assigned.text
    )
    for item_id in (first, second):
        item = monitoring.get_item(store=store, item_id=item_id)
        assert item is not None and (item["status"], item["assignee"]) == ("assigned", "团队-x")

    # the queue keeps the view the form was sent from: valid filters, sort and page only, never another path
    back = "status=assigned&severity=&sort=id&page=1&month=bad&assignee=%E5%9B%A2&next=//evil.example&page=2"
    closed = analyst.post(
        "/review/bulk",
        data={"csrf": token, "action": "close", "item": [second], "disposition": "no_action", "back": back},
        cookies={"cbec_lang": "en"},
    )
    assert (closed.status_code, closed.headers["location"]) == (
        303,
        f"/review?status=assigned&assignee=%E5%9B%A2&sort=id&page=2&bulk=close&ids={second}",
    )
    closed = analyst.get(closed.headers["location"], cookies={"cbec_lang": "en"})
    assert closed.status_code == 200
    assert f'Items closed: 1 · <a href="/review/{second}">#{second}</a></p>' in closed.text
    # all or none: the closed item refuses, so the open one before it is not closed either
    refused = analyst.post(
        "/review/bulk",
        data={
            "csrf": token,
            "action": "close",
            "item": [first, second],
            "disposition": "no_action",
            "back": "status=closed&sort=id",
        },
    )
    assert refused.status_code == 409
    # refused, the queue comes back as it was filtered: closed items only, the filter still chosen
    shown = re.findall(r'<tr class="sev-\w+" data-status="(\w+)">', refused.text)
    assert shown and set(shown) == {"closed"}
    assert '<option value="closed" selected>' in refused.text
    said = re.search(r'data-testid="bulk-refused">([^<]+)<', refused.text)
    assert said is not None and said.group(1).startswith(f"批量操作被拒，未执行任何一项：#{second}: ")
    assert "nothing in this call was done" in said.group(1)
    assert monitoring.get_item(store=store, item_id=first)["status"] == "assigned"  # type: ignore[index]
    unreasoned = analyst.post(
        "/review/bulk", data={"csrf": token, "action": "close", "item": [third], "disposition": "false_positive"}
    )
    assert unreasoned.status_code == 409 and "reason" in unreasoned.text
    none = analyst.post("/review/bulk", data={"csrf": token, "action": "assign", "assignee": "x"})
    assert none.status_code == 409 and "no items chosen" in none.text
    forged = analyst.post("/review/bulk", data={"csrf": "forged", "action": "assign", "item": [third], "assignee": "x"})
    assert forged.status_code == 403
    assert monitoring.get_item(store=store, item_id=third)["assignee"] != "x"  # type: ignore[index]
    # the notice is what the store says of items the user may see: a made-up link shows nothing or the truth
    assert 'data-testid="bulk-notice"' not in analyst.get("/review?bulk=assign&ids=2147483000,x").text
    owner = monitoring.get_item(store=store, item_id=first)["institution_id"]  # type: ignore[index]
    outsider = "pi-b" if owner == world.mine else "pi-a"
    assert 'data-testid="bulk-notice"' not in login(outsider).get(f"/review?bulk=assign&ids={first}").text


def test_a_bulk_false_positive_of_a_high_item_waits_for_its_checker(
    login: Callable[[str], TestClient], store: Store
) -> None:
    (high,) = _open(store, ("high", "critical"), 1)
    analyst = login("analyst")
    token = _csrf(analyst.get("/review").text)
    data = {"csrf": token, "action": "close", "item": [high], "disposition": "false_positive", "reason": "学费"}
    done = analyst.post("/review/bulk", data=data)
    assert done.status_code == 303
    assert f"待第二人复核：#{high}" in analyst.get(done.headers["location"]).text
    assert monitoring.get_item(store=store, item_id=high)["status"] == "pending_check"  # type: ignore[index]


def test_an_institution_has_no_bulk_form_and_may_not_assign_its_own_items(
    login: Callable[[str], TestClient], store: Store, world: World
) -> None:
    institution = login("pi-a")
    queue = institution.get("/review").text
    assert 'data-testid="bulk-form"' not in queue and 'name="item"' not in queue
    mine = monitoring.list_items(store=store, principal=Principal("pi-a", "institution", world.mine), limit=None)
    own = next(int(str(i["id"])) for i in mine if i["status"] in ("new", "assigned"))
    theirs = next(
        int(str(i["id"])) for i in monitoring.list_items(store=store, limit=None) if i["institution_id"] != world.mine
    )
    token = _csrf(institution.get(f"/review/{own}").text)
    refused = institution.post(
        "/review/bulk", data={"csrf": token, "action": "assign", "item": [own], "assignee": "me"}
    )
    assert refused.status_code == 403 and f"#{own}" in refused.text
    hidden = institution.post(
        "/review/bulk", data={"csrf": token, "action": "close", "item": [theirs], "disposition": "no_action"}
    )
    assert hidden.status_code == 404 and f"#{theirs}" in hidden.text
    assert monitoring.get_item(store=store, item_id=own)["assignee"] != "me"  # type: ignore[index]
