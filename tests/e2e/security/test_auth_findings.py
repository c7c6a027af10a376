"""Findings 4 and 7 replayed: guessing passwords, flooding complaints, and the smaller holes around logins."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from cbec.api.app import create_app
from cbec.audit import service as audit
from cbec.auth import service as auth
from cbec.cli.main import app as cli
from cbec.config import Settings
from cbec.storage.store import Store, open_store

from .world import INSTITUTION, MONTH, PASSWORD, World


@pytest.fixture
def store(world: World) -> Iterator[Store]:
    opened = open_store(world.settings, migrate=False)
    yield opened
    opened.close()


def _login(client: TestClient, username: str, password: str) -> int:
    return client.post("/api/v1/auth/token", json={"username": username, "password": password}).status_code


def _failures(store: Store, username: str) -> list[str]:
    entries = audit.list_entries(store=store, entity="user", limit=500)
    return [e.action for e in entries if e.actor == username and e.action == "auth.login_failed"]


def test_finding_4_thirty_wrong_passwords_meet_429_and_the_right_one_too(client: TestClient, store: Store) -> None:
    """Before: 50 × 401 then 200. Now: five failures, then 429 with Retry-After, the right password included."""
    statuses = [_login(client, "victim", f"guess number {i}") for i in range(30)]
    assert statuses == [401] * 5 + [429] * 25
    refused = client.post("/api/v1/auth/token", json={"username": "victim", "password": PASSWORD})
    assert refused.status_code == 429 and 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["content-type"] == "application/problem+json"
    assert len(_failures(store, "victim")) == 5  # every wrong password audited, the throttled tries never checked
    page = client.post("/login", data={"username": "victim", "password": PASSWORD})
    assert page.status_code == 429 and "Retry-After" in page.headers  # the web login shares the counters


def test_finding_4_the_back_off_grows_and_a_lock_needs_the_admin(world: World, store: Store) -> None:
    settings = world.settings.model_copy(
        update={"login_account_limits": "3 per 5 seconds; 6 per minute", "login_lock_after": 9}
    )
    auth.create_user(store=store, username="guessed", password=PASSWORD, role="auditor")
    with TestClient(create_app(settings), client=("10.9.0.1", 5000)) as client:
        first = [_login(client, "guessed", "wrong one") for _ in range(4)]
        wait = client.post("/api/v1/auth/token", json={"username": "guessed", "password": "x"}).headers
        assert first == [401, 401, 401, 429] and int(wait["retry-after"]) <= 5
        time.sleep(5.5)  # the short window clears; the minute's still holds the first three
        second = [_login(client, "guessed", "wrong two") for _ in range(4)]
        longer = client.post("/api/v1/auth/token", json={"username": "guessed", "password": "x"}).headers
        assert second == [401, 401, 401, 429] and int(longer["retry-after"]) > 30  # the minute window now
    locking = world.settings.model_copy(update={"login_account_limits": "", "login_lock_after": 3})
    auth.create_user(store=store, username="locked-out", password=PASSWORD, role="auditor")
    with TestClient(create_app(locking), client=("10.9.0.2", 5000)) as client:
        assert [_login(client, "locked-out", "wrong") for _ in range(4)] == [401, 401, 401, 429]
        assert _login(client, "locked-out", PASSWORD) == 429  # locked for login_lock_minutes
        actions = [e.action for e in audit.list_entries(store=store, entity="user", limit=50)]
        assert "auth.locked" in actions
        admin = client.post("/api/v1/auth/token", json={"username": "admin", "password": PASSWORD}).json()
        headers = {"Authorization": f"Bearer {admin['access_token']}"}
        unlocked = client.post("/api/v1/auth/unlock", json={"username": "locked-out"}, headers=headers)
        assert unlocked.json() == {"username": "locked-out", "was_locked": True}
        assert _login(client, "locked-out", PASSWORD) == 200


def test_finding_4_a_hundred_anonymous_complaints_open_five_cases(world: World, store: Store) -> None:
    """Before: 100 complaints in 7 s, each a case with a deadline. Now: the address's limit, then 429."""
    body = {
        "text": "收到的商品与描述不符，要求退货退款",
        "language": "zh",
        "platform_id": "PF-FLOOD",
        "consumer_name": "王小明",
        "consumer_phone": "13987654321",
    }
    with TestClient(create_app(world.settings), client=("10.9.0.3", 5000)) as client:
        statuses = [client.post("/api/v1/complaints", json=body).status_code for _ in range(100)]
    assert statuses == [201] * 5 + [429] * 95
    with store.engine.connect() as connection:
        opened = connection.execute(text("SELECT count(*) FROM complaint_cases WHERE platform_id = 'PF-FLOOD'"))
        assert opened.scalar() == 5


