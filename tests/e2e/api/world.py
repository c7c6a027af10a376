"""What the API tests share: the running app, a token per user, and which institutions own what."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.testclient import TestClient

MONTH = "2026-10"
PASSWORD = "correct horse battery"
# Talent, education and brands (issue 22 parts 5-7): the province-wide figures behind /talent, /education, /brands.
AGENDA_FEEDS = ("job_postings", "employment_records", "training_programmes", "education_events", "brand_recognitions")


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
