"""A small monitored month behind the API, with one user per role (two institutions, to cross tenants)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cbec.api.app import create_app
from cbec.auth import service as auth
from cbec.config import Settings
from cbec.feeds.service import ingest
from cbec.monitoring import service as monitoring
from cbec.storage.store import open_store
from cbec.supervision import service as supervision
from cbec.synth import generate

from .world import AGENDA_FEEDS, MONTH, PASSWORD, World


@pytest.fixture(scope="package")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    home = tmp_path_factory.mktemp("api")
    synth = generate(out_dir=home / "synth", month=MONTH, payments=3_000, seed=5)
    settings = Settings(home=home / "home")
    store = open_store(settings)
    for feed in ("payments", "orders", "waybills", "declarations", "security_incidents", *AGENDA_FEEDS):
        ingest(store=store, feed=feed, paths=[synth.files[feed]])
    monitoring.run_month(store=store, month=MONTH)
    supervision.rate_month(store=store, month=MONTH)
    by_institution: dict[str, int] = {}
    for alert in monitoring.list_alerts(store=store, limit=None):
        if alert.institution_id:
            by_institution[alert.institution_id] = by_institution.get(alert.institution_id, 0) + 1
    mine, theirs = sorted(by_institution, key=lambda i: -by_institution[i])[:2]
    for institution in (mine, theirs):
        data = supervision.NoticeCreate(
            kind="rectification", institution_id=institution, title="整改通知", body="请整改"
        )
        supervision.issue_notice(store=store, data=data, actor="regulator")
    # One scan each, so the security routes have findings of two tenants (tests/files/security).
    scans = Path(__file__).resolve().parents[2] / "files" / "security"
    supervision.import_scan(store=store, path=scans / "nuclei-external.sarif", institution_id=mine, actor="t")
    supervision.import_scan(store=store, path=scans / "trivy-gateway.json", institution_id=theirs, actor="t")
    users = {
        "admin": ("regulator-admin", None),
        "analyst": ("regulator-analyst", None),
        "pi-a": ("institution", mine),
        "pi-b": ("institution", theirs),
        "shop": ("platform", "PF-1"),
        "firm": ("enterprise", "91330100MA27XK0Q2B"),
        "auditor": ("auditor", None),
    }
    for name, (role, tenant) in users.items():
        auth.create_user(store=store, username=name, password=PASSWORD, role=role, tenant_id=tenant)
    store.close()
    with TestClient(create_app(settings)) as client:
        tokens = {}
        for name in users:
            reply = client.post("/api/v1/auth/token", json={"username": name, "password": PASSWORD})
            assert reply.status_code == 200, reply.text
            tokens[name] = reply.json()["access_token"]
        yield World(client=client, tokens=tokens, mine=mine, theirs=theirs)
