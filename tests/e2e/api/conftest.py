"""A small monitored month behind the API, with one user per role (two institutions, to cross tenants)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cbec.monitoring import service as monitoring
from cbec.supervision import service as supervision

from .world import AGENDA_FEEDS, MONTH, World, monitored_month, serving


@pytest.fixture(scope="package")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    home = monitored_month(
        tmp_path_factory.mktemp("api"),
        ("payments", "orders", "waybills", "declarations", "security_incidents", *AGENDA_FEEDS),
    )
    store = home.store
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
    with serving(home.settings, store, users) as (client, tokens):
        yield World(client=client, tokens=tokens, mine=mine, theirs=theirs)
