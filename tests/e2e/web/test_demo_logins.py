"""cbec demo ends with a login per role: created once, kept on reruns, each landing where its role belongs."""

from __future__ import annotations

from fastapi.testclient import TestClient

from cbec.auth.domain import ROLES
from cbec.cli.demo_users import DEMO_PASSWORD, ensure_demo_users
from cbec.storage.store import Store

from .world import MONTH, World


def test_demo_users_cover_every_role_once_and_reruns_change_nothing(store: Store, world: World) -> None:
    first = ensure_demo_users(store=store, month=MONTH)
    again = ensure_demo_users(store=store, month=MONTH)
    assert first == again
    assert sorted(role for _, role, _ in first) == sorted(ROLES)
    tenants = {role: tenant for _, role, tenant in first}
    assert tenants["institution"] == world.mine  # the most alerted institution
    assert tenants["regulator-admin"] is None and tenants["enterprise"]


def test_each_demo_login_opens_its_home_page(store: Store, client: TestClient) -> None:
    homes = {"regulator-admin": "/", "regulator-analyst": "/", "auditor": "/", "partner": "/credit"}
    for username, role, _ in ensure_demo_users(store=store, month=MONTH):
        reply = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
        assert reply.status_code == 303, username
        assert reply.headers["location"] == homes.get(role, "/portal")
        assert client.get(reply.headers["location"]).status_code == 200, username
        client.cookies.clear()
