"""Candidate triage weights over the API: a shadow run checked against the queue, publishing audited and used next.

Its own monitored month (publishing changes the weights the next run uses, which the package's world must not see).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from cbec.config import Settings
from cbec.monitoring import service as monitoring
from cbec.monitoring.schemas import RunSummary
from cbec.monitoring.triage.config import SHIPPED_WEIGHTS
from cbec.storage.store import open_store

from .world import MONTH, monitored_month, serving

API = "/api/v1"
SHIPPED = yaml.safe_load(SHIPPED_WEIGHTS.read_text(encoding="utf-8"))


@dataclass
class Home:
    """The running API over one monitored month, a token per user, and the first run's summary."""

    client: TestClient
    tokens: dict[str, str]
    settings: Settings
    first_run: RunSummary

    def post(self, user: str, path: str, body: dict[str, Any]) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[user]}"}
        return self.client.post(f"{API}{path}", json=body, headers=headers)

    def get(self, user: str, path: str, **params: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[user]}"}
        reply = self.client.get(f"{API}{path}", params=params, headers=headers)
        assert reply.status_code == 200, reply.text
        return reply.json()


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Home]:
    month = monitored_month(
        tmp_path_factory.mktemp("triage-weights"), ("payments", "orders", "waybills", "declarations"), payments=2_000
    )
    institution = monitoring.list_items(store=month.store, limit=1)[0]["institution_id"]
    users = {
        "admin": ("regulator-admin", None),
        "analyst": ("regulator-analyst", None),
        "pi-a": ("institution", institution),
        "auditor": ("auditor", None),
    }
    with serving(month.settings, month.store, users) as (client, tokens):
        yield Home(client=client, tokens=tokens, settings=month.settings, first_run=month.run)


def _weights(version: str, threshold: float | None = None) -> dict[str, Any]:
    """The shipped weights under another version; with `threshold`, both profiles' queue threshold set to it."""
    config = json.loads(json.dumps(SHIPPED))
    config["version"] = version
    if threshold is not None:
        for profile in config["profiles"].values():
            profile["threshold"] = threshold
    return config


def _queue(home: Home) -> set[str]:
    items = home.get("analyst", "/review-items", month=MONTH, limit=500)
    assert len(items) < 500  # the whole month's queue in one page
    return {f"{i['institution_id']}/{i['payment_id']}" for i in items}


def test_a_shadow_run_reports_what_candidate_weights_would_add_and_remove_from_the_queue(home: Home) -> None:
    queue = _queue(home)
    assert queue and home.first_run.review_items_passed == len(queue)
    same = home.post("analyst", "/triage/shadow", {"month": MONTH, "weights": yaml.safe_dump(_weights("same"))})
    assert same.status_code == 200, same.text
    found = same.json()
    assert found["scored"] > len(queue)  # payments with any signal: the queue is those at or above the threshold
    assert (found["added"], found["removed"], found["kept"]) == (0, 0, len(queue))
    assert found["live"]["items"] == found["candidate"]["items"] == len(queue)
    assert found["live"]["config"] == home.first_run.triage
    assert found["candidate"]["config"] == f"same/{home.first_run.triage.rpartition('/')[2]}"

    item = home.get("analyst", "/review-items", month=MONTH, status="assigned", limit=1)[0]
    closed = home.post("analyst", "/review-items/bulk-close", {"item_ids": [item["id"]], "disposition": "no_action"})
    assert closed.status_code == 200 and closed.json()[0]["status"] == "closed"
    # a JSON object, not YAML text: a threshold nothing reaches removes the whole queue
    strict = home.post("admin", "/triage/shadow", {"month": MONTH, "weights": _weights("strict", 1.0)}).json()
    assert (strict["added"], strict["removed"], strict["kept"]) == (0, len(queue), 0)
    assert strict["candidate"]["items"] == 0 and strict["candidate"]["threshold"] == 1.0
    assert (strict["removed_true_positives"], strict["removed_not_suspicious"]) == (0, 1)
    assert (strict["live"]["dispositioned"], strict["live"]["precision"]) == (1, 0.0)
    assert set(strict["removed_sample"]) <= queue and len(strict["removed_sample"]) == min(20, len(queue))
    # a threshold every payment reaches adds every scored payment not yet in the queue
    lax = home.post("analyst", "/triage/shadow", {"month": MONTH, "weights": json.dumps(_weights("lax", 0.0))}).json()
    assert (lax["added"], lax["removed"], lax["kept"]) == (found["scored"] - len(queue), 0, len(queue))
    assert not set(lax["added_sample"]) & queue
    assert _queue(home) == queue  # nothing written


