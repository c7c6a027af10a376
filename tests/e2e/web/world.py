"""A small monitored month behind the dashboard, with one user per role (two institutions, to cross tenants)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cbec.auth import service as auth
from cbec.config import Settings
from cbec.feeds.service import ingest
from cbec.monitoring import service as monitoring
from cbec.storage.store import open_store
from cbec.supervision import service as supervision
from cbec.synth import generate

MONTH = "2026-10"
PASSWORD = "correct horse battery"
FEEDS = (
    "enterprises",
    "institutions",
    "payments",
    "orders",
    "waybills",
    "declarations",
    "security_incidents",
    "job_postings",
    "employment_records",
    "training_programmes",
    "education_events",
    "brand_recognitions",
)


@dataclass
class World:
    """The settings of a prepared home and which institutions own what."""

    settings: Settings
    mine: str  # the institution of user "pi-a": the most alerted one
    theirs: str  # another institution with alerts and a notice
    my_alert: int
    their_alert: int
    their_notice: int


def build(home: Path) -> World:
    """Synthesise, load, monitor and rate a month; add a user per role and a notice to the second institution."""
    synth = generate(out_dir=home / "synth", month=MONTH, payments=3_000, seed=5)
    settings = Settings(home=home / "home")
    store = open_store(settings)
    try:
        for feed in FEEDS:
            ingest(store=store, feed=feed, paths=[synth.files[feed]])
        monitoring.run_month(store=store, month=MONTH)
        supervision.rate_month(store=store, month=MONTH)
        by_institution: dict[str, list[int]] = {}
        for alert in monitoring.list_alerts(store=store, limit=None):
            if alert.institution_id and alert.payment_count:
                by_institution.setdefault(alert.institution_id, []).append(alert.id)
        mine, theirs = sorted(by_institution, key=lambda i: -len(by_institution[i]))[:2]
        data = supervision.NoticeCreate(kind="rectification", institution_id=theirs, title="整改通知", body="请整改")
        notice = supervision.issue_notice(store=store, data=data, actor="regulator")
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
    finally:
        store.close()
    return World(
        settings=settings,
        mine=mine,
        theirs=theirs,
        my_alert=min(by_institution[mine]),
        their_alert=min(by_institution[theirs]),
        their_notice=notice.id,
    )
