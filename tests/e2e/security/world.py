"""A small monitored month behind a live server: the home the security findings are replayed against."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from cbec.api.app import create_app
from cbec.auth import service as auth
from cbec.complaints.classifier import load_model
from cbec.config import Settings
from cbec.feeds.service import ingest
from cbec.monitoring import service as monitoring
from cbec.storage.store import open_store
from cbec.supervision import service as supervision
from cbec.synth import generate

MONTH = "2026-10"
PASSWORD = "correct horse battery"
INSTITUTION = "PI-ALIPAY"
FEEDS = ("enterprises", "institutions", "payments", "orders", "waybills", "declarations", "security_incidents")
USERS = {
    "admin": ("regulator-admin", None),
    "analyst": ("regulator-analyst", None),
    "pi": ("institution", INSTITUTION),
    "auditor": ("auditor", None),
    "victim": ("regulator-analyst", None),  # the account the login-throttle tests guess at
}


@dataclass
class World:
    """The settings of the prepared home and the synthetic files it was loaded from."""

    settings: Settings
    synth: Path


def build(root: Path) -> World:
    """Synthesise and load a month, run the rules, rate it, and add one user per role."""
    synth = generate(out_dir=root / "synth", month=MONTH, payments=1_000, seed=20)
    settings = Settings(home=root / "home")
    store = open_store(settings)
    try:
        for feed in FEEDS:
            ingest(store=store, feed=feed, paths=[synth.files[feed]])
        monitoring.run_month(store=store, month=MONTH)
        supervision.rate_month(store=store, month=MONTH)
        for name, (role, tenant) in USERS.items():
            auth.create_user(store=store, username=name, password=PASSWORD, role=role, tenant_id=tenant)
    finally:
        store.close()
    # The complaint classifier, trained now rather than inside the flood test's first filing: on a loaded machine
    # the training outlasted the filing limit's minute, and the sixth filing found the first one expired.
    load_model(settings=settings)
    return World(settings=settings, synth=root / "synth")


def free_port() -> int:
    """Return a port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """Run the application under uvicorn in a thread; yield its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