def test_shadow_and_publish_refuse_institutions_and_documents_that_cannot_be_used(home: Home) -> None:
    body = {"month": MONTH, "weights": yaml.safe_dump(_weights("x"))}
    assert home.post("pi-a", "/triage/shadow", body).status_code == 403
    assert home.post("auditor", "/triage/shadow", body).status_code == 403
    publish = {"weights": body["weights"], "reason": "try"}
    for user in ("pi-a", "analyst", "auditor"):
        assert home.post(user, "/triage/publish", publish).status_code == 403

    broken = home.post("analyst", "/triage/shadow", {"month": MONTH, "weights": "version: x\nprofiles: [unclosed\n"})
    assert broken.status_code == 422 and broken.headers["content-type"] == "application/problem+json"
    detail = broken.json()["detail"]
    assert "配置有误 / the configuration cannot be used" in detail and "line 3, column 1: not YAML" in detail
    wrong = home.post(
        "admin", "/triage/publish", {"weights": "version: y\nprofiles: {with_model: {threshold: 2}}\n", "reason": "r"}
    )
    assert wrong.status_code == 422
    assert "profiles.with_model.threshold: 2 is outside [0.0, 1.0]" in wrong.json()["detail"]
    assert "profiles.rules_only: missing" in wrong.json()["detail"]
    nested = home.post("analyst", "/triage/shadow", {"month": MONTH, "weights": "[" * 5_000})
    assert nested.status_code == 422 and "nested too deeply" in nested.json()["detail"]
    too_long = home.post("analyst", "/triage/shadow", {"month": MONTH, "weights": "#" * 64_001})
    assert too_long.status_code == 422
    no_month = home.post("analyst", "/triage/shadow", {"month": "2026-09", "weights": body["weights"]})
    assert no_month.status_code == 422 and "no triage evidence kept" in no_month.json()["detail"]
    assert home.get("admin", "/audit", entity="triage_config") == []


def test_publishing_is_audited_and_the_next_monitor_run_triages_with_the_new_version(home: Home) -> None:
    shipped = SHIPPED["version"]
    unreasoned = home.post("admin", "/triage/publish", {"weights": _weights("api-2", 0.9), "reason": " "})
    assert unreasoned.status_code == 422 and "needs a reason" in unreasoned.text
    done = home.post("admin", "/triage/publish", {"weights": _weights("api-2", 0.9), "reason": "shadow: −40 items"})
    assert done.status_code == 201, done.text
    published = done.json()
    assert (published["before"]["version"], published["after"]["version"]) == (shipped, "api-2")
    assert published["reason"] == "shadow: −40 items"
    (entry,) = home.get("admin", "/audit", entity="triage_config")
    assert (entry["action"], entry["actor"], entry["entity_id"]) == ("triage.publish", "admin", "api-2")
    assert entry["after"]["reason"] == "shadow: −40 items" and entry["after"]["source"] == "request body"
    assert entry["after"]["sha256"] == published["after"]["sha256"]
    assert entry["before"] == {"version": shipped, "sha256": published["before"]["sha256"]}
    again = home.post("admin", "/triage/publish", {"weights": _weights("api-2", 0.9), "reason": "twice"})
    assert again.status_code == 422 and "already live" in again.text

    store = open_store(home.settings)
    try:
        live = monitoring.live_weights(store)
        assert yaml.safe_load(live.read_text(encoding="utf-8"))["version"] == "api-2"
        rerun = monitoring.run_month(store=store, month=MONTH)
    finally:
        store.close()
    profile = home.first_run.triage.rpartition("/")[2]
    assert rerun.triage == f"api-2/{profile}"
    # the published threshold (0.9) passes fewer payments than the shipped one did
    assert rerun.review_items_passed < home.first_run.review_items_passed
