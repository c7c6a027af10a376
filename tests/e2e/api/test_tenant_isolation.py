"""Every route needs a role, and an institution reads and changes only its own rows, whatever it asks for."""

from __future__ import annotations

from cbec.api.app import API_PREFIX

from .world import MONTH, World, as_user

# Public by design: logging in, and a consumer filing and following a complaint by its tracking code.
OPEN_ROUTES = {
    ("POST", f"{API_PREFIX}/auth/token"),
    ("POST", f"{API_PREFIX}/complaints"),
    ("GET", f"{API_PREFIX}/complaints/track/{{code}}"),
    ("POST", f"{API_PREFIX}/complaints/track/{{code}}/steps"),
}


def _concrete(path: str) -> str:
    return (
        path.replace("{alert_id}", "1")
        .replace("{notice_id}", "1")
        .replace("{case_id}", "1")
        .replace("{finding_id}", "SF-1")
        .replace("{item_id}", "1")
    )


def test_every_route_but_login_refuses_a_request_without_a_token(world: World) -> None:
    document = world.client.get(f"{API_PREFIX}/openapi.json").json()
    routes = [(method.upper(), path) for path, item in document["paths"].items() for method in item]
    assert len(routes) >= 14
    for method, path in routes:
        if (method, path) in OPEN_ROUTES:
            continue
        reply = world.client.request(method, _concrete(path), params={"month": MONTH}, json={})
        assert reply.status_code == 401, (method, path, reply.status_code)
        assert reply.headers["content-type"] == "application/problem+json"
        assert reply.json()["title_zh"] == "未认证"


def test_an_institution_lists_only_its_own_alerts_even_when_it_asks_for_another(world: World) -> None:
    mine = world.client.get("/api/v1/alerts", params={"limit": 500}, headers=as_user(world, "pi-a")).json()
    assert mine["total"] > 0 and {a["institution_id"] for a in mine["items"]} == {world.mine}
    asked = world.client.get("/api/v1/alerts", params={"institution_id": world.theirs}, headers=as_user(world, "pi-a"))
    assert {a["institution_id"] for a in asked.json()["items"]} <= {world.mine}
    everyone = world.client.get("/api/v1/alerts", params={"limit": 500}, headers=as_user(world, "analyst")).json()
    assert {world.mine, world.theirs} <= {a["institution_id"] for a in everyone["items"]}
    assert everyone["total"] > mine["total"]


def test_another_institutions_alert_and_notice_read_as_missing(world: World) -> None:
    theirs = world.client.get(
        "/api/v1/alerts",
        params={"institution_id": world.theirs, "limit": 1},
        headers=as_user(world, "analyst"),
    ).json()["items"][0]
    assert world.client.get(f"/api/v1/alerts/{theirs['id']}", headers=as_user(world, "pi-a")).status_code == 404
    assert world.client.get(f"/api/v1/alerts/{theirs['id']}", headers=as_user(world, "pi-b")).status_code == 200
    notices = world.client.get("/api/v1/notices", headers=as_user(world, "analyst")).json()["items"]
    their_notice = next(n for n in notices if n["institution_id"] == world.theirs)
    for user in ("pi-a", "shop", "firm"):
        assert (
            world.client.get(f"/api/v1/notices/{their_notice['id']}", headers=as_user(world, user)).status_code == 404
        )
        moved = world.client.post(
            f"/api/v1/notices/{their_notice['id']}/transitions",
            json={"action": "acknowledge", "reason": "x"},
            headers=as_user(world, user),
        )
        assert moved.status_code == 404
    listed = world.client.get("/api/v1/notices", headers=as_user(world, "pi-a")).json()
    assert listed["total"] >= 1 and {n["institution_id"] for n in listed["items"]} == {world.mine}


def test_ratings_incidents_and_settlement_show_only_the_callers_institution(world: World) -> None:
    for path in ("/api/v1/ratings", "/api/v1/incidents", "/api/v1/settlement"):
        rows = world.client.get(
            path, params={"month": MONTH, "institution_id": world.theirs}, headers=as_user(world, "pi-a")
        ).json()
        assert {r["institution_id"] for r in rows} <= {world.mine}, path
        everyone = world.client.get(path, params={"month": MONTH}, headers=as_user(world, "analyst")).json()
        assert len({r["institution_id"] for r in everyone}) > 1, path
    ratings = world.client.get("/api/v1/ratings", params={"month": MONTH}, headers=as_user(world, "pi-a")).json()
    assert [r["institution_id"] for r in ratings] == [world.mine]
    for user in ("shop", "firm"):
        assert world.client.get("/api/v1/ratings", params={"month": MONTH}, headers=as_user(world, user)).json() == []


def test_an_institution_cannot_report_or_score_for_another(world: World) -> None:
    payment = {
        "payment_id": "API-X1",
        "institution_id": world.theirs,
        "amount": "10.00",
        "currency": "CNY",
        "initiated_at": "2026-10-31T23:00:00+08:00",
    }
    for path in ("/api/v1/payments", "/api/v1/payments/score"):
        reply = world.client.post(path, json=payment, headers=as_user(world, "pi-a"))
        assert reply.status_code == 403 and reply.json()["title_zh"] == "无权访问", path
    for user in ("analyst", "shop", "firm", "auditor"):
        assert world.client.post("/api/v1/payments", json=payment, headers=as_user(world, user)).status_code == 403


def test_only_regulators_issue_notices_and_only_auditors_and_admins_read_the_audit_log(world: World) -> None:
    notice = {"kind": "warning", "institution_id": world.mine, "title": "预警", "body": "x"}
    assert world.client.post("/api/v1/notices", json=notice, headers=as_user(world, "pi-a")).status_code == 403
    assert world.client.post("/api/v1/notices", json=notice, headers=as_user(world, "analyst")).status_code == 201
    for user, code in (("pi-a", 403), ("analyst", 403), ("auditor", 200), ("admin", 200)):
        assert world.client.get("/api/v1/audit/verify", headers=as_user(world, user)).status_code == code, user
    verified = world.client.get("/api/v1/audit/verify", headers=as_user(world, "auditor")).json()
    assert verified["ok"] and verified["entries"] > 10


def test_a_problem_is_titled_in_the_language_the_client_accepts(world: World) -> None:
    path = f"{API_PREFIX}/alerts"
    plain = world.client.get(path)
    chinese = world.client.get(path, headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    english = world.client.get(path, headers={"Accept-Language": "en-GB,zh;q=0.5"})
    assert (plain.json()["title"], plain.headers["content-language"]) == ("Not authenticated", "en")
    assert (chinese.json()["title"], chinese.headers["content-language"]) == ("未认证", "zh")
    assert english.json()["title"] == "Not authenticated"
    assert {r.json()["title_zh"] for r in (plain, chinese, english)} == {"未认证"}
