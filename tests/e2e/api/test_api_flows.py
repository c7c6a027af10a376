"""An institution reports and scores payments, a regulator issues a notice and the institution answers it."""

from __future__ import annotations

from .world import World, as_user


def test_a_reported_payment_is_stored_and_a_repeat_is_a_duplicate(world: World) -> None:
    payment = {
        "payment_id": "API-1",
        "institution_id": world.mine,
        "channel": "wire",
        "direction": "outbound",
        "payer_id": "AC-API-1",
        "payee_id": "AC-API-2",
        "payer_country": "CN",
        "payee_country": "US",
        "amount": "1999.00",
        "currency": "USD",
        "initiated_at": "2026-10-31T20:00:00+08:00",
        "status": "succeeded",
    }
    first = world.client.post("/api/v1/payments", json=payment, headers=as_user(world, "pi-a")).json()
    assert (first["read"], first["accepted"], first["duplicate"]) == (1, 1, 0)
    again = world.client.post("/api/v1/payments", json=payment, headers=as_user(world, "pi-a")).json()
    assert (again["read"], again["accepted"], again["duplicate"]) == (1, 0, 1)
    broken = dict(payment, payment_id="API-2", payer_country="XX", amount="12,5")
    report = world.client.post("/api/v1/payments/batch", json=[broken], headers=as_user(world, "pi-a")).json()
    assert (report["read"], report["quarantined"]) == (1, 1) and report["errors_by_rule"]


def test_scoring_returns_the_alerts_a_payment_fires_with_their_explanation(world: World) -> None:
    big = {
        "payment_id": "SCORE-1",
        "institution_id": world.mine,
        "channel": "wire",
        "direction": "outbound",
        "payer_id": "AC-SCORE",
        "payee_id": "AC-IR",
        "payer_type": "individual",
        "payee_type": "individual",
        "payer_country": "CN",
        "payee_country": "IR",
        "amount": "250000.00",
        "currency": "CNY",
        "initiated_at": "2026-11-02T10:00:00+08:00",
        "status": "succeeded",
    }
    verdict = world.client.post("/api/v1/payments/score", json=big, headers=as_user(world, "pi-a")).json()
    assert verdict["scored"] is True
    rules = {a["rule_id"] for a in verdict["alerts"]}
    assert "CN-HR-CORRIDOR-OUT" in rules and "CN-LV-IND-OUT-CNY" in rules, rules
    assert all(a["explanation_zh"] and a["explanation_en"] for a in verdict["alerts"])
    older = dict(big, payment_id="SCORE-0", initiated_at="2026-11-01T10:00:00+08:00")
    late = world.client.post("/api/v1/payments/score", json=older, headers=as_user(world, "pi-a")).json()
    assert late["scored"] is False and late["alerts"] == [] and "older" in late["note"]


def test_a_notice_runs_from_the_regulator_to_the_institution_and_back(world: World) -> None:
    issued = world.client.post(
        "/api/v1/notices",
        headers=as_user(world, "analyst"),
        json={
            "kind": "rectification",
            "institution_id": world.mine,
            "title": "整改通知",
            "body": "三单对碰不一致",
        },
    ).json()
    assert issued["state"] == "issued" and issued["due_at"]
    path = f"/api/v1/notices/{issued['id']}/transitions"
    refused = world.client.post(path, json={"action": "verify", "reason": "自己核验"}, headers=as_user(world, "pi-a"))
    assert refused.status_code == 403
    planned = world.client.post(path, json={"action": "submit_plan", "reason": "计划"}, headers=as_user(world, "pi-a"))
    assert planned.status_code == 200 and planned.json()["state"] == "plan_submitted"
    wrong = world.client.post(path, json={"action": "verify", "reason": "x"}, headers=as_user(world, "analyst"))
    assert wrong.status_code == 409 and wrong.json()["title_zh"] == "状态冲突"
    shown = world.client.get(f"/api/v1/notices/{issued['id']}", headers=as_user(world, "pi-a")).json()
    assert [(h["action"], h["actor"]) for h in shown["history"]] == [
        ("issue", "analyst"),
        ("submit_plan", "pi-a"),
    ]


def test_a_revoked_or_wrong_login_gets_no_token_and_no_access(world: World) -> None:
    wrong = world.client.post("/api/v1/auth/token", json={"username": "pi-a", "password": "not the password"})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
    fresh = world.client.post("/api/v1/auth/token", json={"username": "pi-b", "password": "correct horse battery"})
    token = fresh.json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert world.client.get("/api/v1/auth/me", headers=headers).json()["role"] == "institution"
    assert world.client.post("/api/v1/auth/revoke", json={"token": token}, headers=headers).status_code == 204
    assert world.client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_alerts_page_and_sort(world: World) -> None:
    first = world.client.get(
        "/api/v1/alerts", params={"limit": 5, "sort": "-id"}, headers=as_user(world, "analyst")
    ).json()
    second = world.client.get(
        "/api/v1/alerts", params={"limit": 5, "offset": 5, "sort": "-id"}, headers=as_user(world, "analyst")
    ).json()
    ids = [a["id"] for a in first["items"] + second["items"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 10 and first["total"] == second["total"] > 10
    bad = world.client.get("/api/v1/alerts", params={"sort": "drop table"}, headers=as_user(world, "analyst"))
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