@pytest.mark.parametrize("password", [" " * 10, "1234567890", "password1234", "zhejiang2026"])
def test_finding_7_weak_passwords_are_refused(world: World, password: str) -> None:
    ran = CliRunner().invoke(
        cli,
        ["users", "add", "weak", "--role", "auditor", "--password", password],
        env={"CBEC_HOME": str(world.settings.home)},
    )
    assert ran.exit_code == 2 and ("at least 12" in ran.output or "too easy to guess" in ran.output), ran.output


@pytest.mark.parametrize("hours", ["0", "-1", "25"])
def test_finding_7_token_lifetimes_are_positive_and_capped_by_role(
    world: World, client: TestClient, hours: str
) -> None:
    ran = CliRunner().invoke(
        cli, ["tokens", "issue", "admin", "--hours", hours], env={"CBEC_HOME": str(world.settings.home)}
    )
    assert ran.exit_code == 2 and "regulator-admin token lives 1 to 24 hours" in ran.output, ran.output
    body = {"username": "pi", "password": PASSWORD, "hours": 24 * 90}
    assert client.post("/api/v1/auth/token", json=body).status_code == 422  # was a 90-day token
    assert client.post("/api/v1/auth/token", json=body | {"hours": 24 * 30}).status_code == 200  # a tenant's cap


def test_finding_7_login_csrf_and_cookie_writes_without_a_token_are_refused(world: World) -> None:
    with TestClient(create_app(world.settings), follow_redirects=False, client=("10.9.0.4", 5000)) as client:
        form = {"username": "analyst", "password": PASSWORD}
        assert client.post("/login", data=form).status_code == 403  # no Origin
        assert client.post("/login", data=form, headers={"Origin": "null"}).status_code == 403
        assert client.post("/login", data=form, headers={"Origin": "http://testserver"}).status_code == 303
        notice = {"kind": "warning", "institution_id": INSTITUTION, "title": "预警", "body": "请说明"}
        refused = client.post("/api/v1/notices", json=notice)  # the session cookie alone
        assert refused.status_code == 403 and "X-CSRF-Token" in refused.json()["detail"]
        token = client.get("/notices").text.split('name="csrf" value="')[1].split('"')[0]
        assert client.post("/api/v1/notices", json=notice, headers={"X-CSRF-Token": token}).status_code == 201


def test_finding_7_post_payments_names_no_server_path(client: TestClient) -> None:
    token = client.post("/api/v1/auth/token", json={"username": "pi", "password": PASSWORD}).json()["access_token"]
    payment = {
        "payment_id": "PPATH000001",
        "institution_id": INSTITUTION,
        "amount": "10.00",
        "currency": "CNY",
        "initiated_at": f"{MONTH}-20T10:00:00+08:00",
    }
    reply = client.post("/api/v1/payments", json=payment, headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == 201 and reply.json()["source"] == "api"
    assert "/" not in reply.text.replace("application/", "")


def test_finding_7_reports_are_built_only_for_months_with_data(world: World, client: TestClient) -> None:
    assert client.post("/login", data={"username": "analyst", "password": PASSWORD}).status_code == 303
    assert client.get("/reports/9999-12/zh.pdf").status_code == 404
    assert client.get("/reports/2026-09/zh.pdf").status_code == 404
    assert not (world.settings.reports_dir / "9999-12").exists()


def test_finding_7_keys_beside_the_data_are_warned_about_and_a_busy_port_fails_first(world: World) -> None:
    warnings = Settings(home=world.settings.home).security_warnings()
    assert any("CBEC_DATA_KEYS" in w for w in warnings) and any("CBEC_AUDIT_CHECKPOINTS" in w for w in warnings)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        ran = CliRunner().invoke(cli, ["serve", "--port", str(port)], env={"CBEC_HOME": str(world.settings.home)})
    assert ran.exit_code == 1 and "cannot listen" in ran.output and "dashboard http" not in ran.output
