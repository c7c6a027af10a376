"""/api/v1/webhooks: each institution manages its own endpoints; a regulator sees all and re-queues dead letters.

Against a real receiver on 127.0.0.1: a notice issued through the API arrives signed after the receiver failed
once, and its attempt log reads the same through the API.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cbec.api.app import create_app
from cbec.auth import service as auth
from cbec.config import Settings
from cbec.delivery import service as delivery
from cbec.storage.store import Store, open_store

from ..integration.delivery.receiver import receiver

PASSWORD = "correct horse battery"
USERS = {
    "admin": ("regulator-admin", None),
    "analyst": ("regulator-analyst", None),
    "pi-a": ("institution", "PI-A"),
    "pi-b": ("institution", "PI-B"),
    "shop": ("platform", "PF-1"),
    "auditor": ("auditor", None),
}


@dataclass
class Api:
    """The running API over its own store, and a bearer header per user."""

    client: TestClient
    store: Store
    headers: dict[str, dict[str, str]]


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    settings = Settings(home=tmp_path / "home", webhook_allow_private_targets=True, webhook_retry_seconds=[10, 60])
    store = open_store(settings)
    for name, (role, tenant) in USERS.items():
        auth.create_user(store=store, username=name, password=PASSWORD, role=role, tenant_id=tenant)
    with TestClient(create_app(settings)) as client:
        headers = {}
        for name in USERS:
            reply = client.post("/api/v1/auth/token", json={"username": name, "password": PASSWORD})
            headers[name] = {"Authorization": f"Bearer {reply.json()['access_token']}"}
        yield Api(client, store, headers)
    store.close()


def test_an_institution_registers_lists_and_disables_only_its_own_endpoints(api: Api) -> None:
    client, as_ = api.client, api.headers
    made = client.post("/api/v1/webhooks", json={"url": "http://127.0.0.1:9/a"}, headers=as_["pi-a"])
    assert made.status_code == 201, made.text
    mine = made.json()
    assert mine["tenant_column"] == "institution_id" and mine["tenant_id"] == "PI-A"
    assert mine["secret"].startswith("whsec_")
    theirs = client.post("/api/v1/webhooks", json={"url": "http://127.0.0.1:9/b"}, headers=as_["pi-b"]).json()

    listed = client.get("/api/v1/webhooks", headers=as_["pi-a"]).json()
    assert [e["id"] for e in listed] == [mine["id"]] and "secret" not in listed[0]
    assert {e["tenant_id"] for e in client.get("/api/v1/webhooks", headers=as_["analyst"]).json()} == {"PI-A", "PI-B"}
    assert client.get("/api/v1/webhooks", headers=as_["shop"]).json() == []

    for_another = {"url": "http://127.0.0.1:9/x", "tenant_id": "PI-B"}
    assert client.post("/api/v1/webhooks", json=for_another, headers=as_["pi-a"]).status_code == 403
    assert client.post("/api/v1/webhooks", json=for_another, headers=as_["auditor"]).status_code == 403
    assert client.post(f"/api/v1/webhooks/{theirs['id']}/disable", headers=as_["pi-a"]).status_code == 404
    off = client.post(f"/api/v1/webhooks/{mine['id']}/disable", headers=as_["pi-a"])
    assert off.status_code == 200 and off.json()["active"] is False

    by_regulator = client.post("/api/v1/webhooks", json=for_another, headers=as_["admin"])
    assert by_regulator.status_code == 201 and by_regulator.json()["tenant_id"] == "PI-B"
    unnamed = client.post("/api/v1/webhooks", json={"url": "http://127.0.0.1:9/x"}, headers=as_["admin"])
    assert unnamed.status_code == 422 and "tenant_id" in unnamed.json()["detail"]
    refused = client.post("/api/v1/webhooks", json={"url": "gopher://example.com/x"}, headers=as_["pi-a"])
    assert refused.status_code == 422 and "http" in refused.json()["detail"]
    assert client.get("/api/v1/webhooks").status_code == 401


def test_a_notice_issued_through_the_api_arrives_signed_after_one_failure(api: Api) -> None:
    client, as_ = api.client, api.headers
    with receiver([500, 200]) as site:
        secret = client.post("/api/v1/webhooks", json={"url": site.url}, headers=as_["pi-a"]).json()["secret"]
        notice = {"kind": "warning", "institution_id": "PI-A", "title": "风险预警", "body": "评级 D，请说明"}
        issued = client.post("/api/v1/notices", json=notice, headers=as_["analyst"])
        assert issued.status_code == 201, issued.text
        now = datetime.now(UTC)
        delivery.deliver_due(store=api.store, now=now, spread=lambda: 0.0)
        delivery.deliver_due(store=api.store, now=now + timedelta(seconds=10), spread=lambda: 0.0)

    accepted = site.received[-1]
    delivery.verify_signature(
        secret, accepted.headers["X-CBEC-Timestamp"], accepted.body, accepted.headers["X-CBEC-Signature"], 60
    )
    assert json.loads(accepted.body)["data"]["notice_id"] == issued.json()["id"]
    [row] = client.get("/api/v1/webhooks/deliveries", headers=as_["pi-a"]).json()
    log = client.get(f"/api/v1/webhooks/deliveries/{row['id']}", headers=as_["pi-a"]).json()
    assert log["state"] == "delivered" and [a["status_code"] for a in log["log"]] == [500, 200]
    assert client.get(f"/api/v1/webhooks/deliveries/{row['id']}", headers=as_["pi-b"]).status_code == 404
    assert client.get("/api/v1/webhooks/deliveries", headers=as_["pi-b"]).json() == []


def test_dead_letters_are_listed_and_only_a_regulator_requeues_them(api: Api) -> None:
    client, as_ = api.client, api.headers
    with receiver([503]) as site:
        client.post("/api/v1/webhooks", json={"url": site.url}, headers=as_["pi-a"])
        notice = {"kind": "rectification", "institution_id": "PI-A", "title": "整改通知", "body": "请整改"}
        client.post("/api/v1/notices", json=notice, headers=as_["analyst"])
        now = datetime.now(UTC)
        for seconds in (0, 10, 70):
            delivery.deliver_due(store=api.store, now=now + timedelta(seconds=seconds), spread=lambda: 0.0)
    [dead] = client.get("/api/v1/webhooks/deliveries", params={"state": "dead"}, headers=as_["pi-a"]).json()
    assert dead["attempts"] == 3 and dead["last_error"] == "HTTP 503"
    assert client.post(f"/api/v1/webhooks/deliveries/{dead['id']}/requeue", headers=as_["pi-a"]).status_code == 403
    again = client.post(f"/api/v1/webhooks/deliveries/{dead['id']}/requeue", headers=as_["admin"])
    assert again.status_code == 200 and again.json()["state"] == "pending"
    assert client.get("/api/v1/webhooks/deliveries", params={"state": "bogus"}, headers=as_["admin"]).status_code == 422
    actions = {e["action"] for e in client.get("/api/v1/audit", params={"limit": 100}, headers=as_["auditor"]).json()}
    assert {"webhook.register", "webhook.dead", "webhook.requeue", "notice.issue"} <= actions
