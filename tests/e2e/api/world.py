"""What the API tests share: the running app, a token per user, and which institutions own what."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient

from cbec.api.app import create_app
from cbec.auth import service as auth
from cbec.config import Settings
from cbec.feeds.service import ingest
from cbec.monitoring import service as monitoring
from cbec.monitoring.schemas import RunSummary
from cbec.storage.store import Store, open_store
from cbec.synth import SynthResult, generate

MONTH = "2026-10"
PASSWORD = "correct horse battery"
# Talent, education and brands (issue 22 parts 5-7): the province-wide figures behind /talent, /education, /brands.
AGENDA_FEEDS = ("job_postings", "employment_records", "training_programmes", "education_events", "brand_recognitions")
Users = Mapping[str, tuple[str, str | None]]  # name: (role, tenant id)


@dataclass
class World:
    """The running API, a token per user, and which institutions own what."""

    client: TestClient
    tokens: dict[str, str]
    mine: str  # the institution of user "pi-a"
    theirs: str  # another institution with alerts and a notice


def as_user(world: World, user: str) -> dict[str, str]:
    """Return the Authorization header of a user."""
    return {"Authorization": f"Bearer {world.tokens[user]}"}


@dataclass
class Monitored:
    """A home with a synthetic month loaded and monitored, its store still open."""

    settings: Settings
    store: Store
    synth: SynthResult
    run: RunSummary


def monitored_month(
    root: Path, feeds: Iterable[str], *, month: str = MONTH, seed: int = 5, payments: int = 3_000
) -> Monitored:
    """Synthesise a month under `root`, load the feeds into a new home and run the month's monitoring."""
    synth = generate(out_dir=root / "synth", month=month, payments=payments, seed=seed)
    settings = Settings(home=root / "home")
    store = open_store(settings)
    for feed in feeds:
        ingest(store=store, feed=feed, paths=[synth.files[feed]])
    return Monitored(settings, store, synth, monitoring.run_month(store=store, month=month))


@contextmanager
def serving(settings: Settings, store: Store, users: Users) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """Add the users, close the store and serve the API; yield the client and a token per user."""
    for name, (role, tenant) in users.items():
        auth.create_user(store=store, username=name, password=PASSWORD, role=role, tenant_id=tenant)
    store.close()
    with TestClient(create_app(settings)) as client:
        tokens = {}
        for name in users:
            reply = client.post("/api/v1/auth/token", json={"username": name, "password": PASSWORD})
            assert reply.status_code == 200, reply.text
            tokens[name] = reply.json()["access_token"]
        yield client, tokens
